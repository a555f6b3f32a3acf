"""The document pages through Django's test client: what each shows, what each does, and
how refusals are shown (in French, with what was typed kept)."""

from __future__ import annotations

import html as markup
import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from docs_store.models import Document, Folder, SpaceDocumentSettings, UploadsBy
from docs_store.services import add_version, create_folder, delete_document
from tests.clients import client_for
from tests.docs_store.pages import a_document, upload_page
from tests.docs_store.samples import CSV, PDF, PNG
from tests.docs_store.state import current
from tests.queries import count_queries

pytestmark = pytest.mark.django_db


def text_of(answer) -> str:  # type: ignore[no-untyped-def]
    return markup.unescape(answer.content.decode())


def streamed(answer) -> bytes:  # type: ignore[no-untyped-def]
    return b"".join(answer.streaming_content)


def page(client, name, *args, **query):  # type: ignore[no-untyped-def]
    url = reverse(name, args=args)
    answer = client.get(url, query)
    return answer, text_of(answer)


def test_the_space_nav_links_to_the_documents(fs_backend, people):
    _answer, html = page(client_for(people.member), "space", "rma")
    assert f'href="{reverse("documents", args=["rma"])}"' in html


def test_the_browser_lists_folders_then_documents_with_french_sizes(fs_backend, people):
    create_folder(actor=people.facilitator, space=people.space, name="Procès-verbaux")
    a_document(people, data=PDF + b"x" * (1536 - len(PDF)))
    answer, html = page(client_for(people.member), "documents", "rma")
    assert answer.status_code == 200
    assert "Procès-verbaux" in html and "Guide des bancs" in html
    assert html.index("Procès-verbaux") < html.index("Guide des bancs")
    assert "1,5\xa0ko" in html and "PDF" in html and "Florence Animatrice" in html


def test_a_folder_shows_its_breadcrumbs_down_from_the_root(fs_backend, people):
    top = create_folder(actor=people.facilitator, space=people.space, name="Rencontres")
    inner = create_folder(actor=people.facilitator, space=people.space, name="2026", parent=top)
    a_document(people, folder=inner, title="Ordre du jour")
    _answer, html = page(client_for(people.member), "documents-folder", "rma", inner.pk)
    found = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.S)
    assert found is not None
    crumbs = found.group(0)
    assert [m for m in re.findall(r">([^<>]+)</a>", crumbs)] == [
        "Mes espaces", "Réseau Municipalités accessibles", "Documents", "Rencontres", "2026"]
    assert f'aria-current="page" data-folder-crumb="{inner.pk}"' in crumbs
    assert "Ordre du jour" in html


def test_a_folder_of_another_space_is_a_404(fs_backend, people):
    from communities.models import Membership, Role, Space

    other = Space.objects.create(slug="autre", name="Autre")
    Membership.objects.create(space=other, user=people.facilitator, role=Role.FACILITATOR)
    theirs = create_folder(actor=people.facilitator, space=other, name="Secret")
    answer, _html = page(client_for(people.member), "documents-folder", "rma", theirs.pk)
    assert answer.status_code == 404


def test_uploading_through_the_plain_form(fs_backend, people):
    folder = create_folder(actor=people.facilitator, space=people.space, name="Guides")
    client = client_for(people.facilitator)
    answer = upload_page(client, "rma", name="plan.pdf", title="Plan d'action",
                         description="Adopté en 2026", folder=folder.pk)
    assert answer.status_code == 302
    assert answer["Location"] == reverse("documents-folder", args=["rma", folder.pk])
    document = Document.objects.get()
    assert (document.title, document.description, document.folder) == (
        "Plan d'action", "Adopté en 2026", folder)
    html = client.get(answer["Location"]).content.decode()
    assert "« Plan d'action » est déposé." in markup.unescape(html)


