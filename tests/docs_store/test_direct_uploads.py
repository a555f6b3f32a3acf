"""Direct upload to S3 with a presigned POST, against moto's S3 server: the offer (our key, a
bounded content-length-range, a short expiry), the browser's POST straight to the bucket, the
finish call that checks size, type (ranged GETs) and antivirus before anything is visible, the
refusals that leave nothing, and the purge of abandoned uploads. On the file system: a clear
"not offered". (moto does not enforce a POST policy's content-length-range, real S3 does; the
finish call checks the size anyway, and that is what is tested.)"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import threading
from datetime import datetime, timedelta
from typing import Any

import pytest
import requests
from django.core.management import call_command
from django.utils import timezone

from communities.errors import Conflict, Forbidden, NotFound, ServiceError
from docs_store import direct_uploads, services
from docs_store.models import Document, DocumentVersion, PendingUpload, SpaceDocumentSettings
from tests.clamd import EICAR
from tests.clients import api_client_for
from tests.conftest import People
from tests.docs_store.samples import CSV, HTML, PDF, docx
from tests.events_helper import verify_space_action

pytestmark = pytest.mark.django_db


def offer(people: People, name: str = "rapport.pdf", size: int = len(PDF),
          **kwargs: Any) -> direct_uploads.Offer:
    return direct_uploads.start_direct_upload(actor=people.facilitator, space=people.space,
                                              file_name=name, size=size, **kwargs)


def browser_post(made: direct_uploads.Offer, data: bytes) -> requests.Response:
    """What the browser does with the offer: a multipart POST to the bucket, file last."""
    return requests.post(made.url, data=made.fields, files={"file": ("x", data)}, timeout=30)


def finish(people: People, made: direct_uploads.Offer) -> Document:
    return direct_uploads.finish_direct_upload(actor=people.facilitator,
                                               pending_id=made.pending.pk)


def test_on_the_file_system_direct_upload_is_not_offered(fs_backend, people: People) -> None:
    with pytest.raises(ServiceError) as refusal:
        offer(people)
    assert refusal.value.code == "direct_upload_unavailable"
    assert refusal.value.status == 501
    answer = api_client_for(people.facilitator).post(
        f"/api/v1/spaces/{people.space.slug}/documents/direct",
        {"file_name": "gros.pdf", "size": 10}, content_type="application/json")
    assert answer.status_code == 501
    assert "formulaire habituel" in answer.json()["message"]
    assert not PendingUpload.objects.exists()


def test_the_offer_is_bounded_and_short_lived(s3_backend, people: People,
                                              settings: Any) -> None:
    settings.DOCS_DIRECT_UPLOAD_SECONDS = 600
    SpaceDocumentSettings.objects.create(space=people.space, max_upload_bytes=5_000_000)
    made = offer(people, size=1234)
    policy = json.loads(base64.b64decode(made.fields["policy"]))
    # No more than the declared size, which is what the quota holds for it.
    assert ["content-length-range", 1, 1234] in policy["conditions"]
    assert made.pending.max_bytes == 1234
    expires = datetime.fromisoformat(policy["expiration"].replace("Z", "+00:00"))
    assert timedelta(seconds=590) < expires - timezone.now() <= timedelta(seconds=601)
    # Our key, never the file's name.
    assert made.fields["key"] == made.pending.storage_key
    assert "rapport" not in made.fields["key"]
    assert made.pending.storage_key.startswith(f"documents/{people.space.pk}/")


def test_a_declared_size_over_the_limit_is_refused_at_once(s3_backend,
                                                           people: People) -> None:
    SpaceDocumentSettings.objects.create(space=people.space, max_upload_bytes=1000)
    with pytest.raises(ServiceError) as refusal:
        offer(people, size=1001)
    assert refusal.value.code == "too_large"
    assert not PendingUpload.objects.exists()


def test_only_uploaders_get_an_offer(s3_backend, people: People) -> None:
    with pytest.raises(Forbidden):
        direct_uploads.start_direct_upload(actor=people.member, space=people.space,
                                           file_name="x.pdf", size=10)


def test_the_document_appears_only_after_a_successful_finish(s3_backend,
                                                             people: People) -> None:
    made = offer(people, title="Rapport annuel", description="Version du conseil")
    assert browser_post(made, PDF).status_code == 204
    # Uploaded, but nobody sees it yet.
    assert not Document.objects.exists()
    document, _events = verify_space_action(
        people.space.slug, lambda: finish(people, made), kinds=["document.created"])
    assert document.title == "Rapport annuel"
    version = DocumentVersion.objects.get(document=document)
    assert version.sha256 == hashlib.sha256(PDF).hexdigest()
    assert version.size == len(PDF)
    assert version.content_type == "application/pdf"
    assert version.storage_key == made.pending.storage_key
    assert not PendingUpload.objects.exists()
    assert s3_backend.keys() == [version.storage_key]


def test_an_office_file_is_sniffed_through_ranged_reads(s3_backend, people: People) -> None:
    data = docx()
    made = offer(people, name="plan.docx", size=len(data))
    browser_post(made, data)
    document = finish(people, made)
    assert document.current_version is not None
    assert document.current_version.content_type.endswith("wordprocessingml.document")


def test_a_refused_type_deletes_the_object_and_the_offer(s3_backend, people: People) -> None:
    made = offer(people, name="photo.png", size=len(HTML))
    browser_post(made, HTML)
    with pytest.raises(ServiceError) as refusal:
        finish(people, made)
    assert refusal.value.code == "markup_refused"
    assert s3_backend.keys() == []
    assert not PendingUpload.objects.exists()
    assert not Document.objects.exists()


def test_an_object_larger_than_offered_is_refused_and_deleted(s3_backend, people: People,
                                                              settings: Any) -> None:
    SpaceDocumentSettings.objects.create(space=people.space, max_upload_bytes=len(PDF) + 10)
    made = offer(people)
    # A client that ignores the form and writes the key some other way, bigger.
    s3_backend.bucket.put_object(Key=made.pending.storage_key, Body=PDF + b"x" * 100)
    with pytest.raises(ServiceError) as refusal:
        finish(people, made)
    assert refusal.value.code == "too_large"
    assert s3_backend.keys() == []
    assert not Document.objects.exists()


def test_finishing_before_the_file_arrived_keeps_the_offer(s3_backend,
                                                           people: People) -> None:
    made = offer(people)
    with pytest.raises(Conflict) as early:
        finish(people, made)
    assert early.value.code == "upload_missing"
    assert PendingUpload.objects.filter(pk=made.pending.pk).exists()
    browser_post(made, PDF)
    assert finish(people, made).current_version is not None


def test_an_offer_is_finished_once_and_by_its_uploader_only(s3_backend,
                                                            people: People) -> None:
    made = offer(people)
    browser_post(made, PDF)
    with pytest.raises(NotFound):
        direct_uploads.finish_direct_upload(actor=people.member, pending_id=made.pending.pk)
    finish(people, made)
    with pytest.raises(NotFound):
        finish(people, made)
    assert Document.objects.count() == 1


def test_a_new_version_by_direct_upload(s3_backend, people: People) -> None:
    document = services.upload_document(actor=people.facilitator, space=people.space,
                                        file=io.BytesIO(CSV), file_name="liste.csv")
    made = direct_uploads.start_direct_upload(actor=people.facilitator, space=people.space,
                                              file_name="liste.pdf", size=len(PDF),
                                              document=document)
    browser_post(made, PDF)
    _, _events = verify_space_action(people.space.slug, lambda: finish(people, made),
                                    kinds=["document.version_added"])
    document.refresh_from_db()
    assert document.current_version is not None
    assert document.current_version.number == 2
    assert document.current_version.content_type == "application/pdf"


def test_eicar_by_direct_upload_is_refused_and_deleted(s3_backend, antivirus,
                                                      people: People) -> None:
    made = offer(people, name="outil.txt", size=len(EICAR))
    browser_post(made, EICAR)
    with pytest.raises(ServiceError) as refusal:
        finish(people, made)
    assert refusal.value.code == "virus_found"
    assert s3_backend.keys() == []
    assert not Document.objects.exists()


def test_an_unreachable_antivirus_keeps_the_offer_for_later(s3_backend, settings: Any,
                                                            people: People,
                                                            tmp_path: Any) -> None:
    made = offer(people)
    browser_post(made, PDF)
    settings.CLAMAV_SOCKET = str(tmp_path / "absent.sock")
    with pytest.raises(ServiceError) as refusal:
        finish(people, made)
    assert refusal.value.code == "antivirus_unavailable"
    assert len(s3_backend.keys()) == 1
    settings.CLAMAV_SOCKET = ""
    assert finish(people, made).current_version is not None


def test_abandoned_uploads_are_purged_with_their_objects(s3_backend, people: People,
                                                        settings: Any) -> None:
    settings.DOCS_DIRECT_UPLOAD_ABANDONED_HOURS = 24
    old, fresh = offer(people), offer(people)
    browser_post(old, PDF)
    browser_post(fresh, PDF)
    PendingUpload.objects.filter(pk=old.pending.pk).update(
        expires_at=timezone.now() - timedelta(hours=25))
    call_command("purge_document_trash", verbosity=0)
    assert list(PendingUpload.objects.values_list("pk", flat=True)) == [fresh.pending.pk]
    assert s3_backend.keys() == [fresh.pending.storage_key]


def test_the_api_round_trip(s3_backend, people: People) -> None:
    api = api_client_for(people.facilitator)
    started = api.post(f"/api/v1/spaces/{people.space.slug}/documents/direct",
                       {"file_name": "guide.pdf", "size": len(PDF), "title": "Guide"},
                       content_type="application/json")
    assert started.status_code == 201, started.content
    body = started.json()
    answer = requests.post(body["url"], data=body["fields"], files={"file": ("x", PDF)},
                           timeout=30)
    assert answer.status_code == 204
    done = api.post(f"/api/v1/direct-uploads/{body['id']}/finish")
    assert done.status_code == 201, done.content
    assert done.json()["title"] == "Guide"
    assert done.json()["version"]["sha256"] == hashlib.sha256(PDF).hexdigest()
    again = api.post(f"/api/v1/direct-uploads/{body['id']}/finish")
    assert again.status_code == 404


@pytest.mark.django_db(transaction=True)
def test_two_finish_calls_at_once_make_one_document(uses_postgres, s3_backend, people: People,
                                                    monkeypatch: Any) -> None:
    """Both check the object, then race to claim the pending row: one records the document,
    the other is told it is already finished, and the object is neither deleted nor doubled."""
    from django.db import connection

    made = offer(people)
    browser_post(made, PDF)
    both_checked = threading.Barrier(2, timeout=20)
    check = direct_uploads._check_object

    def check_and_wait(pending: PendingUpload) -> DocumentVersion:
        version = check(pending)
        both_checked.wait()
        return version

    monkeypatch.setattr(direct_uploads, "_check_object", check_and_wait)
    outcomes: list[str] = []

    def finish_once() -> None:
        try:
            finish(people, made)
            outcomes.append("ok")
        except ServiceError as refusal:
            outcomes.append(refusal.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=finish_once) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["already_finished", "ok"]
    assert Document.objects.count() == 1
    assert s3_backend.keys() == [made.pending.storage_key]
