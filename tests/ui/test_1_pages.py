"""The code location loads under ``social-graph dev``; the main pages and the lineage render.

The suite's files run in the order of their numbers, which is also the order the stack's history
builds up (see conftest.py).
"""

from __future__ import annotations

import pytest

from tests.ui import queries as q
from tests.ui import readers as read
from tests.ui.browser import VIEWPORT, new_context
from tests.ui.contract import EXPORT, MARTS, RAW, STAGING
from tests.ui.lineage import (HIDE_GRAPH_CONTROLS, LINEAGE_URL, LINEAGE_VIEWPORT, NODE_LABEL,
                              ancestors, graph_box, wait_for_nodes, wait_still)
from tests.ui.queries import LOCATION, REPOSITORY

pytestmark = pytest.mark.timeout(900)

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
    stack.wait_for("a first run", lambda: read.runs(stack.gql, limit=1), 300)
    rendered = {}
    for name, path, ready in MAIN_PAGES:
        page = ui.goto(path)
        ready(page).wait_for()
        rendered[name] = page.url
        ui.shot(name)
    report["main_pages"] = rendered
    ui.assert_no_errors()


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
        up = ancestors(deps, mart)
        assert up & set(STAGING.values()), f"{mart} is not built from a staging model: {up}"
        assert up & set(RAW), f"{mart} does not reach a raw asset: {up}"
    # Follow marts come from the follow lists, the replies mart from repliers.
    assert {"followers", "following"} <= ancestors(deps, "fct_follows")
    assert "repliers" in ancestors(deps, "fct_replies")
    # The export reads marts (not every one of them), and so descends from every raw asset.
    export_up = ancestors(deps, EXPORT)
    assert export_up & set(MARTS), f"{EXPORT} reads no mart: {deps[EXPORT]}"
    assert set(RAW) | set(STAGING.values()) <= export_up, export_up

    # The whole graph (26 assets, three groups open) is taller than the usual window at the
    # smallest zoom the UI opens it with, and nodes outside the window are not drawn: a window
    # as tall as the graph, for this page only.
    page = ui.page
    page.set_viewport_size(LINEAGE_VIEWPORT)
    try:
        page = ui.goto(LINEAGE_URL)
        wait_for_nodes(stack, page, [*RAW, EXPORT])
        ui.shot("lineage-page")
        ui.assert_no_errors()
    finally:
        page.set_viewport_size(VIEWPORT)

    # The README picture: the same graph at twice the pixel density, cut to the graph itself.
    readme = new_context(browser, device_scale_factor=2)
    try:
        picture = readme.new_page()
        picture.set_viewport_size(LINEAGE_VIEWPORT)
        picture.goto(stack.base_url + LINEAGE_URL, wait_until="domcontentloaded")
        wait_for_nodes(stack, picture, list(expected))
        wait_still(stack, picture)
        picture.evaluate(HIDE_GRAPH_CONTROLS)
        picture.screenshot(path=str(artifacts / "lineage.png"), clip=graph_box(picture))
    finally:
        readme.close()