def test_upload_js_gets_the_address_to_go_to(fs_backend, people):
    answer = upload_page(client_for(people.facilitator, x_requested_with="fetch"), "rma")
    assert answer.status_code == 200
    assert answer.json() == {"redirect": reverse("documents", args=["rma"])}


def test_a_refused_upload_keeps_what_was_typed_and_says_why_in_french(fs_backend, people):
    client = client_for(people.facilitator)
    answer = upload_page(client, "rma", data=b"<html><script>alert(1)</script></html>",
                         name="rapport.png", content_type="image/png", title="Mon rapport",
                         description="Très important")
    html = text_of(answer)
    assert answer.status_code == 400
    assert "Mon rapport" in html and "Très important" in html
    assert 'role="alert"' in html
    assert Document.objects.count() == 0 and fs_backend.keys() == []


def test_upload_js_gets_the_refusal_as_json(fs_backend, people, settings):
    SpaceDocumentSettings.objects.create(space=people.space, max_upload_bytes=len(PDF) - 1)
    answer = upload_page(client_for(people.facilitator, x_requested_with="fetch"), "rma")
    assert answer.status_code == 413
    body = answer.json()
    assert "taille maximale" in body["message"] and list(body["errors"]) == ["file"]
    assert Document.objects.count() == 0 and fs_backend.keys() == []


def test_an_upload_without_a_file_is_refused_with_a_message(fs_backend, people):
    answer = client_for(people.facilitator).post(reverse("document-upload", args=["rma"]),
                                                 {"title": "Sans fichier"})
    assert answer.status_code == 400
    assert "Choisissez un fichier à déposer." in text_of(answer)


def test_a_member_is_told_only_facilitators_upload(fs_backend, people):
    _answer, html = page(client_for(people.member), "documents", "rma")
    assert "seule l'animation peut déposer" in html
    assert 'enctype="multipart/form-data"' not in html
    answer = upload_page(client_for(people.member), "rma")
    assert answer.status_code == 403
    assert "seule l'animation peut déposer" in text_of(answer)


def test_the_document_page_shows_every_detail_and_the_history(fs_backend, people):
    document = a_document(people, description="Pour les parcs")
    add_version(actor=people.facilitator, document=document, file=io.BytesIO(PNG),
                file_name="plan.png")
    _answer, html = page(client_for(people.member), "document", "rma", document.pk)
    version = current(document)
    for expected in ("Guide des bancs", "Pour les parcs", "Florence Animatrice", "Image PNG",
                     version.sha256, "plan.png", "guide.pdf", "Historique des versions"):
        assert expected in html
    assert "?version=1" in html and "?version=2" in html
    assert "Rétablir" not in html  # a member cannot change the facilitator's document


def test_a_new_version_through_the_page(fs_backend, people):
    document = a_document(people)
    client = client_for(people.facilitator)
    from django.core.files.uploadedfile import SimpleUploadedFile

    answer = client.post(reverse("document-new-version", args=["rma", document.pk]),
                         {"file": SimpleUploadedFile("tableau.csv", CSV, "text/csv")})
    assert answer.status_code == 302
    document.refresh_from_db()
    assert current(document).number == 2
    assert current(document).content_type == "text/csv"


def test_restoring_an_old_version_through_the_page(fs_backend, people):
    document = a_document(people)
    add_version(actor=people.facilitator, document=document, file=io.BytesIO(CSV),
                file_name="t.csv")
    client = client_for(people.facilitator)
    _answer, html = page(client, "document", "rma", document.pk)
    assert reverse("document-restore-version", args=["rma", document.pk, 1]) in html
    answer = client.post(reverse("document-restore-version", args=["rma", document.pk, 1]))
    assert answer.status_code == 302
    document.refresh_from_db()
    assert current(document).number == 1


