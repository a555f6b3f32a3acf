"""Two uploads at once cannot both pass the quota: the bytes are reserved under a lock on the
space's settings row, in the transaction that records the version."""

from __future__ import annotations

import io
import threading

import pytest
from django.db import connection

from communities.errors import ServiceError
from docs_store import services
from docs_store.models import Document, SpaceDocumentSettings
from docs_store.storing import store
from tests.docs_store.samples import PDF


def test_reservation_refuses_what_the_early_check_let_through(backend, people, db,
                                                              monkeypatch):
    """Sequential form of the race: another upload lands between the early check and the
    reservation."""
    SpaceDocumentSettings.objects.create(space=people.space, quota_bytes=len(PDF) + 10)

    def store_then_other_lands(**kwargs):
        stored = store(**kwargs)
        monkeypatch.setattr("docs_store.services.store", store)
        services.upload_document(actor=people.facilitator, space=people.space,
                                 file=io.BytesIO(PDF), file_name="autre.pdf")
        return stored

    monkeypatch.setattr("docs_store.services.store", store_then_other_lands)
    with pytest.raises(ServiceError) as refused:
        services.upload_document(actor=people.facilitator, space=people.space,
                                 file=io.BytesIO(PDF), file_name="a.pdf")
    assert refused.value.code == "quota_exceeded"
    assert list(Document.objects.values_list("title", flat=True)) == ["autre"]
    assert len(backend.keys()) == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_uploads_cannot_both_pass(uses_postgres, backend, people, monkeypatch):
    SpaceDocumentSettings.objects.create(space=people.space, quota_bytes=len(PDF) + 10)
    both_stored = threading.Barrier(2, timeout=20)

    def store_and_wait(**kwargs):
        stored = store(**kwargs)
        both_stored.wait()  # both are past the early check before either reserves
        return stored

    monkeypatch.setattr("docs_store.services.store", store_and_wait)
    outcomes: list[object] = []

    def upload(name: str) -> None:
        try:
            services.upload_document(actor=people.facilitator, space=people.space,
                                     file=io.BytesIO(PDF), file_name=name)
            outcomes.append("ok")
        except ServiceError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=upload, args=(f"{n}.pdf",)) for n in "ab"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(map(str, outcomes)) == ["ok", "quota_exceeded"]
    assert Document.objects.count() == 1
    assert len(backend.keys()) == 1
