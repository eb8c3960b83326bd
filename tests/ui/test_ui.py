"""The Dagster UI of the project, in a real browser against a real ``dagster dev``.

One stack for the module (see conftest.py). The tests run in file order, which is also the order
the stack's history builds up: the sensor's first batch, the warehouse after it, then the runs
the tests launch themselves (a run with run config, two backfills from the UI). Each test can
also run alone (``-k``): it waits for the state it needs through the session fixtures.
"""

from __future__ import annotations

import re
import time

import pytest

from tests.ui import queries as q
from tests.ui.browser import DISMISS_NUX, VIEWPORT, Ui
from tests.ui.conftest import (ACCOUNTS, BOTH_LISTS, COLLECTION_JOBS, FOLLOWERS_ONLY, POSTS,
                               _terminal)
from tests.ui.stack import LOCATION, REPOSITORY

pytestmark = pytest.mark.timeout(900)

RAW = ("followers", "following", "repliers")
STAGING = {"followers": "stg_nyne__followers", "following": "stg_nyne__following",
           "repliers": "stg_nyne__repliers"}
MARTS = ("dim_accounts", "fct_follows", "fct_replies", "mutual_follows", "audience_overlap",
         "follower_changes", "account_metrics")
EXPORT = "social_graph_export"
GROUPS = ("nyne_raw", "warehouse", "exports")
# The global lineage graph with every asset group open (ui-core AssetGraphExplorer keeps the
# open groups in the `expanded` query parameter; group ids are `global@global:<group>`).
LINEAGE_URL = "/asset-groups?expanded=" + ",".join(f"global@global:{g}" for g in GROUPS)
NODE_LABEL = '[class*="AssetNode_assetName"]'
RUN_DEADLINE_S = 420


# -- helpers -------------------------------------------------------------------------------

def _ancestors(deps: dict[str, set[str]], name: str) -> set[str]:
    seen: set[str] = set()
    todo = list(deps.get(name, ()))
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(deps.get(node, ()))
    return seen


def _shows(label: str, name: str) -> bool:
    """A node label shows ``name``, whole or middle-truncated (``social_gra…_export``)."""
    label = label.strip()
    if label == name:
        return True
    if "…" in label:
        head, _, tail = label.partition("…")
        return len(head) + len(tail) < len(name) and name.startswith(head) and name.endswith(tail)
    return False


def _node_labels(page) -> list[str]:
    return page.locator(f"svg {NODE_LABEL}").all_inner_texts()


def _wait_for_nodes(stack, page, names) -> list[str]:
    def all_shown():
        labels = _node_labels(page)
        return labels if all(any(_shows(l, n) for l in labels) for n in names) else None

    try:
        return stack.wait_for(f"lineage nodes {sorted(names)}", all_shown, 120, interval_s=1.0)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\nnode labels on the page: {_node_labels(page)}") from None


def _wait_run(stack, run_id: str) -> dict:
    return stack.wait_for(f"run {run_id} to finish",
                          lambda: (r := q.run(stack.gql, run_id)) and _terminal(r) and r,
                          RUN_DEADLINE_S)


def _describe_runs(gql, runs: list[dict]) -> str:
    lines = []
    for r in runs:
        line = f"{r['runId'][:8]} {r['jobName']} {r['status']}"
        if r["status"] != "SUCCESS":
            line += f": {q.failure_summary(gql, r['runId'])}"
        lines.append(line)
    return "; ".join(lines) or "(no runs)"


def _covered(run: dict, order: list[str]) -> set[str]:
    """The partition keys a run covers: its partition, or its partition range in ``order``."""
    tags = q.tags_of(run)
    if "dagster/partition" in tags:
        return {tags["dagster/partition"]}
    start = tags.get("dagster/asset_partition_range_start")
    end = tags.get("dagster/asset_partition_range_end")
    if start in order and end in order:
        return set(order[order.index(start):order.index(end) + 1])
    return set()


def _contiguous_ranges(picked: list[str], order: list[str]) -> int:
    positions = sorted(order.index(k) for k in picked)
    return 1 + sum(1 for a, b in zip(positions, positions[1:]) if b != a + 1)


def _materialized(gql, asset: str) -> set[str]:
    return set(q.partition_status(gql, asset)["materializedPartitions"])


# -- 1. the code location loads; the main pages render -------------------------------------

