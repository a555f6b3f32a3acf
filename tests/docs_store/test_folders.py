"""Folders: rename, move without cycles, delete only when empty; events and French refusals."""

from __future__ import annotations

import io

import pytest

from communities.errors import Conflict, Forbidden, ServiceError
from docs_store import services
from docs_store.models import Folder
from tests.clients import api_client_for
from tests.docs_store.samples import PDF
from tests.docs_store.state import apply_document_event, fetch_documents
from tests.events_helper import verify_space_action

pytestmark = pytest.mark.django_db


def _verify(people, action, kinds):
    before = fetch_documents(people.space.slug)
    result, events = verify_space_action(people.space.slug, action, kinds=kinds)
    for event in events:
        apply_document_event(before, event.kind, event.payload)
    assert before == fetch_documents(people.space.slug)
    return result


def _tree(people):
    actor, space = people.facilitator, people.space
    a = services.create_folder(actor=actor, space=space, name="A")
    b = services.create_folder(actor=actor, space=space, name="B", parent=a)
    c = services.create_folder(actor=actor, space=space, name="C", parent=b)
    return a, b, c


def test_rename_move_delete_emit_events(fs_backend, people):
    actor = people.facilitator
    _a, b, c = _tree(people)
    _verify(people, lambda: services.rename_folder(actor=actor, folder=b, name="Bilans"),
            ["folder.renamed"])
    _verify(people, lambda: services.move_folder(actor=actor, folder=c, parent=None),
            ["folder.moved"])
    _verify(people, lambda: services.delete_folder(actor=actor, folder=c), ["folder.deleted"])
    assert not Folder.objects.filter(pk=c.pk).exists()
    # No change, no event.
    _verify(people, lambda: services.rename_folder(actor=actor, folder=b, name="Bilans"), [])


def test_move_refuses_cycles(fs_backend, people):
    a, _b, c = _tree(people)
    for target in (a, c):
        with pytest.raises(ServiceError) as refused:
            services.move_folder(actor=people.facilitator, folder=a, parent=target)
        assert refused.value.code == "folder_cycle"
        assert "sous-dossiers" in str(refused.value)
    assert Folder.objects.get(pk=a.pk).parent_id is None


def test_name_clash_is_refused(fs_backend, people):
    a, b, _c = _tree(people)
    services.create_folder(actor=people.facilitator, space=people.space, name="B")
    with pytest.raises(Conflict, match="porte déjà ce nom"):
        services.move_folder(actor=people.facilitator, folder=b, parent=None)
    with pytest.raises(Conflict):
        services.rename_folder(actor=people.facilitator, folder=a, name="B")
    assert Folder.objects.get(pk=b.pk).parent_id == a.pk
    assert Folder.objects.get(pk=a.pk).name == "A"


def test_delete_only_when_empty(fs_backend, people):
    _a, b, c = _tree(people)
    with pytest.raises(Conflict, match="sous-dossiers"):
        services.delete_folder(actor=people.facilitator, folder=b)
    document = services.upload_document(actor=people.facilitator, space=people.space,
                                        file=io.BytesIO(PDF), file_name="a.pdf", folder=c)
    services.delete_document(actor=people.facilitator, document=document)
    with pytest.raises(Conflict, match="corbeille"):
        services.delete_folder(actor=people.facilitator, folder=c)
    assert Folder.objects.count() == 3


def test_members_cannot_change_others_folders(fs_backend, people):
    a, _b, _c = _tree(people)
    with pytest.raises(Forbidden):
        services.rename_folder(actor=people.member, folder=a, name="Z")


def test_folder_api(fs_backend, people):
    a, b, c = _tree(people)
    facilitator = api_client_for(people.facilitator)
    answer = facilitator.patch(f"/api/v1/folders/{c.pk}", {"name": "Cycle", "parent": 0},
                               content_type="application/json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["parent"] is None and answer.json()["name"] == "Cycle"
    answer = facilitator.patch(f"/api/v1/folders/{a.pk}", {"parent": b.pk},
                               content_type="application/json")
    assert answer.status_code == 400
    assert facilitator.delete(f"/api/v1/folders/{a.pk}").status_code == 409
    assert api_client_for(people.member).delete(f"/api/v1/folders/{c.pk}").status_code == 403
    assert api_client_for(people.outsider).delete(f"/api/v1/folders/{c.pk}").status_code == 404
    assert facilitator.delete(f"/api/v1/folders/{c.pk}").status_code == 204
