"""What every browser test needs: Debian's Chromium, a real server on the test database, and
people signed in. Nothing leaves 127.0.0.1 and no browser is ever downloaded.

CI machines are slow and loaded, so: act on a live page only once it is live (open_live, or
the status line after a navigation); anything that crosses the websocket waits WAIT_MS, not
Playwright's 5 s; wait for what should be seen rather than sleeping (wait_for_timeout only
gives something that must not happen a chance to show)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connections
from django.urls import reverse

from communities.models import User
from tests.conftest import IN_CI, People
from tests.servers import ROOT, SpareServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
PASSWORD = "mot-de-passe-solide-42"
WAIT_MS = 15_000
SCREENSHOTS = ROOT / "var" / "screenshots"
LIVE = "Mises à jour en direct actives."


@pytest.fixture
def browser_ready(monkeypatch: pytest.MonkeyPatch) -> None:
    if not CHROMIUM.exists():
        if IN_CI:
            pytest.fail("CI=true but /usr/bin/chromium is missing")
        pytest.skip("Chromium absent : installez le paquet Debian « chromium ».")
    # Playwright's sync API runs an event loop in this thread; the ORM calls pytest-django
    # makes at teardown would otherwise be refused as "async".
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


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
def browser(server: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()
            # Inside Playwright's loop the ORM opens a connection of its own (asgiref sees
            # another context); left open it would stop the test database being dropped.
            connections.close_all()


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