MAIN_PAGES = [
    # (artifact name, path, what shows that the page rendered)
    ("page-assets", "/assets", lambda p: p.locator('a[href="/assets/followers"]').first),
    ("page-lineage", LINEAGE_URL, lambda p: p.locator(f"svg {NODE_LABEL}").first),
    ("page-runs", "/runs", lambda p: p.locator('a[href^="/runs/"]').first),
    ("page-overview", "/overview", lambda p: p.get_by_text("accounts_job").first),
    ("page-automation", "/automation", lambda p: p.get_by_text("target_list_sensor").first),
    ("page-deployment", "/deployment", lambda p: p.get_by_text("Loaded", exact=True).first),
    ("page-deployment-sensors", f"/locations/{LOCATION}/sensors",
     lambda p: p.get_by_text("target_list_sensor").first),
]


def test_code_location_loads_without_the_venv_on_path_and_main_pages_render(stack, ui, report):
    entry = stack.loaded_entry
    assert "/.venv/" not in stack.env()["PATH"]
    loaded = entry["locationOrLoadError"]
    assert loaded and loaded["__typename"] == "RepositoryLocation", (
        f"code location {LOCATION} failed to load under `dagster dev` with PATH="
        f"{stack.env()['PATH']}: {loaded.get('message') if loaded else loaded}")
    assert [r["name"] for r in loaded["repositories"]] == [REPOSITORY]

    # The runs page and the overview timeline show runs: wait until the sensor made one.
    stack.wait_for("a first run", lambda: q.runs(stack.gql, limit=1), 300)
    rendered = {}
    for name, path, ready in MAIN_PAGES:
        page = ui.goto(path)
        ready(page).wait_for()
        rendered[name] = page.url
        ui.shot(name)
    report["main_pages"] = rendered
    ui.assert_no_errors()


# -- 2. lineage ----------------------------------------------------------------------------

def test_lineage_links_raw_assets_through_staging_to_marts_and_export(stack, ui, artifacts,
                                                                     browser):
    nodes = {"/".join(n["assetKey"]["path"]): n for n in stack.gql(q.ASSET_NODES)["assetNodes"]}
    deps = {name: {"/".join(d["path"]) for d in n["dependencyKeys"]} for name, n in nodes.items()}
    expected = set(RAW) | set(STAGING.values()) | set(MARTS) | {EXPORT}
    assert expected <= set(nodes), f"missing assets: {sorted(expected - set(nodes))}"

    for raw in RAW:
        assert nodes[raw]["groupName"] == "nyne_raw", (raw, nodes[raw]["groupName"])
        assert raw in deps[STAGING[raw]], f"{STAGING[raw]} does not depend on {raw}: {deps[STAGING[raw]]}"
    for mart in MARTS:
        up = _ancestors(deps, mart)
        assert up & set(STAGING.values()), f"{mart} is not built from a staging model: {up}"
        assert up & set(RAW), f"{mart} does not reach a raw asset: {up}"
    # Follow marts come from the follow lists, the replies mart from repliers.
    assert {"followers", "following"} <= _ancestors(deps, "fct_follows")
    assert "repliers" in _ancestors(deps, "fct_replies")
    # The export reads marts (not every one of them), and so descends from every raw asset.
    export_up = _ancestors(deps, EXPORT)
    assert export_up & set(MARTS), f"{EXPORT} reads no mart: {deps[EXPORT]}"
    assert set(RAW) | set(STAGING.values()) <= export_up, export_up

    page = ui.goto(LINEAGE_URL)
    _wait_for_nodes(stack, page, [*RAW, EXPORT])
    ui.shot("lineage-page")
    ui.assert_no_errors()

    # The README picture: the same graph at twice the pixel density, cut to the graph itself.
    readme = browser.new_context(viewport=VIEWPORT, device_scale_factor=2)
    try:
        readme.add_init_script(DISMISS_NUX)
        readme.route(re.compile(r"^(?!https?://(127\.0\.0\.1|localhost)[:/]).*"),
                     lambda route: route.abort())
        picture = readme.new_page()
        picture.goto(stack.base_url + LINEAGE_URL, wait_until="domcontentloaded")
        _wait_for_nodes(stack, picture, list(expected))
        _wait_still(stack, picture)
        picture.evaluate(HIDE_GRAPH_CONTROLS)
        picture.screenshot(path=str(artifacts / "lineage.png"), clip=_graph_box(picture))
    finally:
        readme.close()


