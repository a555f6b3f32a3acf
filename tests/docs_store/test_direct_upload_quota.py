"""Direct uploads reserve their declared size in the quota from the moment they are offered:
pending (unexpired) plus stored bytes never pass the space's quota, whoever asks first and
however many ask at once. Finishing turns the reservation into stored bytes; abandoning it or
letting the offer expire gives the room back."""

from __future__ import annotations

import io
import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from communities.errors import ServiceError
from docs_store import direct_uploads, services
from docs_store.models import Document, PendingUpload, SpaceDocumentSettings
from tests.clients import api_client_for
from tests.conftest import People
from tests.docs_store.samples import PDF
from tests.docs_store.test_direct_uploads import browser_post, finish, offer

pytestmark = pytest.mark.django_db

#: Room for one PDF and a half: two pending PDFs together pass it.
QUOTA = len(PDF) * 3 // 2


def _quota(people: People, quota: int = QUOTA) -> None:
    SpaceDocumentSettings.objects.create(space=people.space, quota_bytes=quota)


def test_a_second_offer_past_the_quota_is_refused_while_the_first_is_pending(
        s3_backend, people: People) -> None:
    _quota(people)
    first = offer(people, size=len(PDF))
    with pytest.raises(ServiceError) as refusal:
        offer(people, name="deux.pdf", size=len(PDF))
    assert refusal.value.code == "quota_exceeded"
    assert refusal.value.status == 413
    assert "dépôts en cours" in str(refusal.value.message)
    assert list(PendingUpload.objects.values_list("pk", flat=True)) == [first.pending.pk]
    # The same through the API: a French 413, and no second offer.
    answer = api_client_for(people.facilitator).post(
        f"/api/v1/spaces/{people.space.slug}/documents/direct",
        {"file_name": "trois.pdf", "size": len(PDF)}, content_type="application/json")
    assert answer.status_code == 413
    assert answer.json()["code"] == "quota_exceeded"
    assert "dépôts en cours" in answer.json()["message"]
    assert PendingUpload.objects.count() == 1


def test_an_ordinary_upload_cannot_take_the_reserved_room(s3_backend, people: People) -> None:
    _quota(people)
    offer(people, size=len(PDF))
    with pytest.raises(ServiceError) as refusal:
        services.upload_document(actor=people.facilitator, space=people.space,
                                 file=io.BytesIO(PDF), file_name="a.pdf")
    assert refusal.value.code == "quota_exceeded"
    assert not Document.objects.exists()
    assert s3_backend.keys() == []


def test_finishing_turns_the_reservation_into_stored_bytes(s3_backend,
                                                           people: People) -> None:
    _quota(people, len(PDF) * 2)
    first, second = offer(people, size=len(PDF)), offer(people, name="b.pdf", size=len(PDF))
    for made in (first, second):
        browser_post(made, PDF)
    # Each counts once: its own reservation is not held against it when it finishes.
    finish(people, first)
    finish(people, second)
    assert Document.objects.count() == 2
    with pytest.raises(ServiceError):
        offer(people, name="c.pdf", size=1)


def test_an_expired_or_abandoned_offer_gives_its_room_back(s3_backend,
                                                           people: People) -> None:
    _quota(people)
    expired = offer(people, size=len(PDF))
    PendingUpload.objects.filter(pk=expired.pending.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1))
    abandoned = offer(people, size=len(PDF))
    browser_post(abandoned, PDF)
    direct_uploads.abandon_direct_upload(actor=people.facilitator,
                                         pending_id=abandoned.pending.pk)
    assert not PendingUpload.objects.filter(pk=abandoned.pending.pk).exists()
    assert s3_backend.keys() == []
    # Through the API too: 204, then the offer is gone.
    api = api_client_for(people.facilitator)
    started = api.post(f"/api/v1/spaces/{people.space.slug}/documents/direct",
                       {"file_name": "api.pdf", "size": len(PDF)},
                       content_type="application/json")
    assert started.status_code == 201, started.content
    assert api.delete(f"/api/v1/direct-uploads/{started.json()['id']}").status_code == 204
    assert api.delete(f"/api/v1/direct-uploads/{started.json()['id']}").status_code == 404
    assert offer(people, size=len(PDF)).pending.max_bytes == len(PDF)


def test_a_late_finish_after_expiry_is_still_held_to_the_quota(s3_backend,
                                                               people: People) -> None:
    """Its room was given back at expiry; if another upload took it meanwhile, the finish is
    refused rather than passing the quota."""
    _quota(people)
    late = offer(people, size=len(PDF))
    browser_post(late, PDF)
    PendingUpload.objects.filter(pk=late.pending.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1))
    services.upload_document(actor=people.facilitator, space=people.space,
                             file=io.BytesIO(PDF), file_name="a.pdf")
    with pytest.raises(ServiceError) as refusal:
        finish(people, late)
    assert refusal.value.code == "quota_exceeded"
    # The object and the offer go: nothing points at a file that is no longer there.
    assert Document.objects.count() == 1
    assert len(s3_backend.keys()) == 1
    assert not PendingUpload.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_offers_at_once_cannot_both_reserve(uses_postgres, s3_backend, people: People,
                                               monkeypatch: Any) -> None:
    _quota(people)
    both_checked = threading.Barrier(2, timeout=20)
    early = services.size_limit

    def check_then_wait(**kwargs: Any) -> Any:
        found = early(**kwargs)
        both_checked.wait()  # both passed the early check before either reserves
        return found

    monkeypatch.setattr(services, "size_limit", check_then_wait)
    outcomes: list[str] = []

    def start(name: str) -> None:
        try:
            offer(people, name=name, size=len(PDF))
            outcomes.append("ok")
        except ServiceError as refusal:
            outcomes.append(refusal.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=start, args=(f"{n}.pdf",)) for n in "ab"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["ok", "quota_exceeded"]
    assert PendingUpload.objects.count() == 1
