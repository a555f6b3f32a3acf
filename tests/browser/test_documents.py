"""Documents in Chromium: an upload with its progress bar (and by drag-and-drop) appears live
in the other member's folder browser; a document attached to a message reaches the other
member's thread as a card; the folder browser works from the keyboard alone; axe-core finds
nothing to fix on any document page."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.urls import reverse

from communities.models import Thread
from communities.services.discussion import post_message, start_thread
from docs_store.models import Document
from docs_store.services import add_version, create_folder, delete_document, upload_document
from tests.browser.conftest import (
    PASSWORD,
    SCREENSHOTS,
    WAIT_MS,
    assert_accessible,
    new_page,
    open_live,
    sign_in,
    tab_to,
)
from tests.conftest import People
from tests.docs_store.samples import CSV, PDF
from tests.servers import running_server

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BIG_PDF = PDF + b"%" + b"0" * (3 * 1024 * 1024)


@pytest.fixture
def server(people: People, browser_ready: None, tmp_path: Path,
           settings) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """As tests/browser/conftest.py's, with the documents in this test's own directory, which
    the test process writes to as well."""
    import os

    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from communities.models import User

    hasher = PBKDF2PasswordHasher()
    User.objects.update(password=hasher.encode(PASSWORD, hasher.salt(), iterations=1000))
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "media")}}}
    with running_server(redis_url=os.environ.get("REDIS_URL") or None,
                        extra_env={"DATA_DIR": str(tmp_path)}) as process:
        yield process.http


def _document(people: People, title: str = "Guide des bancs", **extra: object) -> Document:
    return upload_document(actor=people.facilitator, space=people.space, file=io.BytesIO(PDF),
                           file_name="guide.pdf", title=title, **extra)  # type: ignore[arg-type]


def _slow_uploads(page) -> None:  # type: ignore[no-untyped-def]
    """Uploads at 1 MB/s (Chromium's network emulation), so a 3 MB file takes long enough for
    the progress bar to be seen moving."""
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 0, "downloadThroughput": -1,
        "uploadThroughput": 1024 * 1024})


def test_an_upload_shows_its_progress_and_appears_live_for_the_other_member(
        people: People, server: str, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    path = reverse("documents", args=["rma"])
    florence = new_page(browser, server)
    marc = new_page(browser, server)
    sign_in(florence, people.facilitator.email)
    sign_in(marc, people.member.email)
    open_live(florence, path)
    open_live(marc, path)
    marc.evaluate("window.__notReloaded = true")

    big = tmp_path / "plan-action.pdf"
    big.write_bytes(BIG_PDF)
    _slow_uploads(florence)
    florence.get_by_label(re.compile(r"^Fichier")).set_input_files(str(big))
    florence.get_by_label("Titre").fill("Plan d'action 2026")
    florence.get_by_role("button", name="Déposer le document").click()
    bar = florence.locator("[data-upload-progress] progress")
    expect(bar).to_be_visible()
    # Seen part-way, neither empty nor full.
    florence.wait_for_function(
        "() => { const v = document.querySelector('[data-upload-progress] progress').value;"
        " return v > 0 && v < 100; }", timeout=WAIT_MS)
    expect(florence.locator(".flash")).to_contain_text("« Plan d'action 2026 » est déposé.",
                                                       timeout=WAIT_MS)

    row = marc.locator("[data-document-rows] tr", has_text="Plan d'action 2026")
    expect(row).to_be_visible(timeout=WAIT_MS)
    expect(row).to_contain_text("3\u00a0Mo")
    expect(row).to_contain_text("PDF")
    expect(marc.locator("[data-live-region]")).to_contain_text(
        "Nouveau document : Plan d'action 2026")
    assert marc.evaluate("window.__notReloaded") is True

    # The facilitator renames it and trashes it: Marc's list follows.
    document = Document.objects.get(title="Plan d'action 2026")
    row = marc.locator(f"#document-{document.pk}")
    florence.goto(reverse("document-edit", args=["rma", document.pk]))
    florence.get_by_label("Titre").fill("Plan d'action adopté")
    florence.get_by_role("button", name="Enregistrer").click()
    expect(row).to_contain_text("Plan d'action adopté", timeout=WAIT_MS)
    delete_document(actor=people.facilitator, document=document)
    expect(marc.locator("[data-document-rows] tr")).to_have_count(0, timeout=WAIT_MS)
    expect(marc.locator("[data-empty]")).to_be_visible()
    florence.screenshot(path=str(SCREENSHOTS / "documents-upload.png"))


def test_a_refused_upload_is_explained_without_losing_what_was_typed(
        people: People, server: str, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page = new_page(browser, server)
    sign_in(page, people.facilitator.email)
    open_live(page, reverse("documents", args=["rma"]))
    fake = tmp_path / "photo.png"
    fake.write_bytes(b"<html><script>alert(1)</script></html>")
    page.get_by_label(re.compile(r"^Fichier")).set_input_files(str(fake))
    page.get_by_label("Titre").fill("Photo du parc")
    page.get_by_role("button", name="Déposer le document").click()
    alert = page.locator("[data-upload-form] [role=alert]")
    expect(alert).to_contain_text("ne sont pas acceptés", timeout=WAIT_MS)
    expect(page.get_by_label("Titre")).to_have_value("Photo du parc")
    expect(page.get_by_label(re.compile(r"^Fichier"))).to_be_focused()
    assert Document.objects.count() == 0
    assert_accessible(page, "refused upload")


def test_a_file_dropped_on_the_form_is_uploaded(people: People, server: str,
                                                browser) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page = new_page(browser, server)
    sign_in(page, people.facilitator.email)
    open_live(page, reverse("documents", args=["rma"]))
    expect(page.locator("[data-drop-hint]").first).to_be_visible()
    transfer = page.evaluate_handle(
        "() => { const t = new DataTransfer();"
        " t.items.add(new File(['nom;ville\\nÉlise;Québec\\n'], 'inscriptions.csv',"
        " {type: 'text/csv'})); return t; }")
    page.dispatch_event("[data-upload-form] [data-drop-zone]", "drop",
                        {"dataTransfer": transfer})
    expect(page.locator("[data-drop-chosen]")).to_have_text(
        "Fichier choisi : inscriptions.csv")
    page.get_by_role("button", name="Déposer le document").click()
    expect(page.locator(".flash")).to_contain_text("« inscriptions » est déposé.",
                                                   timeout=WAIT_MS)
    assert Document.objects.get().current_version.content_type == "text/csv"  # type: ignore[union-attr]


@pytest.fixture
def thread(people: People) -> Thread:
    return start_thread(actor=people.facilitator, space=people.space, title="Mobilier urbain",
                        body="Partagez vos guides ici.").thread


def test_a_document_attached_to_a_message_reaches_the_other_member_live(
        people: People, server: str, browser, thread: Thread,
        tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    guide = _document(people)
    path = reverse("thread", args=["rma", thread.pk])
    marc = new_page(browser, server)
    noemie = new_page(browser, server)
    sign_in(marc, people.member.email)
    sign_in(noemie, people.other_member.email)
    open_live(marc, path)
    open_live(noemie, path)
    noemie.evaluate("window.__notReloaded = true")

    # Attachments are folded under the compact composer.
    marc.get_by_text("Joindre un document").click()
    marc.get_by_text("Joindre des documents de l'espace").click()
    marc.get_by_label("Guide des bancs").check()
    marc.get_by_role("textbox", name="Votre réponse").fill("Voici notre guide.")
    marc.get_by_role("button", name="Publier la réponse").click()
    # Posted in place: the composer empties, the message arrives like everyone else's.
    expect(marc.get_by_role("textbox", name="Votre réponse")).to_have_text("")
    expect(marc.locator(".message", has_text="Voici notre guide.")).to_be_visible(
        timeout=WAIT_MS)

    card = noemie.locator(".message", has_text="Voici notre guide.").locator(".attachment-card")
    expect(card).to_be_visible(timeout=WAIT_MS)
    expect(card).to_contain_text("Guide des bancs")
    expect(card).to_contain_text("PDF")
    # The live card carries the sprite's file icon, as the server's does.
    expect(card.locator(".attachment-icon svg use")).to_have_attribute(
        "href", re.compile(r"icons\.[0-9a-f.]*svg#i-file$|icons\.svg#i-file$"))
    assert noemie.evaluate("window.__notReloaded") is True

    # The facilitator uploads while composing, with the progress bar.
    florence = new_page(browser, server)
    sign_in(florence, people.facilitator.email)
    open_live(florence, path)
    big = tmp_path / "compte-rendu.pdf"
    big.write_bytes(BIG_PDF)
    _slow_uploads(florence)
    florence.get_by_label("Déposer un nouveau document avec ce message").set_input_files(
        str(big))
    florence.get_by_role("textbox", name="Votre réponse").fill("Le compte rendu de mardi.")
    florence.get_by_role("button", name="Publier la réponse").click()
    florence.wait_for_function(
        "() => { const p = document.querySelector('#reply-upload-progress');"
        " return p && p.value > 0 && p.value < 100; }", timeout=WAIT_MS)
    second = noemie.locator(".message", has_text="Le compte rendu de mardi.")
    expect(second.locator(".attachment-card")).to_contain_text("compte-rendu",
                                                               timeout=WAIT_MS)

    # Trashed later: the card says so, live, without the title.
    delete_document(actor=people.facilitator, document=guide)
    expect(card).to_have_text("Document supprimé", timeout=WAIT_MS)
    assert_accessible(noemie, "thread with attachments")

    # A card opens the document page.
    second.locator(".attachment-title").click()
    expect(noemie.get_by_role("heading", level=1)).to_have_text("compte-rendu")


def test_the_folder_browser_from_the_keyboard_alone(people: People, server: str,
                                                    browser) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    rencontres = create_folder(actor=people.facilitator, space=people.space, name="Rencontres")
    _document(people, title="Ordre du jour", folder=rencontres)
    page = new_page(browser, server)
    sign_in(page, people.member.email)
    open_live(page, reverse("space", args=["rma"]))
    tab_to(page, "el.closest('.space-sections') && el.textContent.trim() === 'Documents'")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/documents/$"))
    tab_to(page, "el.closest('[data-folder-rows]') && el.textContent.includes('Rencontres')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/dossiers/{rencontres.pk}/$"))
    expect(page.locator('.breadcrumbs [aria-current="page"]')).to_have_text("Rencontres")
    tab_to(page, "el.closest('[data-document-rows]') && el.textContent.includes('Ordre du jour')")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ordre du jour")
    tab_to(page, "el.matches('a[download]') && el.closest('.page-head')")
    # Back up the breadcrumbs to the folder, still from the keyboard.
    # The app shell's header and sidebar come before the crumbs: room for all of them.
    page.keyboard.press("Shift+Tab")
    for _ in range(120):
        if page.evaluate("document.activeElement.matches('[data-folder-crumb]')"
                         " && document.activeElement.textContent.trim() === 'Rencontres'"):
            break
        page.keyboard.press("Shift+Tab")
    else:
        raise AssertionError("Shift+Tab never reached the folder's crumb")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/dossiers/{rencontres.pk}/$"))


def test_every_document_page_passes_axe(people: People, server: str, browser,
                                        thread: Thread) -> None:  # type: ignore[no-untyped-def]
    from communities.models import Membership, Role

    Membership.objects.filter(user=people.facilitator).update(role=Role.ADMIN)
    folder = create_folder(actor=people.facilitator, space=people.space, name="Guides")
    guide = _document(people, folder=folder, description="Pour les parcs et les places.")
    add_version(actor=people.facilitator, document=guide, file=io.BytesIO(CSV),
                file_name="guide.csv")
    old = _document(people, title="Ancien plan")
    delete_document(actor=people.facilitator, document=old)
    post_message(actor=people.member, thread=thread, body="Le guide", attachments=[guide.pk])
    page = new_page(browser, server)
    sign_in(page, people.facilitator.email)
    pages = {
        "browser (root)": reverse("documents", args=["rma"]),
        "browser (folder)": reverse("documents-folder", args=["rma", folder.pk]),
        "document": reverse("document", args=["rma", guide.pk]),
        "document in the trash": reverse("document", args=["rma", old.pk]),
        "upload": reverse("document-upload", args=["rma"]),
        "rename or move": reverse("document-edit", args=["rma", guide.pk]),
        "delete": reverse("document-delete", args=["rma", guide.pk]),
        "trash": reverse("documents-trash", args=["rma"]),
        "empty the trash": reverse("documents-empty-trash", args=["rma"]),
        "settings": reverse("documents-settings", args=["rma"]),
        "folder edit": reverse("folder-edit", args=["rma", folder.pk]),
        "folder delete": reverse("folder-delete", args=["rma", folder.pk]),
        "thread with a card": reverse("thread", args=["rma", thread.pk]),
    }
    for name, url in pages.items():
        page.goto(url)
        assert_accessible(page, name)
        if name in {"browser (folder)", "thread with a card", "trash"}:
            page.screenshot(path=str(SCREENSHOTS / f"documents-{name.split()[0]}.png"),
                            full_page=True)