# The zoom slider and buttons float over the graph's right edge: not part of a picture.
HIDE_GRAPH_CONTROLS = """() => {
  const right = window.innerWidth - 70;
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (!el.closest('svg') && r.left >= right && r.top > 120 && r.width > 0 && r.width < 70) {
      el.style.visibility = 'hidden';
    }
  }
}"""


def _graph_box(page, pad: int = 16) -> dict:
    """The viewport rectangle around every node and group box of the graph."""
    boxes = page.locator("svg foreignObject").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().toJSON())")
    view = page.viewport_size
    left = max(0, min(b["left"] for b in boxes) - pad)
    top = max(0, min(b["top"] for b in boxes) - pad)
    right = min(view["width"], max(b["right"] for b in boxes) + pad)
    bottom = min(view["height"], max(b["bottom"] for b in boxes) + pad)
    return {"x": left, "y": top, "width": right - left, "height": bottom - top}


def _wait_still(stack, page) -> None:
    def positions():
        return [tuple(round(v) for v in (b["x"], b["y"])) for b in
                page.locator(f"svg {NODE_LABEL}").evaluate_all(
                    "els => els.map(e => e.getBoundingClientRect().toJSON())")]

    last = {"p": None}

    def still():
        now = positions()
        same = now == last["p"]
        last["p"] = now
        return same

    stack.wait_for("the lineage graph to stop moving", still, 60, interval_s=1.0)


# -- 3. the sensor's first tick ------------------------------------------------------------

def test_sensor_first_tick_registers_the_list_and_collects_it_in_two_runs(stack, first_batch,
                                                                          report):
    gql = stack.gql
    assert first_batch["error"] is None, first_batch["error"]
    tick = first_batch["tick"]
    assert tick["status"] == "SUCCESS", f"first tick {tick['status']}: {tick['error'] or tick['skipReason']}"

    added = {r["partitionsDefName"]: set(r["partitionKeys"] or [])
             for r in tick["dynamicPartitionsRequestResults"] if r["type"] == "ADD_PARTITIONS"}
    assert added == {"accounts": ACCOUNTS, "posts": POSTS}, added
    accounts_order = q.partition_keys(gql, "followers")
    assert set(accounts_order) == ACCOUNTS and len(accounts_order) == 7, accounts_order
    posts_order = q.partition_keys(gql, "repliers")
    assert set(posts_order) == POSTS and len(posts_order) == 3, posts_order

    runs = first_batch["runs"]
    report["first_tick"] = {
        "runs": [{"job": r["jobName"], "status": r["status"], "tags": q.tags_of(r),
                  "assetSelection": r["assetSelection"]} for r in runs],
        "accounts_order": accounts_order}
    by_job = {job: q.runs(gql, job, tags={"dagster/sensor_name": "target_list_sensor"})
              for job in COLLECTION_JOBS}
    counts = {job: len(rs) for job, rs in by_job.items()}
    assert len(runs) == 2 and counts == {"accounts_job": 1, "posts_job": 1}, (
        f"the first batch took {len(runs)} run(s) in its first tick, runs by job {counts}: "
        f"{_describe_runs(gql, [r for rs in by_job.values() for r in rs])}")

    accounts_run, posts_run = by_job["accounts_job"][0], by_job["posts_job"][0]
    tags = q.tags_of(accounts_run)
    assert {"dagster/asset_partition_range_start", "dagster/asset_partition_range_end"} <= set(tags), tags
    assert _covered(accounts_run, accounts_order) == ACCOUNTS, tags
    assert _covered(posts_run, posts_order) == POSTS, q.tags_of(posts_run)
    assert all(r["status"] == "SUCCESS" for r in runs), _describe_runs(gql, runs)

    assert _materialized(gql, "followers") == ACCOUNTS
    assert _materialized(gql, "following") == BOTH_LISTS, (
        f"following: the {len(BOTH_LISTS)} accounts that collect both lists, not "
        f"{sorted(FOLLOWERS_ONLY)}")
    assert _materialized(gql, "repliers") == POSTS


# -- 5. the warehouse rebuild --------------------------------------------------------------

