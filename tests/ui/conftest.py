"""One real stack for the whole UI suite: ``social-graph dev`` with the simulator, a fresh
instance, and Debian's Chromium through Playwright.

Every fixture but ``ui`` is package-scoped, so the suite starts one stack however its files
are split. The files run in the order of their numbers, which is also the order the stack's
history builds up: the sensor's first batch, the warehouse after it, then the runs the tests
launch themselves (a run with run config, two backfills from the UI). Each test can also run
alone (``-k``): it waits for the state it needs through the package fixtures.

Artifacts (screenshots, the server log, report.json) go to ``tests/ui/artifacts/`` or to
``$SOCIAL_UI_ARTIFACTS``.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from tests.ui import queries as q
from tests.ui.backfills import ui_backfills  # noqa: F401 - a package fixture
from tests.ui.browser import CHROMIUM, CHROMIUM_ARGS, Ui
from tests.ui.history import first_batch, warehouse_first  # noqa: F401 - package fixtures
from tests.ui.stack import Stack


# Package scope: one stack for every file of tests/ui, torn down after its last test, not at the
# end of the session. Under xdist the same worker runs other files next, and Playwright's sync
# API keeps an event loop running in the main thread while it is open (asyncio.run() would
# then fail in every later test of that worker).
@pytest.fixture(scope="package")
def artifacts() -> Path:
    path = Path(os.environ.get("SOCIAL_UI_ARTIFACTS") or Path(__file__).parent / "artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="package")
def report(artifacts):
    """Observations the tests record (run counts, what rendered); written to report.json."""
    data: dict = {}
    yield data
    (artifacts / "report.json").write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


@pytest.fixture(scope="package")
def stack(tmp_path_factory, artifacts, report):
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (make test installs Debian's chromium)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    started = time.monotonic()
    stack = Stack(tmp_path_factory.mktemp("ui-stack"), artifacts / "server.log")
    stack.start()
    try:
        stack.loaded_entry = stack.wait_until_loaded()
        report["stack_ready_s"] = round(time.monotonic() - started, 1)
        # The UI's community dialog would cover every page: dismiss it once for the instance.
        stack.gql(q.SET_NUX_SEEN)
        yield stack
    finally:
        left = stack.stop()
        report["processes_left_after_stop"] = left
    assert not left, f"processes of the stack still alive after stop(): {left}"


@pytest.fixture(scope="package")
def browser(stack):
    from playwright.sync_api import sync_playwright

    # Never `playwright install`: the browser is Debian's, the driver is in the wheel.
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def ui(browser, stack, artifacts):
    page = Ui(browser, stack.base_url, artifacts)
    yield page
    page.close()
