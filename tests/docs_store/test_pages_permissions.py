"""Who may do what on the document pages — facilitator, member, removed member, outsider,
anonymous × list, read, download, upload, delete — and attack files sent through the page's
upload form."""

from __future__ import annotations

import html as markup
import io
import re

import pytest
from django.urls import reverse

from docs_store.models import Document, SpaceDocumentSettings
from tests.clients import client_for
from tests.docs_store.pages import ROLES, a_document, persona, upload_page
from tests.docs_store.samples import HTML, PDF, SVG, zip_of

pytestmark = pytest.mark.django_db

LOGIN = reverse("login")
#: role -> status of (list, read, download, upload with facilitators-only, delete)
EXPECTED = {
    "facilitator": (200, 200, 200, 302, 302),
    "member": (200, 200, 200, 403, 403),
    "removed": (404, 404, 404, 404, 404),
    "outsider": (404, 404, 404, 404, 404),
    "anonymous": (302, 302, 302, 302, 302),
}


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_of_the_pages(fs_backend, people, role):
    document = a_document(people)
    user = persona(people, role)
    client = client_for(user)
    answers = (
        client.get(reverse("documents", args=["rma"])),
        client.get(reverse("document", args=["rma", document.pk])),
        client.get(reverse("document-download", args=["rma", document.pk])),
        upload_page(client, "rma"),
        client.post(reverse("document-delete", args=["rma", document.pk])),
    )
    assert tuple(a.status_code for a in answers) == EXPECTED[role]
    document.refresh_from_db()
    assert (document.deleted_at is not None) == (role == "facilitator")
    assert Document.objects.count() == (2 if role == "facilitator" else 1)
    for answer in answers:
        if role == "anonymous":
            assert answer["Location"].startswith(LOGIN)
        if answer.status_code == 404:
            # Not even the title reaches someone outside the space.
            assert "Guide des bancs" not in answer.content.decode()


def page_of(answer, asked: str) -> str:  # type: ignore[no-untyped-def]
    # The sign-out form's token is masked differently on every response, and the language
    # form returns to the address asked for.
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", answer.content.decode())
    return text.replace(asked, "")


@pytest.mark.parametrize("role", ["removed", "outsider"])
def test_non_members_get_the_same_404_as_for_unknown_things(fs_backend, people, role):
    document = a_document(people)
    client = client_for(persona(people, role))
    for name, known, unknown in (
            ("document", [document.pk], [999_999]),
            ("document-download", [document.pk], [999_999]),
            ("document-edit", [document.pk], [999_999])):
        real_url = reverse(name, args=["rma", *known])
        made_up_url = reverse(name, args=["rma", *unknown])
        real, made_up = client.get(real_url), client.get(made_up_url)
        assert real.status_code == made_up.status_code == 404
        assert page_of(real, real_url) == page_of(made_up, made_up_url)


def test_a_document_is_only_reached_under_its_own_space(fs_backend, people):
    from communities.models import Membership, Role, Space

    other = Space.objects.create(slug="autre", name="Autre espace")
    Membership.objects.create(space=other, user=people.member, role=Role.MEMBER)
    document = a_document(people)
    answer = client_for(people.member).get(reverse("document", args=["autre", document.pk]))
    assert answer.status_code == 404


def test_members_upload_when_the_space_allows_it(fs_backend, people):
    SpaceDocumentSettings.objects.create(space=people.space, uploads_by="members")
    assert upload_page(client_for(people.member), "rma").status_code == 302
    mine = Document.objects.get(uploader=people.member)
    theirs = a_document(people)
    member = client_for(people.member)
    # Their own document, yes; the facilitator's, no.
    assert member.post(reverse("document-delete", args=["rma", mine.pk])).status_code == 302
    refused = member.post(reverse("document-delete", args=["rma", theirs.pk]))
    assert refused.status_code == 403
    assert "Seules la personne qui a déposé ce document" in markup.unescape(
        refused.content.decode())


# --- attack files through the page -----------------------------------------------------------
ATTACKS = {
    "svg with script": (SVG, "plan.svg", "image/svg+xml"),
    "html renamed png": (HTML, "photo.png", "image/png"),
    "html renamed pdf": (HTML, "rapport.pdf", "application/pdf"),
    "zip holding a huge declared entry": (None, "archive.zip", "application/zip"),
}


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_attack_files_are_refused_with_a_french_message(fs_backend, people, settings, attack):
    data, name, content_type = ATTACKS[attack]
    if data is None:
        settings.DOCS_ZIP_MAX_ENTRIES = 2
        data = zip_of({f"f{i}.txt": b"x" for i in range(5)})
    answer = upload_page(client_for(people.facilitator), "rma", data=data, name=name,
                         content_type=content_type, title="Pièce")
    text = markup.unescape(answer.content.decode())
    assert answer.status_code == 400
    assert 'role="alert"' in text and 'value="Pièce"' in text
    assert any(word in text for word in ("n'est pas accepté", "refusé", "archive", "ZIP"))
    assert Document.objects.count() == 0 and fs_backend.keys() == []