def test_warehouse_sensor_builds_the_warehouse_after_the_first_batch(stack, warehouse_first):
    gql = stack.gql
    assert warehouse_first["error"] is None, (
        f"{warehouse_first['error']}\nwarehouse_job runs: "
        f"{_describe_runs(gql, warehouse_first['runs'])}")
    runs = warehouse_first["runs"]
    assert all(q.tags_of(r).get("dagster/sensor_name") == "warehouse_sensor" for r in runs), (
        [q.tags_of(r) for r in runs])
    assert runs[-1]["status"] == "SUCCESS", _describe_runs(gql, runs)

    nodes = stack.gql(q.ASSET_NODES)["assetNodes"]
    models = sorted("/".join(n["assetKey"]["path"]) for n in nodes if n["groupName"] == "warehouse")
    assert set(STAGING.values()) | set(MARTS) <= set(models), models
    unbuilt = [a for a in [*models, EXPORT] if not q.materializations(gql, a, limit=1)]
    assert not unbuilt, f"never materialized: {unbuilt}"


def test_one_warehouse_run_for_the_first_batch(stack, warehouse_first, report):
    runs = warehouse_first["runs"]
    report["warehouse_job_runs_first_batch_count"] = len(runs)
    print(f"warehouse_job runs launched for the first batch: {len(runs)}")
    assert warehouse_first["error"] is None, warehouse_first["error"]
    assert len(runs) == 1, (
        f"{len(runs)} warehouse_job runs for one batch (the sensor should wait until no "
        f"collection run is in flight): {_describe_runs(stack.gql, runs)}")


# -- 6. metadata over time -----------------------------------------------------------------

def test_followers_metadata_is_numeric_and_plotted(stack, ui, first_batch, report):
    mats = q.materializations(stack.gql, "followers")
    assert mats, "followers has no materialization"
    for mat in mats:
        kinds = {e["label"]: e["__typename"] for e in mat["metadataEntries"]}
        for label in ("dagster/row_count", "nyne/credits", "nyne/total_count"):
            assert kinds.get(label) == "IntMetadataEntry", (mat["partition"], label, kinds)

    # Dagster 1.13 has no `?view=plots` asset tab (that URL renders an empty tab): the plots
    # are the "Plots" side of the Overview tab's Metadata section.
    page = ui.goto("/assets/followers?view=plots")
    page.get_by_role("tab", name="Overview").wait_for()
    report["followers_view_plots_url_shows_canvas"] = page.locator("canvas").count() > 0

    page = ui.goto("/assets/followers?view=overview")
    section = page.get_by_text("Metadata", exact=True).first
    section.wait_for()
    plots = page.get_by_role("button", name="Plots")
    plots.scroll_into_view_if_needed()
    plots.click()
    page.locator("canvas").first.wait_for()
    # One chart per numeric metadata key, each under its key (the Table view is gone now).
    for label in ("dagster/row_count", "nyne/credits", "nyne/total_count"):
        page.get_by_text(label, exact=True).first.wait_for()
    assert page.locator("canvas").count() >= 3
    assert page.get_by_text("Asset plots are automatically generated by metadata").count() == 0
    assert page.get_by_text("No numeric metadata entries available").count() == 0
    report["followers_plots_canvases"] = page.locator("canvas").count()
    section.scroll_into_view_if_needed()
    ui.shot("followers-plots")
    ui.assert_no_errors()


# -- 8. the export picture -----------------------------------------------------------------

def test_export_has_its_picture_in_markdown_metadata(stack, ui, warehouse_first, report):
    mats = stack.wait_for(f"a materialization of {EXPORT}",
                          lambda: q.materializations(stack.gql, EXPORT, limit=1), 120)
    markdown = [e for e in mats[0]["metadataEntries"] if e["__typename"] == "MarkdownMetadataEntry"]
    assert markdown, f"no markdown metadata on {EXPORT}: {[e['label'] for e in mats[0]['metadataEntries']]}"
    assert any(re.search(r"!\[[^\]]*\]\(|<img\b", e["mdStr"]) for e in markdown), (
        [e["mdStr"][:200] for e in markdown])

    page = ui.goto(f"/assets/{EXPORT}")
    page.get_by_text("Metadata", exact=True).first.wait_for()
    images = "Array.from(document.images).filter(i => i.complete && i.naturalWidth > 0).length"
    try:  # the picture, if the page shows it inline (it may load after the page)
        page.locator("img").first.wait_for(timeout=15_000)
        page.wait_for_function(f"{images} > 0", timeout=15_000)
        page.locator("img").first.scroll_into_view_if_needed()
    except Exception:  # noqa: BLE001 - only recorded, see below
        pass
    inline = page.evaluate(images)
    ui.shot("export-asset")
    shown_in_dialog = None
    show = page.get_by_text("[Show Markdown]")
    if show.count():
        show.first.click()
        dialog = page.get_by_role("dialog")
        dialog.wait_for()
        try:
            dialog.locator("img").first.wait_for(timeout=30_000)
            shown_in_dialog = page.evaluate(images) > 0
        except Exception:  # noqa: BLE001 - only recorded
            shown_in_dialog = False
        ui.shot("export-picture")
    report["export_picture"] = {"inline_img_on_asset_page": inline > 0,
                                "img_in_show_markdown_dialog": shown_in_dialog}
    print(f"export picture: inline <img> on the asset page: {inline > 0}; "
          f"in the [Show Markdown] dialog: {shown_in_dialog}")
    ui.assert_no_errors()


