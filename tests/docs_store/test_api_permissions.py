"""The documents API: who may list, download, upload and delete, and the shape of refusals."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from communities.services.spaces import remove_member
from docs_store.models import Document, SpaceDocumentSettings, UploadsBy
from docs_store.services import upload_document
from tests.clients import api_client_for
from tests.docs_store.samples import HTML, PDF

pytestmark = pytest.mark.django_db


def _who(people, role):
    if role == "removed":
        remove_member(actor=people.facilitator, space=people.space, member=people.other_member)
        return people.other_member
    return {"facilitator": people.facilitator, "member": people.member,
            "outsider": people.outsider, "anonymous": None}[role]


def _document(people) -> Document:
    return upload_document(actor=people.facilitator, space=people.space,
                           file=io.BytesIO(PDF), file_name="guide.pdf")


def _upload(client: Client, slug: str, data: bytes = PDF, name: str = "plan.pdf"):
    return client.post(f"/api/v1/spaces/{slug}/documents",
                       {"file": SimpleUploadedFile(name, data, "application/pdf"),
                        "title": "Plan d'action", "description": "2026"})


ROLES = ["facilitator", "member", "removed", "outsider", "anonymous"]
#: role -> expected status for (list, read, download, upload with facilitators-only, delete)
EXPECTED = {
    "facilitator": (200, 200, 200, 201, 200),
    "member": (200, 200, 200, 403, 403),
    "removed": (404, 404, 404, 404, 404),
    "outsider": (404, 404, 404, 404, 404),
    "anonymous": (401, 401, 401, 401, 401),
}


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(fs_backend, people, role):
    document = _document(people)
    client = api_client_for(_who(people, role))
    slug = people.space.slug
    listed = client.get(f"/api/v1/spaces/{slug}/documents")
    read = client.get(f"/api/v1/documents/{document.pk}")
    downloaded = client.get(f"/api/v1/documents/{document.pk}/download")
    uploaded = _upload(client, slug)
    deleted = client.delete(f"/api/v1/documents/{document.pk}")
    got = (listed.status_code, read.status_code, downloaded.status_code,
           uploaded.status_code, deleted.status_code)
    assert got == EXPECTED[role]
    if read.status_code == 200:
        assert read.json()["title"] == "guide"
    for answer in (listed, read, downloaded, uploaded, deleted):
        if answer.status_code >= 400:
            body = answer.json()
            assert set(body) >= {"code", "message"}
            assert "guide" not in body["message"]  # no name leaks to non-members
    if role in {"removed", "outsider"}:
        # The same answer as for a document that never existed.
        unknown = client.get("/api/v1/documents/999999/download")
        assert unknown.json() == downloaded.json()


def test_members_upload_when_the_space_allows_it(fs_backend, people):
    SpaceDocumentSettings.objects.create(space=people.space, uploads_by=UploadsBy.MEMBERS)
    member = api_client_for(people.member)
    answer = _upload(member, people.space.slug)
    assert answer.status_code == 201, answer.content
    created = answer.json()
    assert created["version"]["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert "storage_key" not in str(created)
    assert member.delete(f"/api/v1/documents/{created['id']}").status_code == 200
    other = _document(people)
    refused = member.delete(f"/api/v1/documents/{other.pk}")
    assert refused.status_code == 403
    assert "animation" in refused.json()["message"]


def test_api_round_trip_on_both_backends(backend, people):
    client = api_client_for(people.facilitator)
    answer = _upload(client, people.space.slug)
    assert answer.status_code == 201, answer.content
    document_id = answer.json()["id"]
    listing = client.get(f"/api/v1/spaces/{people.space.slug}/documents").json()
    assert [d["id"] for d in listing["documents"]] == [document_id]
    assert listing["can_upload"] is True
    download = api_client_for(people.member).get(f"/api/v1/documents/{document_id}/download")
    assert download["X-Content-Type-Options"] == "nosniff"
    if backend.kind == "fs":
        assert download.status_code == 200
        body = b"".join(download.streaming_content)  # type: ignore[attr-defined]
        assert body == PDF
        assert download["Content-Disposition"].startswith("inline")
    else:
        assert download.status_code == 302
        assert "X-Amz-Expires=300" in download["Location"]


def test_refusal_is_french_json_and_leaves_nothing(backend, people):
    answer = _upload(api_client_for(people.facilitator), people.space.slug, HTML, "photo.png")
    assert answer.status_code == 400
    assert answer.json()["code"] == "markup_refused"
    assert "ne sont pas acceptés" in answer.json()["message"]
    assert backend.keys() == []


def test_rename_move_trash_and_restore(fs_backend, people):
    client = api_client_for(people.facilitator)
    slug = people.space.slug
    folder = client.post(f"/api/v1/spaces/{slug}/folders", {"name": "Guides"},
                         content_type="application/json")
    assert folder.status_code == 201
    again = client.post(f"/api/v1/spaces/{slug}/folders", {"name": "Guides"},
                        content_type="application/json")
    assert again.status_code == 409
    document = _document(people)
    changed = client.patch(f"/api/v1/documents/{document.pk}",
                           {"title": "Guide 2026", "folder": folder.json()["id"]},
                           content_type="application/json")
    assert changed.status_code == 200
    assert changed.json()["title"] == "Guide 2026"
    assert changed.json()["folder"] == folder.json()["id"]
    client.delete(f"/api/v1/documents/{document.pk}")
    root = client.get(f"/api/v1/spaces/{slug}/documents?folder={folder.json()['id']}").json()
    assert root["documents"] == []
    trash = client.get(f"/api/v1/spaces/{slug}/documents?trash=true").json()
    assert [d["id"] for d in trash["documents"]] == [document.pk]
    # Who may restore it may still download it, to decide; to members it is gone.
    assert client.get(f"/api/v1/documents/{document.pk}/download").status_code == 200
    assert api_client_for(people.member).get(
        f"/api/v1/documents/{document.pk}/download").status_code == 404
    restored = client.post(f"/api/v1/documents/{document.pk}/restore")
    assert restored.json()["deleted"] is False


#: role -> (read, download, download of version 1, trash listing) for a trashed document, and
#: whether the trash listing holds it: as on the pages (test_pages_permissions).
EXPECTED_TRASHED = {
    "facilitator": ((200, 200, 200, 200), True),
    "member": ((404, 404, 404, 200), False),
    "removed": ((404, 404, 404, 404), False),
    "outsider": ((404, 404, 404, 404), False),
    "anonymous": ((401, 401, 401, 401), False),
}


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_of_a_trashed_document(fs_backend, people, role):
    from docs_store.services import add_version, delete_document

    document = _document(people)
    add_version(actor=people.facilitator, document=document, file=io.BytesIO(PDF),
                file_name="guide-2.pdf")
    delete_document(actor=people.facilitator, document=document)
    client = api_client_for(_who(people, role))
    answers = (
        client.get(f"/api/v1/documents/{document.pk}"),
        client.get(f"/api/v1/documents/{document.pk}/download"),
        client.get(f"/api/v1/documents/{document.pk}/download?version=1"),
        client.get(f"/api/v1/spaces/{people.space.slug}/documents?trash=true"),
    )
    statuses, listed = EXPECTED_TRASHED[role]
    assert tuple(a.status_code for a in answers) == statuses
    if answers[3].status_code == 200:
        assert ([d["id"] for d in answers[3].json()["documents"]] == [document.pk]) == listed
    if answers[0].status_code == 200:
        assert answers[0].json()["deleted"] is True
    if role == "member":
        # The same answer as for a document that never existed, for every version.
        unknown = client.get("/api/v1/documents/999999/download?version=1").json()
        assert answers[2].json() == unknown
        assert answers[0].json() == client.get("/api/v1/documents/999999").json()
