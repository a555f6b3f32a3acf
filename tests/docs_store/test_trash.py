"""The trash: space admins empty it or restore within DOCS_TRASH_DAYS; purge_document_trash
deletes old trashed documents and their stored objects, safely when runs overlap."""

from __future__ import annotations

import io
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from communities.errors import Forbidden, ServiceError
from communities.models import Membership, Role
from docs_store import services
from docs_store.models import Document, DocumentVersion
from tests.clients import api_client_for
from tests.conftest import make_user
from tests.docs_store.samples import CSV, PDF
from tests.docs_store.state import apply_document_event, fetch_documents
from tests.events_helper import verify_space_action

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(people):
    user = make_user("adele@exemple.qc.ca", "Adèle Admin")
    Membership.objects.create(space=people.space, user=user, role=Role.ADMIN)
    return user


def _upload(people, name="a.pdf", data=PDF) -> Document:
    return services.upload_document(actor=people.facilitator, space=people.space,
                                    file=io.BytesIO(data), file_name=name)


def _trashed(people, name="a.pdf", days_ago=0) -> Document:
    document = _upload(people, name)
    services.add_version(actor=people.facilitator, document=document, file=io.BytesIO(CSV),
                         file_name="a.csv")
    services.delete_document(actor=people.facilitator, document=document)
    if days_ago:
        Document.objects.filter(pk=document.pk).update(
            deleted_at=timezone.now() - timedelta(days=days_ago))
        document.refresh_from_db()
    return document


def _keys_of(document: Document) -> set[str]:
    return set(document.versions.values_list("storage_key", flat=True))


def test_admin_empties_the_trash(backend, people, admin, django_capture_on_commit_callbacks):
    kept = _upload(people, "garde.pdf")
    gone = _trashed(people)
    assert len(backend.keys()) == 3
    before = fetch_documents(people.space.slug)
    with django_capture_on_commit_callbacks(execute=True):
        purged, events = verify_space_action(people.space.slug, lambda: services.empty_trash(
            actor=admin, space=people.space), kinds=["document.purged"])
    assert purged == 1
    for event in events:
        apply_document_event(before, event.kind, event.payload)
    assert before == fetch_documents(people.space.slug)
    assert not Document.objects.filter(pk=gone.pk).exists()
    assert DocumentVersion.objects.filter(document_id=gone.pk).count() == 0
    assert set(backend.keys()) == _keys_of(kept)


@pytest.mark.parametrize("who", ["facilitator", "member"])
def test_only_admins_empty_the_trash(fs_backend, people, who):
    _trashed(people)
    with pytest.raises(Forbidden, match="administration"):
        services.empty_trash(actor=getattr(people, who), space=people.space)
    assert Document.objects.count() == 1


def test_staff_and_api(fs_backend, people, admin):
    _trashed(people)
    assert api_client_for(people.facilitator).post(
        f"/api/v1/spaces/{people.space.slug}/trash/empty").status_code == 403
    assert api_client_for(people.outsider).post(
        f"/api/v1/spaces/{people.space.slug}/trash/empty").status_code == 404
    answer = api_client_for(people.staff).post(f"/api/v1/spaces/{people.space.slug}/trash/empty")
    assert answer.status_code == 200, answer.content
    assert answer.json() == {"purged": 1}
    assert not Document.objects.exists()


def test_restore_within_the_trash_period(fs_backend, people, admin):
    recent = _trashed(people, "recent.pdf", days_ago=29)
    services.restore_document(actor=admin, document=recent)
    assert Document.objects.get(pk=recent.pk).deleted_at is None
    old = _trashed(people, "vieux.pdf", days_ago=31)
    with pytest.raises(ServiceError) as refused:
        services.restore_document(actor=admin, document=old)
    assert refused.value.code == "trash_expired"
    assert "30 jours" in str(refused.value)


def test_purge_command_deletes_only_old_trash(backend, people,
                                              django_capture_on_commit_callbacks):
    old = _trashed(people, "vieux.pdf", days_ago=31)
    recent = _trashed(people, "recent.pdf", days_ago=5)
    live = _upload(people, "vivant.pdf")
    old_keys = _keys_of(old)
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("purge_document_trash", stdout=out)
    assert "1 document(s)" in out.getvalue()
    assert set(Document.objects.values_list("pk", flat=True)) == {recent.pk, live.pk}
    assert set(backend.keys()) == _keys_of(recent) | _keys_of(live)
    # A second run, or a late one working from a stale list, finds nothing to do; deleting
    # the objects again is harmless.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.purge_expired_trash() == 0
        assert services._purge([old.pk], actor=None, before=timezone.now()) == 0
    services._discard_all(sorted(old_keys))
    assert set(backend.keys()) == _keys_of(recent) | _keys_of(live)


def test_a_document_restored_after_listing_is_not_purged(fs_backend, people):
    document = _trashed(people, days_ago=31)
    Document.objects.filter(pk=document.pk).update(deleted_at=None)
    assert services._purge([document.pk], actor=None, before=timezone.now()) == 0
    assert Document.objects.filter(pk=document.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_overlapping_runs_skip_a_claimed_document(uses_postgres, fs_backend, people):
    """One run holds the row (as while it deletes it); another run skips it at once instead of
    waiting or deleting it twice."""
    document = _trashed(people, days_ago=31)
    claimed, release = threading.Event(), threading.Event()

    def first_run() -> None:
        try:
            with transaction.atomic():
                Document.objects.select_for_update().get(pk=document.pk)
                claimed.set()
                release.wait(timeout=10)
        finally:
            connection.close()

    thread = threading.Thread(target=first_run)
    thread.start()
    try:
        assert claimed.wait(timeout=10)
        assert services.purge_expired_trash() == 0
        assert Document.objects.filter(pk=document.pk).exists()
    finally:
        release.set()
        thread.join(timeout=10)
    assert services.purge_expired_trash() == 1