# -- 7. run config -------------------------------------------------------------------------

def test_launch_run_with_run_config_keeps_the_secrets_out(stack, first_batch, warehouse_first):
    from simulator import SimulatorConfig

    gql = stack.gql
    sim = SimulatorConfig()
    secrets = [sim.api_key, sim.api_secret]
    result = gql(q.LAUNCH_RUN, params={
        "selector": {**q.REPO, "jobName": "accounts_job"},
        "runConfigData": {"resources": {"nyne": {"config": {"max_results": 50}}}},
        "executionMetadata": {"tags": [{"key": "dagster/partition", "value": "tw_janedoe"}]},
    })["launchRun"]
    assert result["__typename"] == "LaunchRunSuccess", result
    run = _wait_run(stack, result["run"]["runId"])
    assert run["status"] == "SUCCESS", _describe_runs(gql, [run])
    assert "max_results: 50" in run["runConfigYaml"], run["runConfigYaml"]

    made = q.materialized_by(run)
    assert ("followers", "tw_janedoe") in made, made
    mat = next(m for m in q.materializations(gql, "followers")
               if m["runId"] == run["runId"] and m["partition"] == "tw_janedoe")
    rows = {e["label"]: e.get("intValue") for e in mat["metadataEntries"]}["dagster/row_count"]
    assert rows <= 50, f"max_results 50 returned {rows} rows"

    stored = {"runConfigYaml": run["runConfigYaml"],
              "tags": " ".join(f"{t['key']}={t['value']}" for t in run["tags"]),
              "event log": "\n".join(q.run_messages(gql, run["runId"]))}
    leaks = [(where, s) for where, text in stored.items() for s in secrets if s in text]
    assert not leaks, f"simulator credentials stored with the run: {leaks}"