def test_downloading_any_version(fs_backend, people):
    document = a_document(people)
    add_version(actor=people.facilitator, document=document, file=io.BytesIO(CSV),
                file_name="t.csv")
    client = client_for(people.member)
    url = reverse("document-download", args=["rma", document.pk])
    old = client.get(url, {"version": "1"})
    assert streamed(old) == PDF
    assert old["Content-Disposition"].startswith("inline")
    latest = client.get(url)
    assert streamed(latest) == CSV
    assert latest["Content-Disposition"].startswith("attachment")
    assert latest["X-Content-Type-Options"] == "nosniff"
    assert client.get(url, {"version": "9"}).status_code == 404
    assert client.get(url, {"version": "x"}).status_code == 404


def test_rename_and_move_in_one_form(fs_backend, people):
    folder = create_folder(actor=people.facilitator, space=people.space, name="Archives")
    document = a_document(people)
    client = client_for(people.facilitator)
    url = reverse("document-edit", args=["rma", document.pk])
    assert "Archives" in client.get(url).content.decode()
    answer = client.post(url, {"title": "Guide 2026", "folder": str(folder.pk),
                               "description": "Édition revue"})
    assert answer.status_code == 302
    document.refresh_from_db()
    assert (document.title, document.folder, document.description) == (
        "Guide 2026", folder, "Édition revue")


def test_a_refused_rename_changes_nothing_and_keeps_the_text(fs_backend, people):
    folder = create_folder(actor=people.facilitator, space=people.space, name="Archives")
    document = a_document(people)
    answer = client_for(people.facilitator).post(
        reverse("document-edit", args=["rma", document.pk]),
        {"title": "x" * 300, "folder": str(folder.pk), "description": "Nouvelle"})
    assert answer.status_code == 400
    assert "Le titre doit compter de 1 à 200 caractères." in text_of(answer)
    document.refresh_from_db()
    assert (document.title, document.folder, document.description) == (
        "Guide des bancs", None, "")


def test_delete_to_the_trash_then_restore(fs_backend, people):
    document = a_document(people)
    client = client_for(people.facilitator)
    url = reverse("document-delete", args=["rma", document.pk])
    assert "Mettre à la corbeille" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    document.refresh_from_db()
    assert document.deleted_at is not None
    _answer, listing = page(client, "documents", "rma")
    assert f'id="document-{document.pk}"' not in listing
    _answer, trash = page(client, "documents-trash", "rma")
    purge_on = timezone.localtime(document.deleted_at + timedelta(days=30)).date().isoformat()
    assert "Guide des bancs" in trash and f'datetime="{purge_on}"' in trash
    assert client.post(reverse("document-restore", args=["rma", document.pk])).status_code == 302
    document.refresh_from_db()
    assert document.deleted_at is None


