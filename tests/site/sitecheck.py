"""What the site tests share: the pages, the local server, the browser and one visit of a page.

The tests in ``tests/site/`` use these; the root ``conftest.py`` imports the session fixtures (:func:`server`,
:func:`playwright_session`, :func:`browser`) so that every browser test shares one Playwright, one server and one
browser, and a missing Chromium or Playwright is said once (a skip here, a failure in CI).
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path

import pytest
import yaml
from expectations import CHAPTERS

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "_build" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
from nnbook.client import CHROMIUM_ARGS  # noqa: E402 - one list of flags for every headless browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
"""The two sizes every layout check runs at: a laptop and a phone (iPhone 12-14 CSS pixels)."""
VIEWPORTS = [
    pytest.param(DESKTOP, id="desktop"),
    pytest.param(PHONE, id="phone"),
]
LANDING = "intro"
"""The landing page (``_toc.yml``'s root)."""


def toc_pages() -> list[str]:
    """Every page listed in ``_toc.yml``, in order (``chapters/NN_name/name``), nested sections included."""
    toc = yaml.safe_load((REPO / "_toc.yml").read_text())
    pages: list[str] = []

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                pages.append(entry["file"])
            walk(entry.get("sections"))
            walk(entry.get("chapters"))

    walk(toc.get("parts"))
    walk(toc.get("chapters"))
    return [page for page in pages if page.startswith("chapters/")]


def source_of(page: str) -> Path | None:
    """The page's notebook (or Markdown file), or None when it is not on disk yet."""
    for suffix in (".ipynb", ".md"):
        if (REPO / f"{page}{suffix}").exists():
            return REPO / f"{page}{suffix}"
    return None


def chapter_param(page: str):
    marks = (
        []
        if source_of(page)
        else [
            pytest.mark.skip(
                reason=f"{page} is in _toc.yml but not on disk yet"
            )
        ]
    )
    return pytest.param(page, id=page.split("/")[1], marks=marks)


PAGES = [chapter_param(page) for page in toc_pages()]
NOTEBOOK_PAGES = [
    param
    for param in PAGES
    if not (
        source_of(param.values[0])
        and source_of(param.values[0]).suffix == ".md"
    )
]


def min_figures(page: str) -> int:
    """The chapter's ``min_figures`` in ``tests/expectations.py`` (a Markdown page without a row: 0)."""
    source = source_of(page)
    row = CHAPTERS.get(str(source.relative_to(REPO))) if source else None
    if row is not None:
        return row.min_figures
    if source is not None and source.suffix == ".md":
        return 0
    raise AssertionError(
        f"{page}.ipynb has no row in tests/expectations.py: add one (min_figures, budget_s)"
    )


def html_page(site: Path, page: str) -> Path:
    return site / f"{page}.html"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # noqa: D102 - keep the test output clean
        pass


@pytest.fixture(scope="session")
def server(built_site):
    """Serve the built site on 127.0.0.1 (a random port) for the browser; yield its base URL."""
    handler = functools.partial(QuietHandler, directory=str(built_site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture(scope="session")
def playwright_session():
    """One Playwright for the whole session (its sync API cannot be started twice at once)."""
    missing = (
        None
        if CHROMIUM.exists()
        else f"{CHROMIUM} is missing: `apt-get install -y chromium` (.ci/run does it)"
    )
    try:
        from playwright import sync_api
    except ImportError:
        missing = "Playwright is missing: `pip install -r requirements.txt`"
    if missing:  # CI must run the browser test; elsewhere say what to install and skip it
        (pytest.fail if os.environ.get("CI") else pytest.skip)(missing)
    with sync_api.sync_playwright() as playwright:
        yield playwright


def launch(playwright, *args: str):
    """Debian's Chromium with the project's headless flags (``nnbook.client.CHROMIUM_ARGS``) and ``args``."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, *args]
    )


def expect(target):
    """Playwright's ``expect`` (imported here: ``playwright_session`` says what to install when it is missing)."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


@pytest.fixture(scope="session")
def browser(playwright_session):
    """Debian's Chromium, launched once for every site test (a test that needs other flags calls :func:`launch`)."""
    chromium = launch(playwright_session)
    yield chromium
    chromium.close()


class Visit:
    """One page opened with the network blocked: console errors and requests to other hosts are recorded."""

    def __init__(
        self, browser, base: str, url: str, viewport: dict | None = None
    ):
        self.errors: list[str] = []
        self.blocked: list[str] = []
        self.bytes: dict[str, int] = {}
        """Every response of the visit: URL -> body size in bytes (uncompressed, as the local server sends it)."""
        self.context = browser.new_context(viewport=viewport or DESKTOP)
        self.context.route("**/*", self._route(base))
        self.page = self.context.new_page()
        self.page.on(
            "console",
            lambda msg: msg.type == "error" and self.errors.append(msg.text),
        )
        self.page.on(
            "pageerror", lambda error: self.errors.append(f"uncaught: {error}")
        )
        self.page.on("requestfailed", self._failed)
        self.page.on(
            "response",
            lambda response: (
                response.status >= 400
                and self.errors.append(
                    f"HTTP {response.status}: {response.url}"
                )
            ),
        )
        self.page.on("requestfinished", self._count)
        self.page.goto(url, wait_until="load")
        self.wait_for_maths()

    def _failed(self, request) -> None:
        # An explorer frame whose load is cancelled because a control moved on (its src replaced) is no error.
        if request.resource_type == "image" and "ERR_ABORTED" in str(
            request.failure
        ):
            return
        self.errors.append(
            f"failed request: {request.url} ({request.failure})"
        )

    def _count(self, request) -> None:
        try:
            response = request.response()
            if response is not None:
                self.bytes[request.url] = len(response.body())
        except Exception:  # noqa: BLE001 - a response the page dropped (navigation) weighs nothing
            pass

    def _route(self, base: str):
        def handle(route):
            url = route.request.url
            if (
                url.startswith(base)
                or url.startswith("file://")
                or url.startswith("data:")
            ):
                route.continue_()
            else:
                self.blocked.append(url)
                route.abort()

        return handle

    def wait_for_maths(self) -> None:
        if self.page.locator(".math").count() == 0:
            return
        self.page.wait_for_function(
            "() => window.MathJax && MathJax.startup && MathJax.startup.promise",
            timeout=30_000,
        )
        self.page.evaluate("() => MathJax.startup.promise.then(() => true)")

    def load_every_image(self) -> None:
        """Load the figures that wait for the reader to scroll (``loading="lazy"``), as a reader who reads on."""
        self.page.evaluate(
            "() => document.querySelectorAll('img[loading=lazy]').forEach(i => i.loading = 'eager')"
        )
        self.page.wait_for_load_state("networkidle")
        self.page.wait_for_function(
            "() => Array.from(document.images).every(i => i.complete)",
            timeout=30_000,
        )

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="session")
def desktop(browser, server):
    """``desktop(page)``: what one laptop-size visit of the page found (``desktop.read_desktop``), each page
    opened once per session for every desktop check."""
    from desktop import read_desktop  # it imports this module

    readings: dict[str, dict] = {}

    def get(page: str) -> dict:
        if page not in readings:
            readings[page] = read_desktop(browser, server, page)
        return readings[page]

    return get
