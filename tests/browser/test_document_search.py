"""The search page with documents beside messages, in Chromium: found by the text of a PDF,
excerpts highlighted, the link to every document found, reached from the keyboard; axe-core
finds nothing to fix on either view."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from communities.services.discussion import start_thread
from docs_store.services import upload_document
from tests.browser.conftest import WAIT_MS, assert_accessible, new_page, sign_in
from tests.conftest import People
from tests.docs_store.pdfs import pdf_with_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_documents_and_messages_found_together(people: People, server: str, browser,  # type: ignore[no-untyped-def]
                                               settings: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path)}}}
    for n in range(6):
        upload_document(actor=people.facilitator, space=people.space,
                        file=io.BytesIO(pdf_with_pages([f"Plan des patinoires, secteur {n}"])),
                        file_name=f"plan-{n}.pdf", title=f"Secteur {n}")
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    start_thread(actor=people.member, space=people.space, title="Patinoires extérieures",
                 body="Qui entretient les patinoires le soir ?")

    page = new_page(browser, server)
    sign_in(page, people.member.email)
    page.goto(reverse("search"))
    page.get_by_label("Mots recherchés").fill("patinoire")
    page.keyboard.press("Enter")
    documents = page.get_by_role("region", name="Documents trouvés")
    expect(documents.locator(".search-result")).to_have_count(5, timeout=WAIT_MS)
    expect(documents.locator("mark").first).to_have_text("patinoires")
    expect(page.get_by_role("region", name="Résultats pour « patinoire »")).to_contain_text(
        "Patinoires extérieures")
    assert_accessible(page, "recherche, documents et messages")

    page.get_by_role("link", name="Voir tous les documents trouvés").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".search-result")).to_have_count(6, timeout=WAIT_MS)
    assert_accessible(page, "recherche, tous les documents")