def test_only_a_space_admin_empties_the_trash(fs_backend, people,
                                              django_capture_on_commit_callbacks):
    from communities.models import Membership, Role

    document = a_document(people)
    delete_document(actor=people.facilitator, document=document)
    facilitator = client_for(people.facilitator)
    _answer, trash = page(facilitator, "documents-trash", "rma")
    assert "Vider la corbeille" not in trash
    refused = facilitator.post(reverse("documents-empty-trash", args=["rma"]))
    assert refused.status_code == 403
    assert "Seule l'administration de l'espace" in text_of(refused)
    Membership.objects.filter(user=people.facilitator).update(role=Role.ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        emptied = facilitator.post(reverse("documents-empty-trash", args=["rma"]))
    assert emptied.status_code == 302
    assert Document.objects.count() == 0 and fs_backend.keys() == []


def test_folders_created_renamed_moved_and_deleted_through_the_pages(fs_backend, people):
    client = client_for(people.facilitator)
    assert client.post(reverse("folder-create", args=["rma"]),
                       {"name": "Guides"}).status_code == 302
    guides = Folder.objects.get(name="Guides")
    client.post(reverse("folder-create", args=["rma"]), {"name": "Archives"})
    archives = Folder.objects.get(name="Archives")
    answer = client.post(reverse("folder-edit", args=["rma", guides.pk]),
                         {"name": "Guides 2026", "parent": str(archives.pk)})
    assert answer.status_code == 302
    guides.refresh_from_db()
    assert (guides.name, guides.parent) == ("Guides 2026", archives)
    cycle = client.post(reverse("folder-edit", args=["rma", archives.pk]),
                        {"name": "Archives", "parent": str(guides.pk)})
    # Its own sub-folder is not even offered as a destination.
    assert cycle.status_code == 400
    refused = client.post(reverse("folder-delete", args=["rma", archives.pk]))
    assert refused.status_code == 409
    assert "sous-dossiers" in text_of(refused)
    assert client.post(reverse("folder-delete", args=["rma", guides.pk])).status_code == 302
    assert not Folder.objects.filter(pk=guides.pk).exists()


def test_a_duplicate_folder_name_is_refused_on_the_form(fs_backend, people):
    create_folder(actor=people.facilitator, space=people.space, name="Guides")
    answer = client_for(people.facilitator).post(reverse("folder-create", args=["rma"]),
                                                 {"name": "Guides"})
    assert answer.status_code == 409
    html = text_of(answer)
    assert "Un dossier porte déjà ce nom ici." in html and 'value="Guides"' in html


def test_facilitators_choose_who_uploads(fs_backend, people):
    facilitator = client_for(people.facilitator)
    _answer, html = page(facilitator, "documents-settings", "rma")
    assert "tous les membres" in html.lower()
    assert facilitator.post(reverse("documents-settings", args=["rma"]),
                            {"uploads_by": UploadsBy.MEMBERS}).status_code == 302
    assert upload_page(client_for(people.member), "rma").status_code == 302
    member_settings = client_for(people.member).get(reverse("documents-settings", args=["rma"]))
    assert member_settings.status_code == 403


@pytest.mark.parametrize("forged", ["abc", "999999", "-1"])
def test_a_forged_folder_is_a_404_not_the_root(fs_backend, people, forged):
    client = client_for(people.facilitator)
    assert client.post(reverse("folder-create", args=["rma"]),
                       {"name": "Guides", "parent": forged}).status_code == 404
    assert upload_page(client, "rma", folder=forged).status_code == 404
    assert not Folder.objects.exists() and not Document.objects.exists()
    assert fs_backend.keys() == []


def _queries(client, url: str) -> int:  # type: ignore[no-untyped-def]

    with count_queries() as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_folder_browser_costs_the_same_queries_for_2_or_30_documents(fs_backend, people):
    folder = create_folder(actor=people.facilitator, space=people.space, name="Guides")
    client = client_for(people.member)
    url = reverse("documents-folder", args=["rma", folder.pk])
    for i in range(2):
        a_document(people, title=f"Guide {i}", folder=folder)
        create_folder(actor=people.facilitator, space=people.space, name=f"S{i}", parent=folder)
    client.get(url)  # warm the session
    few = _queries(client, url)
    for i in range(2, 30):
        a_document(people, title=f"Guide {i}", folder=folder)
        create_folder(actor=people.facilitator, space=people.space, name=f"S{i}", parent=folder)
    assert _queries(client, url) == few


def test_the_document_page_costs_the_same_queries_for_1_or_12_versions(fs_backend, people):
    document = a_document(people)
    client = client_for(people.member)
    url = reverse("document", args=["rma", document.pk])
    client.get(url)
    few = _queries(client, url)
    for _ in range(11):
        add_version(actor=people.facilitator, document=document, file=io.BytesIO(CSV),
                    file_name="t.csv")
    assert _queries(client, url) == few


def test_the_upload_form_says_when_files_are_scanned(fs_backend, people, settings):
    client = client_for(people.facilitator)
    notice = "analysé par un antivirus"
    assert notice not in page(client, "documents", "rma")[1]
    settings.CLAMAV_TCP = "127.0.0.1:9"
    assert notice in page(client, "documents", "rma")[1]
    assert notice in page(client, "document-upload", "rma")[1]
