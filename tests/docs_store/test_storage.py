"""Uploads and downloads on both backends: round trip, refusals and failures leave nothing."""

from __future__ import annotations

import hashlib
import io
import urllib.request
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from communities.errors import ServiceError
from docs_store.downloads import download_response
from docs_store.models import Document, DocumentVersion, SpaceDocumentSettings
from docs_store.services import add_version, upload_document
from tests.docs_store.samples import CSV, PDF, PNG, docx
from tests.docs_store.state import current

pytestmark = pytest.mark.django_db


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def _fetch(url: str) -> tuple[bytes, dict[str, str]]:
    assert url.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310  # loopback moto
        return answer.read(), {k.lower(): v for k, v in answer.headers.items()}


def _download(backend, user, document_id, number=None) -> tuple[bytes, Any]:
    response = download_response(user=user, document_id=document_id, number=number)
    assert response["X-Content-Type-Options"] == "nosniff"
    if backend.kind == "fs":
        return _body(response), response
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert int(query["X-Amz-Expires"][0]) <= 300
    body, headers = _fetch(response["Location"])
    # What the browser gets from S3 itself, not only what the URL asks for.
    version = current(Document.objects.get(pk=document_id)) if number is None else (
        DocumentVersion.objects.get(document_id=document_id, number=number))
    assert headers["content-type"] == version.content_type
    assert headers["content-disposition"] == query["response-content-disposition"][0]
    return body, response


@pytest.mark.parametrize(("data", "name", "content_type", "inline"), [
    (PDF, "Procès-verbal.pdf", "application/pdf", True),
    (PNG, "logo.png", "image/png", True),
    (docx(), "guide.docx",
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document", False),
    (CSV, "liste.csv", "text/csv", False),
])
def test_round_trip_keeps_bytes_and_sets_disposition(backend, people, data, name,
                                                     content_type, inline):
    document = upload_document(actor=people.facilitator, space=people.space,
                               file=io.BytesIO(data), file_name=name)
    version = current(document)
    assert version.sha256 == hashlib.sha256(data).hexdigest()
    assert version.size == len(data)
    assert version.content_type == content_type
    assert version.storage_key.startswith(f"documents/{people.space.pk}/")
    assert name.rsplit(".", 1)[0] not in version.storage_key
    assert backend.keys() == [version.storage_key]

    body, response = _download(backend, people.member, document.pk)
    assert hashlib.sha256(body).hexdigest() == version.sha256
    if backend.kind == "fs":
        disposition = response["Content-Disposition"]
        assert response["Content-Type"] == content_type
    else:
        query = parse_qs(urlsplit(response["Location"]).query)
        disposition = query["response-content-disposition"][0]
        assert query["response-content-type"][0] == content_type
    assert disposition.startswith("inline" if inline else "attachment")


def test_versions_are_kept_and_each_downloadable(backend, people):
    document = upload_document(actor=people.facilitator, space=people.space,
                               file=io.BytesIO(CSV), file_name="liste.csv")
    add_version(actor=people.facilitator, document=document, file=io.BytesIO(PDF),
                file_name="liste.pdf")
    assert [v.number for v in document.versions.order_by("number")] == [1, 2]
    assert _download(backend, people.member, document.pk)[0] == PDF
    assert _download(backend, people.member, document.pk, 1)[0] == CSV
    assert len(backend.keys()) == 2


class Exploding(io.BytesIO):
    """Gives a PDF head, then a few chunks, then fails like a dropped connection."""

    def __init__(self) -> None:
        super().__init__()
        self.sent = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        self.sent = offset
        return offset

    def read(self, n: int | None = -1) -> bytes:
        if self.sent > 300 * 1024:
            raise OSError("connexion perdue")
        size = 64 * 1024 if n is None or n < 0 else n
        chunk = (PDF + b"\0" * size)[:size] if self.sent == 0 else b"\0" * size
        self.sent += len(chunk)
        return chunk


def test_failure_mid_upload_leaves_nothing(backend, people):
    with pytest.raises(OSError, match="connexion perdue"):
        upload_document(actor=people.facilitator, space=people.space, file=Exploding(),
                        file_name="rapport.pdf")
    assert backend.keys() == []
    assert not Document.objects.exists()
    assert not DocumentVersion.objects.exists()


def test_database_failure_after_storing_removes_the_object(backend, people, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("base de données indisponible")

    monkeypatch.setattr("docs_store.services.emit", broken)
    with pytest.raises(RuntimeError):
        upload_document(actor=people.facilitator, space=people.space, file=io.BytesIO(PDF),
                        file_name="rapport.pdf")
    assert backend.keys() == []
    assert not Document.objects.exists()


class Unsized(io.BytesIO):
    """A stream whose size is unknown in advance, so the limit bites while streaming."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self.inner = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        if whence != 0:
            raise OSError("taille inconnue")
        return self.inner.seek(offset, whence)

    def read(self, n: int | None = -1) -> bytes:
        return self.inner.read(n)


@pytest.mark.parametrize("sized", [True, False])
def test_oversized_file_is_refused_and_leaves_nothing(backend, people, sized):
    SpaceDocumentSettings.objects.create(space=people.space, max_upload_bytes=200 * 1024)
    data = PDF + b"\0" * (300 * 1024)
    file = io.BytesIO(data) if sized else Unsized(data)
    with pytest.raises(ServiceError) as refused:
        upload_document(actor=people.facilitator, space=people.space, file=file,
                        file_name="gros.pdf")
    assert refused.value.code == "too_large"
    assert "taille maximale" in str(refused.value)
    assert backend.keys() == []
    assert not Document.objects.exists()


def test_quota_is_enforced(backend, people):
    SpaceDocumentSettings.objects.create(space=people.space, quota_bytes=len(PDF) + 10)
    upload_document(actor=people.facilitator, space=people.space, file=io.BytesIO(PDF),
                    file_name="a.pdf")
    with pytest.raises(ServiceError) as refused:
        upload_document(actor=people.facilitator, space=people.space, file=io.BytesIO(PDF),
                        file_name="b.pdf")
    assert refused.value.code == "quota_exceeded"
    assert len(backend.keys()) == 1


class ExplodingLate(Exploding):
    """Fails after 12 MB, in the second part of a multipart upload to S3."""

    def read(self, n: int | None = -1) -> bytes:
        if self.sent > 12 * 1024 * 1024:
            raise OSError("connexion perdue")
        size = 64 * 1024 if n is None or n < 0 else n
        chunk = (PDF + b"\0" * size)[:size] if self.sent == 0 else b"\0" * size
        self.sent += len(chunk)
        return chunk


def test_failure_mid_multipart_upload_leaves_nothing(backend, people):
    with pytest.raises(OSError, match="connexion perdue"):
        upload_document(actor=people.facilitator, space=people.space, file=ExplodingLate(),
                        file_name="rapport.pdf")
    assert backend.keys() == []
    if backend.kind == "s3":
        pending = backend.bucket.meta.client.list_multipart_uploads(Bucket=backend.bucket.name)
        assert pending.get("Uploads", []) == []
    assert not Document.objects.exists()
    assert not DocumentVersion.objects.exists()
