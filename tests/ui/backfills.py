"""The session fixture ``ui_backfills``: two backfills of followers launched from the UI by
clicks (Materialize, Custom partitions, a checkbox per partition, Launch), then awaited."""

from __future__ import annotations

import re
import time

import pytest

from tests.ui import readers as read
from tests.ui.browser import Ui
from tests.ui.contract import FOLLOWERS_ONLY
from tests.ui.waits import RUN_DEADLINE_S, wait_backfill


def _launch_followers_backfill(stack, ui: Ui, choose, shot: str, report_key: str,
                               report: dict) -> tuple[str, list[str], list[str]]:
    """Materialize on the followers page, pick partitions by clicking their checkboxes, launch.

    ``choose(order)`` gets the picker's partition order and returns the keys to pick. Returns
    (backfill id, picked keys, picker order).
    """
    page = ui.goto("/assets/followers")
    page.get_by_role("button", name="Materialize…").first.click()
    confirm = page.get_by_role("dialog").filter(has_text="Additional assets will be materialized")
    launch = page.get_by_role("dialog").filter(has_text="Partition selection")
    confirm.or_(launch).first.wait_for()
    required = None
    if confirm.count():
        # followers and following are one multi-asset that cannot be subset: the UI says so.
        required = confirm.inner_text()
        ui.shot(f"{shot}-required-assets")
        confirm.get_by_role("button", name="Confirm").click()
    launch.wait_for()
    title = launch.locator('[class*="Dialog_dialogHeaderText"]').inner_text()

    launch.get_by_role("button", name="Custom", exact=True).click()
    launch.locator('[class*="TagSelector_tagSelectorContainer"]').click()
    rows = page.locator('[role="menuitem"]:has(input[type="checkbox"])')
    rows.filter(has_text="Select all").wait_for()
    order = [t.split("\n")[0].strip() for t in rows.all_inner_texts()
             if not t.strip().startswith("Select all")]
    picked = choose(order)
    for partition in order:
        row = rows.filter(has=page.locator(f'[title="{partition}"]'))
        box = row.locator('input[type="checkbox"]')
        if box.is_checked() != (partition in picked):
            row.click()
        stack.wait_for(f"the checkbox of {partition} to be {'on' if partition in picked else 'off'}",
                       lambda: box.is_checked() == (partition in picked), 30, interval_s=0.2)
    launch.locator('[class*="Dialog_dialogHeaderText"]').click()  # closes the picker
    summary = f"{len(picked)} partition" + ("s" if len(picked) != 1 else "")
    launch.get_by_text(summary, exact=True).first.wait_for()
    ui.shot(f"{shot}-dialog")

    before = read.backfill_ids(stack.gql)
    launch.get_by_role("button", name=re.compile(r"^Launch")).click()
    new = stack.wait_for("the backfill launched from the dialog",
                         lambda: read.backfill_ids(stack.gql) - before, 120, interval_s=1.0)
    assert len(new) == 1, new
    report[report_key] = {"dialog_title": title, "required_assets_notice": required,
                          "picker_order": order, "picked": picked}
    return new.pop(), picked, order


def _three_adjacent(order: list[str]) -> list[str]:
    """Three adjacent rows of the picker, one of them an account whose row collects followers
    alone (a backfill buys it both lists all the same), else the middle three."""
    for i in range(len(order) - 2):
        if set(order[i:i + 3]) & FOLLOWERS_ONLY:
            return order[i:i + 3]
    middle = max(0, len(order) // 2 - 1)
    return order[middle:middle + 3]


def _first_and_last(order: list[str]) -> list[str]:
    return [order[0], order[-1]]


@pytest.fixture(scope="package")
def ui_backfills(stack, browser, artifacts, first_batch, warehouse_first, report) -> dict:
    """Both backfills, launched from the UI one after the other, then awaited together (the
    backfill daemon works in 30 s iterations: two at once save minutes)."""
    # No collection run in flight: what materializes followers from now on is a backfill's.
    stack.wait_for("no collection run in flight",
                   lambda: all(read.terminal(r) or r["jobName"] == "warehouse_job"
                               for r in read.runs(stack.gql)),
                   RUN_DEADLINE_S, interval_s=3.0)
    ui = Ui(browser, stack.base_url, artifacts)
    try:
        started = time.time()
        launched = {name: _launch_followers_backfill(stack, ui, choose, f"backfill-{name}",
                                                     f"backfill_{name}", report)
                    for name, choose in (("adjacent", _three_adjacent),
                                         ("gap", _first_and_last))}
        errors = ui.errors()
    finally:
        ui.close()
    done = {name: wait_backfill(stack, backfill_id)
            for name, (backfill_id, _, _) in launched.items()}
    backfill_runs = {r["runId"] for b in done.values() for r in b["runs"]}
    others = [m for m in read.materializations(stack.gql, "followers")
              if float(m["timestamp"]) / 1000 >= started and m["runId"] not in backfill_runs]
    for name, b in done.items():
        report[f"backfill_{name}"].update(
            status=b["status"], runs=len(b["runs"]),
            asset_selection=[p["path"] for p in b["assetSelection"] or []])
    return {"launched": launched, "done": done, "errors": errors, "others": others}
