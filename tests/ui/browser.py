"""Debian's Chromium driven by Playwright, with every page error and console error recorded."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
VIEWPORT = {"width": 1600, "height": 1000}
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}
# How long the UI may take to show what a page is for (the machine may be loaded).
UI_TIMEOUT_MS = 120_000

# The UI's "Join the Dagster community" dialog (ui-core NUX/CommunityNux.tsx) reads this key
# from localStorage; it is also dismissed on the server (mutation setNuxSeen) by the fixture.
DISMISS_NUX = "window.localStorage.setItem('communityNux', JSON.stringify('1'));"


def is_loopback(url: str) -> bool:
    if not url or url.startswith(("data:", "blob:", "about:")):
        return True
    return (urlsplit(url).hostname or "") in LOOPBACK


def new_context(browser, device_scale_factor: int = 1):
    """A browser context for the UI: its community dialog dismissed, the internet cut off."""
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=device_scale_factor)
    context.add_init_script(DISMISS_NUX)
    # This machine has no internet. The UI links to dagster.io, Slack and the like: those
    # requests are aborted here, so that they neither hang nor count as the app's errors.
    context.route(re.compile(r"^(?!https?://(127\.0\.0\.1|localhost)[:/]).*"),
                  lambda route: route.abort())
    return context


@dataclass
class PageProblems:
    """What went wrong in the browser while a page was shown."""

    errors: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)


class Ui:
    """One browser context on the stack's webserver; ``goto`` records problems per page."""

    def __init__(self, browser, base_url: str, artifacts: Path):
        self.base_url = base_url
        self.artifacts = artifacts
        self.context = new_context(browser)
        self.context.set_default_timeout(UI_TIMEOUT_MS)
        self.page = self.context.new_page()
        self.problems: dict[str, PageProblems] = {}
        self._current = "(before the first page)"
        self.page.on("pageerror", self._on_page_error)
        self.page.on("console", self._on_console)

    # -- problems --------------------------------------------------------------------------

    def _bucket(self) -> PageProblems:
        return self.problems.setdefault(self._current, PageProblems())

    def _on_page_error(self, error) -> None:
        self._bucket().errors.append(f"pageerror: {error}")

    def _on_console(self, message) -> None:
        if message.type != "error":
            return
        where = (message.location or {}).get("url", "")
        text = f"console.error: {message.text} (at {where or '?'})"
        # A failed load of a resource that is not on this server is one of the external
        # requests aborted above (or blocked by the sandbox): not an error of the app.
        if message.text.startswith("Failed to load resource") and not is_loopback(where):
            self._bucket().ignored.append(text)
            return
        self._bucket().errors.append(text)

    def errors(self) -> dict[str, list[str]]:
        return {page: p.errors for page, p in self.problems.items() if p.errors}

    def assert_no_errors(self) -> None:
        errors = self.errors()
        assert not errors, "errors in the browser:\n" + json.dumps(errors, indent=1)

    # -- navigation ------------------------------------------------------------------------

    def goto(self, path: str):
        self._current = path
        self._bucket()
        self.page.goto(self.base_url + path, wait_until="domcontentloaded")
        return self.page

    def shot(self, name: str, full_page: bool = False, **kwargs) -> Path:
        path = self.artifacts / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page, **kwargs)
        return path

    def close(self) -> None:
        self.context.close()
