"""What every browser test needs: Debian's Chromium, a real server on the test database, and
people signed in. Nothing leaves 127.0.0.1 and no browser is ever downloaded.

CI machines are slow and loaded, so: act on a live page only once it is live (open_live, or
the status line after a navigation); anything that crosses the websocket waits WAIT_MS, not
Playwright's 5 s; wait for what should be seen rather than sleeping (wait_for_timeout only
gives something that must not happen a chance to show)."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connections
from django.urls import reverse

from communities.models import User
from tests.conftest import IN_CI, People
from tests.servers import ROOT, SpareServer

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
PASSWORD = "mot-de-passe-solide-42"
WAIT_MS = 15_000
SCREENSHOTS = ROOT / "var" / "screenshots"
LIVE = "Mises à jour en direct actives."


def _require_chromium() -> None:
    if not CHROMIUM.exists():
        if IN_CI:
            pytest.fail("CI=true but /usr/bin/chromium is missing")
        pytest.skip("Chromium absent : installez le paquet Debian « chromium ».")


@pytest.fixture
def browser_ready(monkeypatch: pytest.MonkeyPatch) -> None:
    _require_chromium()
    # Playwright's sync API runs an event loop in this thread while a test has the browser;
    # the ORM calls the test makes meanwhile would otherwise be refused as "async".
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


class SharedChromium:
    """Playwright's driver and one Chromium for all the tests of this package, each test in
    browser contexts of its own (cookies, storage, cache), closed when it ends: starting them
    for every test cost ~0.8 s.

    Playwright's sync API marks its event loop as running in this thread (asyncio's record,
    which Django and asgiref read) from its start to its stop. A test that has the browser
    runs with that mark, as when it launched its own; between tests it is taken off, so the
    database flush, tests without a browser and, after this package, the pytest-asyncio tests
    run as though no browser were open."""

    def __init__(self) -> None:
        self._playwright: Playwright | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._browser: Browser | None = None

    @contextmanager
    def in_test(self) -> Iterator[Browser]:
        self._resume()
        try:
            browser = self._ready_browser()
            try:
                yield browser
            finally:
                self._close_contexts(browser)
        finally:
            # Inside Playwright's loop the ORM opens a connection of its own (asgiref sees
            # another context); left open it would stop the test database being dropped.
            connections.close_all()
            asyncio._set_running_loop(None)

    def close(self) -> None:
        from playwright.sync_api import Error

        self._resume()
        try:
            if self._browser is not None and self._browser.is_connected():
                # Its driver closes it anyway when stopped; an error here would be reported
                # against the package's last test, whatever it was.
                with suppress(Error):
                    self._browser.close()
        finally:
            try:
                self._stop_driver()
            finally:
                asyncio._set_running_loop(None)

    def _resume(self) -> None:
        # As Playwright does after each call, and only while its dispatcher is inside the loop
        # (a dead driver left it).
        if self._loop is not None and self._loop.is_running():
            asyncio._set_running_loop(self._loop)

    def _ready_browser(self) -> Browser:
        from playwright.sync_api import Error

        try:
            browser = self._live_browser()
            self._close_contexts(browser)  # a test before may have failed to close its own
        except Error:
            # The driver or Chromium died under a test before: both are started again.
            with suppress(Exception):
                self._stop_driver()
            asyncio._set_running_loop(None)
            browser = self._live_browser()
        return browser

    def _live_browser(self) -> Browser:
        from playwright.sync_api import sync_playwright

        if self._loop is None or not self._loop.is_running():
            self._stop_driver()
            self._playwright = sync_playwright().start()
            self._loop = asyncio.get_running_loop()
        if self._browser is None or not self._browser.is_connected():
            assert self._playwright is not None
            self._browser = self._playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                             args=CHROMIUM_ARGS)
        return self._browser

    def _stop_driver(self) -> None:
        playwright, self._playwright, self._loop, self._browser = self._playwright, None, None, None
        if playwright is not None:
            playwright.stop()

    @staticmethod
    def _close_contexts(browser: Browser) -> None:
        for context in browser.contexts:
            context.close()


@pytest.fixture(scope="package")
def shared_chromium() -> Iterator[SharedChromium]:
    _require_chromium()
    chromium = SharedChromium()
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.fixture(scope="package")
def spare_server(django_db_setup: None) -> Iterator[SpareServer]:
    # Its spares are started with test_database_url(): the test database must exist first.
    spares = SpareServer()
    try:
        yield spares
    finally:
        spares.close()


@pytest.fixture
def server(people: People, browser_ready: None, spare_server: SpareServer) -> Iterator[str]:
    # The server process only knows the production hashers, not the tests' MD5; few
    # iterations keep it quick (the server upgrades the hash on sign-in).
    hasher = PBKDF2PasswordHasher()
    User.objects.update(password=hasher.encode(PASSWORD, hasher.salt(), iterations=1000))
    with spare_server.running(redis_url=os.environ.get("REDIS_URL") or None) as process:
        yield process.http


@pytest.fixture
def browser(server: str, shared_chromium: SharedChromium) -> Iterator[Browser]:
    with shared_chromium.in_test() as launched:
        yield launched


def new_page(browser, server: str, **options):  # type: ignore[no-untyped-def]
    return browser.new_context(base_url=server, locale="fr-CA", **options).new_page()


def sign_in(page, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(reverse("login"))
    page.get_by_label("Courriel").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/$"))


def open_live(page, path: str) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page.goto(path)
    expect(page.locator("[data-live-status]")).to_have_text(LIVE, timeout=WAIT_MS)


# A live page rewrites its status line when the server answers (connected, or a problem).
SETTLED = f"""() => {{
  const status = document.querySelector("[data-live-status]");
  if (!status || !document.getElementById("live-config")) return true;
  return status.textContent === {LIVE!r} || status.classList.contains("is-problem");
}}"""


def assert_accessible(page, name: str) -> None:  # type: ignore[no-untyped-def]
    from axe_playwright_python.sync_playwright import Axe

    # Axe judges the page as it is when it runs: after a click the new page may still be
    # parsing, and a live page may still be connecting, so what it checks would be half a page
    # (or change under it) on a slow machine.
    page.wait_for_load_state("load", timeout=WAIT_MS)
    page.wait_for_function(SETTLED, timeout=WAIT_MS)
    results = Axe().run(page)
    assert results.violations_count == 0, f"{name} ({page.url}):\n{results.generate_report()}"


def tab_to(page, predicate: str, limit: int = 80) -> None:  # type: ignore[no-untyped-def]
    """Press Tab until the focused element satisfies ``predicate`` (JavaScript over ``el``),
    as someone using the keyboard alone would; fail if it is never reached."""
    script = f"(() => {{ const el = document.activeElement; return {predicate}; }})()"
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(script):
            return
    raise AssertionError(f"Tab never reached {predicate}")

