"""The optional antivirus, against a real clamd (tests/clamd.py): clean files pass, EICAR is
refused in French and leaves nothing behind (alone, inside a ZIP, as a new version), an
unreachable scanner refuses the upload and loses nothing, and the admin says plainly whether
uploads are scanned."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from communities.errors import ServiceError
from docs_store import services
from docs_store.models import Document, DocumentVersion
from tests.clamd import EICAR, SIGNATURE_NAME
from tests.clients import api_client_for, client_for
from tests.conftest import People
from tests.docs_store.samples import CSV, PDF, zip_of

pytestmark = pytest.mark.django_db


def upload(people: People, data: bytes, name: str) -> Document:
    return services.upload_document(actor=people.facilitator, space=people.space,
                                    file=io.BytesIO(data), file_name=name)


def test_a_clean_file_is_scanned_and_accepted(backend, antivirus, people: People) -> None:
    document = upload(people, PDF, "guide.pdf")
    assert document.current_version is not None
    assert len(backend.keys()) == 1


def test_eicar_is_refused_in_french_and_leaves_nothing(backend, antivirus,
                                                      people: People) -> None:
    with pytest.raises(ServiceError) as refusal:
        upload(people, EICAR, "facture.txt")
    assert refusal.value.code == "virus_found"
    assert "antivirus a détecté" in str(refusal.value.message)
    assert SIGNATURE_NAME in str(refusal.value.message)
    assert backend.keys() == []
    assert not Document.objects.exists()


def test_eicar_inside_a_zip_is_refused(fs_backend, antivirus, people: People) -> None:
    with pytest.raises(ServiceError) as refusal:
        upload(people, zip_of({"lisezmoi.txt": b"Bonjour", "outil.com": EICAR}), "outils.zip")
    assert refusal.value.code == "virus_found"
    assert fs_backend.keys() == []


def test_an_infected_new_version_leaves_the_document_as_it_was(backend, antivirus,
                                                              people: People) -> None:
    document = upload(people, CSV, "liste.csv")
    with pytest.raises(ServiceError):
        services.add_version(actor=people.facilitator, document=document,
                             file=io.BytesIO(EICAR), file_name="liste.txt")
    assert DocumentVersion.objects.filter(document=document).count() == 1
    assert len(backend.keys()) == 1


def test_clamd_over_tcp_works_too(fs_backend, clamd, settings: Any, people: People) -> None:
    settings.CLAMAV_SOCKET, settings.CLAMAV_TCP = "", clamd.tcp
    upload(people, CSV, "liste.csv")
    with pytest.raises(ServiceError) as refusal:
        upload(people, EICAR, "eicar.txt")
    assert refusal.value.code == "virus_found"


@pytest.mark.parametrize("where", ["socket", "tcp"])
def test_an_unreachable_scanner_refuses_the_upload_and_loses_nothing(
        backend, settings: Any, people: People, tmp_path: Any, where: str) -> None:
    existing = upload(people, CSV, "liste.csv")  # before the antivirus was configured
    if where == "socket":
        settings.CLAMAV_SOCKET, settings.CLAMAV_TCP = str(tmp_path / "absent.sock"), ""
    else:
        from tests.servers import free_port

        settings.CLAMAV_SOCKET, settings.CLAMAV_TCP = "", f"127.0.0.1:{free_port()}"
    with pytest.raises(ServiceError) as refusal:
        upload(people, PDF, "guide.pdf")
    assert refusal.value.code == "antivirus_unavailable"
    assert refusal.value.status == 503
    assert "L'antivirus ne répond pas" in str(refusal.value.message)
    assert list(Document.objects.all()) == [existing]
    assert len(backend.keys()) == 1


def test_a_file_beyond_the_scanner_stream_limit_is_refused_with_the_reason(
        fs_backend, small_clamd, settings: Any, people: People) -> None:
    settings.CLAMAV_SOCKET, settings.CLAMAV_TCP = small_clamd.socket, ""
    with pytest.raises(ServiceError) as refusal:
        upload(people, CSV * 200, "liste.csv")
    assert refusal.value.code == "antivirus_too_large"
    assert "StreamMaxLength" in str(refusal.value.message)
    assert fs_backend.keys() == []


def test_the_api_answers_a_virus_with_a_french_400(fs_backend, antivirus,
                                                   people: People) -> None:
    answer = api_client_for(people.facilitator).post(
        f"/api/v1/spaces/{people.space.slug}/documents",
        {"file": SimpleUploadedFile("x.txt", EICAR, content_type="text/plain")})
    assert answer.status_code == 400, answer.content
    assert answer.json()["code"] == "virus_found"
    assert fs_backend.keys() == []


# --- what the admin says ---------------------------------------------------------------------
def _admin_home(people: People) -> str:
    people.staff.is_superuser = True
    people.staff.save()
    client = client_for(people.staff)
    answer = client.get("/admin/")
    assert answer.status_code == 200
    return answer.content.decode()


def test_without_antivirus_the_admin_says_uploads_are_not_scanned(settings: Any,
                                                                 people: People) -> None:
    settings.CLAMAV_SOCKET = settings.CLAMAV_TCP = ""
    assert "Les fichiers déposés ne sont pas analysés" in _admin_home(people)


def test_with_antivirus_the_admin_says_uploads_are_scanned(antivirus, people: People) -> None:
    body = _admin_home(people)
    assert "analysé par ClamAV" in body
    assert "ne sont pas analysés" not in body


def test_the_documents_list_in_the_admin_repeats_it(settings: Any, people: People) -> None:
    settings.CLAMAV_SOCKET = settings.CLAMAV_TCP = ""
    _admin_home(people)
    client = client_for(people.staff)
    body = client.get("/admin/docs_store/document/").content.decode()
    assert "Les fichiers déposés ne sont pas analysés" in body