def test_warehouse_sensor_waits_while_a_collection_job_run_is_in_flight(stack, first_batch,
                                                                       warehouse_first):
    """The rule behind "one build per batch", checked without a race: while a run of
    posts_job is queued or running, the sensor (evaluated by a dry run from a cursor that
    makes every snapshot new) must skip, not build."""
    gql = stack.gql
    stack.wait_for("no run in flight", lambda: all(_terminal(r) for r in q.runs(gql)),
                   RUN_DEADLINE_S, interval_s=3.0)
    launched = gql(q.LAUNCH_RUN, params={
        "selector": {**q.REPO, "jobName": "posts_job"},
        "executionMetadata": {"tags": [{"key": "dagster/partition",
                                        "value": "tw_1803000000000000042"}]},
    })["launchRun"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    run_id = launched["run"]["runId"]
    before = q.run(gql, run_id)["status"]
    tick = gql(q.SENSOR_DRY_RUN, selector={**q.REPO, "sensorName": "warehouse_sensor"},
               cursor="0")["sensorDryRun"]
    after = q.run(gql, run_id)["status"]
    finished = _wait_run(stack, run_id)  # leave the stack quiet
    assert tick["__typename"] == "DryRunInstigationTick", tick
    evaluation = tick["evaluationResult"]
    assert before in q.IN_FLIGHT and after in q.IN_FLIGHT, (
        f"inconclusive: the posts_job run was {before} then {after} around the dry run")
    assert evaluation["error"] is None, evaluation["error"]
    assert evaluation["skipReason"] and not evaluation["runRequests"], (
        f"warehouse_sensor would build while posts_job run {run_id[:8]} is {after}: "
        f"skipReason={evaluation['skipReason']!r}, cursor -> {evaluation['cursor']!r}, "
        f"runRequests={evaluation['runRequests']}")
    assert finished["status"] == "SUCCESS", _describe_runs(gql, [finished])


# -- 4. backfills from the UI, by clicks ---------------------------------------------------

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

    before = q.backfill_ids(stack.gql)
    launch.get_by_role("button", name=re.compile(r"^Launch")).click()
    new = stack.wait_for("the backfill launched from the dialog",
                         lambda: q.backfill_ids(stack.gql) - before, 120, interval_s=1.0)
    assert len(new) == 1, new
    report[report_key] = {"dialog_title": title, "required_assets_notice": required,
                          "picker_order": order, "picked": picked}
    return new.pop(), picked, order


def _wait_backfill(stack, backfill_id: str) -> dict:
    def done():
        b = q.backfill(stack.gql, backfill_id)
        if b["status"] in q.BACKFILL_DONE and all(_terminal(r) for r in b["runs"]):
            return b
        return None

    return stack.wait_for(f"backfill {backfill_id} to complete", done, RUN_DEADLINE_S,
                          interval_s=3.0)


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


@pytest.fixture(scope="module")
def ui_backfills(stack, browser, artifacts, first_batch, warehouse_first, report) -> dict:
    """Both backfills, launched from the UI one after the other, then awaited together (the
    backfill daemon works in 30 s iterations: two at once save minutes)."""
    # No collection run in flight: what materializes followers from now on is a backfill's.
    stack.wait_for("no collection run in flight",
                   lambda: all(_terminal(r) or r["jobName"] == "warehouse_job"
                               for r in q.runs(stack.gql)),
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
    done = {name: _wait_backfill(stack, backfill_id)
            for name, (backfill_id, _, _) in launched.items()}
    backfill_runs = {r["runId"] for b in done.values() for r in b["runs"]}
    others = [m for m in q.materializations(stack.gql, "followers")
              if float(m["timestamp"]) / 1000 >= started and m["runId"] not in backfill_runs]
    for name, b in done.items():
        report[f"backfill_{name}"].update(
            status=b["status"], runs=len(b["runs"]),
            asset_selection=[p["path"] for p in b["assetSelection"] or []])
    return {"launched": launched, "done": done, "errors": errors, "others": others}


def _check_backfill(stack, result: dict, name: str) -> tuple[dict, list[str], list[str]]:
    """The assertions both backfills share; returns (backfill, picked, picker order)."""
    gql = stack.gql
    backfill_id, picked, order = result["launched"][name]
    done = result["done"][name]
    assert not result["errors"], f"errors in the browser: {result['errors']}"
    assert order == q.partition_keys(gql, "followers"), (
        f"picker order {order} is not the partition order {q.partition_keys(gql, 'followers')}")
    runs = done["runs"]
    assert all(r["status"] == "SUCCESS" for r in runs), _describe_runs(gql, runs)
    assert done["status"] in {"COMPLETED_SUCCESS", "COMPLETED"}, (
        f"backfill {done['status']}: {done['error']} {_describe_runs(gql, runs)}")
    made = set().union(*(q.materialized_by(r) for r in runs))
    assert {p for a, p in made if a == "followers"} == set(picked), (
        f"backfill {backfill_id} of {picked} materialized {sorted(made)}")
    # Materialize on the followers page buys following too: one lookup, both lists, also for
    # an account whose row collects followers alone (Dagster asked for both assets).
    got = {p for a, p in made if a == "following"}
    assert got == set(picked), f"following not materialized for {sorted(set(picked) - got)}"
    assert not result["others"], (
        f"followers materialized meanwhile by runs outside the backfills: {result['others']}")
    return done, picked, order


def test_backfill_of_three_adjacent_partitions_picked_by_clicks(stack, ui_backfills):
    done, picked, order = _check_backfill(stack, ui_backfills, "adjacent")
    runs = done["runs"]
    assert len(runs) == 1, (
        f"{len(runs)} runs for one contiguous range: {_describe_runs(stack.gql, runs)}")
    assert set(picked) & FOLLOWERS_ONLY, f"{picked} has no followers-only account to try"


def test_backfill_of_two_non_adjacent_partitions_picked_by_clicks(stack, ui_backfills, report):
    done, picked, order = _check_backfill(stack, ui_backfills, "gap")
    runs = done["runs"]
    ranges = _contiguous_ranges(picked, order)
    report["backfill_gap"]["contiguous_ranges"] = ranges
    print(f"backfill of {picked} (picker order {order}): {len(runs)} run(s) for {ranges} "
          f"contiguous range(s); backfill status {done['status']}")
    # Dagster 1.13's backfill daemon makes one run per contiguous range of the partition
    # order for a single-run backfill policy (dagster-io/dagster#32335).
    assert len(runs) == ranges, f"{len(runs)} runs for {ranges} contiguous ranges"