def test_an_oversized_file_is_refused_and_leaves_nothing(fs_backend, people):
    SpaceDocumentSettings.objects.create(space=people.space, max_upload_bytes=1024)
    answer = upload_page(client_for(people.facilitator), "rma", data=PDF + b"0" * 2048)
    assert answer.status_code == 413
    assert "dépasse la taille maximale" in markup.unescape(answer.content.decode())
    assert Document.objects.count() == 0 and fs_backend.keys() == []


@pytest.mark.parametrize("name, shown", [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("rapport\u202egpj.exe.pdf", "rapportgpj.exe.pdf"),
])
def test_path_and_bidi_names_are_cleaned_before_anyone_sees_them(fs_backend, people, name,
                                                                 shown):
    assert upload_page(client_for(people.facilitator), "rma", name=name).status_code == 302
    document = Document.objects.get()
    client = client_for(people.member)
    page = markup.unescape(client.get(reverse("document", args=["rma", document.pk]))
                           .content.decode())
    assert shown in page and "\u202e" not in page and "../" not in page
    download = client.get(reverse("document-download", args=["rma", document.pk]))
    assert "\u202e" not in download["Content-Disposition"]
    assert "/" not in download["Content-Disposition"].split("filename")[1]
    assert download["X-Content-Type-Options"] == "nosniff"


# --- a document in the trash -----------------------------------------------------------------
#: role -> status of (page, download, download of version 1, trash page) and whether the trash
#: lists it. Only those who may restore it (facilitators, space admins, its uploader while
#: allowed to upload) still reach it, and they may download it to decide; to everyone else it
#: is gone.
EXPECTED_TRASHED = {
    "facilitator": ((200, 200, 200, 200), True),
    "member": ((404, 404, 404, 200), False),
    "removed": ((404, 404, 404, 404), False),
    "outsider": ((404, 404, 404, 404), False),
    "anonymous": ((302, 302, 302, 302), False),
}


def _trashed_document(people):  # type: ignore[no-untyped-def]
    from docs_store.services import add_version, delete_document
    from tests.docs_store.samples import CSV

    document = a_document(people)
    add_version(actor=people.facilitator, document=document, file=io.BytesIO(CSV),
                file_name="guide.csv")
    return delete_document(actor=people.facilitator, document=document)


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_of_a_trashed_document(fs_backend, people, role):
    document = _trashed_document(people)
    client = client_for(persona(people, role))
    url = reverse("document-download", args=["rma", document.pk])
    answers = (
        client.get(reverse("document", args=["rma", document.pk])),
        client.get(url),
        client.get(url, {"version": 1}),
        client.get(reverse("documents-trash", args=["rma"])),
    )
    statuses, listed = EXPECTED_TRASHED[role]
    assert tuple(a.status_code for a in answers) == statuses
    assert ("Guide des bancs" in answers[3].content.decode()) == listed
    for answer in answers[:3]:
        if answer.status_code == 404:
            assert "Guide des bancs" not in answer.content.decode()


def test_a_trashed_document_answers_members_as_an_unknown_one(fs_backend, people):
    document = _trashed_document(people)
    client = client_for(people.member)
    for name in ("document", "document-download", "document-edit", "document-delete"):
        real_url = reverse(name, args=["rma", document.pk])
        made_up_url = reverse(name, args=["rma", 999_999])
        real, made_up = client.get(real_url), client.get(made_up_url)
        assert real.status_code == made_up.status_code == 404, name
        assert page_of(real, real_url) == page_of(made_up, made_up_url), name
    refused = client.get(reverse("document-download", args=["rma", document.pk]),
                         {"version": 2})
    assert refused.status_code == 404


def test_its_uploader_still_reaches_a_trashed_document_other_members_do_not(fs_backend,
                                                                            people):
    from docs_store.services import delete_document

    SpaceDocumentSettings.objects.create(space=people.space, uploads_by="members")
    mine = delete_document(actor=people.member,
                           document=a_document(people, by=people.member, title="Mon plan"))
    own, other = client_for(people.member), client_for(people.other_member)
    page_url = reverse("document", args=["rma", mine.pk])
    assert own.get(page_url).status_code == 200
    assert "Mon plan" in own.get(reverse("documents-trash", args=["rma"])).content.decode()
    assert other.get(page_url).status_code == 404
    assert "Mon plan" not in other.get(reverse("documents-trash", args=["rma"])).content.decode()
    # Once the space takes uploads back, the uploader may no longer restore it, nor see it.
    SpaceDocumentSettings.objects.filter(space=people.space).update(uploads_by="facilitators")
    assert own.get(page_url).status_code == 404
