"""Headless Chromium for the page tests (web/ and monitoring/): Debian's `chromium`, driven by Playwright.

Every page a test opens is watched: a console error, an uncaught exception or a failed
request for one of the page's own resources fails the test. Screenshots of key pages go to
`$KEEL_TEST_ARTIFACTS/screenshots` (default `Tests/e2e/.artifacts/screenshots`)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from support.servers import target

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome")


def chromium_path() -> str | None:
    explicit = os.environ.get("KEEL_CHROMIUM")
    if explicit:
        return explicit
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def screenshot_dir() -> Path:
    root = Path(os.environ.get("KEEL_TEST_ARTIFACTS", Path(__file__).resolve().parents[1] / ".artifacts"))
    path = root / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def browser():
    if target() == "mlflow":
        pytest.skip("Keel's own web pages")
    executable = chromium_path()
    if executable is None:
        pytest.fail("no Chromium found: install Debian's `chromium` package (scripts/test.sh does) or set KEEL_CHROMIUM")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox", "--disable-gpu"])
        yield launched
        launched.close()


class WatchedPage:
    """A browser tab that records what would show in the developer console as an error."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.problems: list[str] = []
        page.on("console", lambda message: message.type == "error" and self.problems.append(f"console: {message.text}"))
        page.on("pageerror", lambda error: self.problems.append(f"uncaught: {error}"))
        # A request cut short because the test navigated on (net::ERR_ABORTED) is not a fault.
        page.on("requestfailed", lambda request: "ERR_ABORTED" not in (request.failure or "")
                and self.problems.append(f"request failed: {request.url} {request.failure}"))

    def open(self, path: str, expect_status: int = 200):
        response = self.page.goto(self.base_url + path)
        assert response is not None
        assert response.status == expect_status, f"{path}: {response.status}"
        if expect_status >= 400:
            # Chromium reports the page's own error status in the console; that one was asked for.
            self.problems = [p for p in self.problems if "the server responded with a status of" not in p]
        return response

    def shot(self, name: str) -> Path:
        path = screenshot_dir() / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 1000
        return path


@pytest.fixture
def new_tab(browser):
    """A factory of watched tabs, each with its own cookies; at the end of the test, any tab
    whose pages reported errors fails it."""
    opened: list[tuple[object, WatchedPage]] = []

    def make(base_url: str) -> WatchedPage:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        watched = WatchedPage(context.new_page(), base_url)
        opened.append((context, watched))
        return watched

    yield make
    problems = [problem for _, watched in opened for problem in watched.problems]
    for context, _ in opened:
        context.close()
    assert problems == [], "the pages reported errors:\n  " + "\n  ".join(problems)
