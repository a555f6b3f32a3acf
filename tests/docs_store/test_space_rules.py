"""Who may upload, as a space's facilitators set it: the service, its event, its refusals."""

from __future__ import annotations

import pytest

from communities.errors import Forbidden, ServiceError
from docs_store.models import SpaceDocumentSettings, UploadsBy
from docs_store.services import may_upload
from docs_store.space_rules import change_upload_rule
from tests.events_helper import verify_space_action

pytestmark = pytest.mark.django_db


def test_a_facilitator_opens_uploads_to_every_member(people):
    assert not may_upload(user=people.member, space=people.space)
    _rules, events = verify_space_action("rma", lambda: change_upload_rule(
        actor=people.facilitator, space=people.space, uploads_by=UploadsBy.MEMBERS),
        kinds=["document_settings.changed"])
    assert events[0].payload == {"uploads_by": "members",
                                 "by": {"id": people.facilitator.pk,
                                        "display_name": "Florence Animatrice",
                                        "organisation": "Espace MUNI",
                                        "label": "Florence Animatrice",
                                        "disambiguation": ""}}
    assert may_upload(user=people.member, space=people.space)


def test_the_same_rule_again_changes_nothing_and_emits_nothing(people):
    change_upload_rule(actor=people.facilitator, space=people.space,
                       uploads_by=UploadsBy.MEMBERS)
    verify_space_action("rma", lambda: change_upload_rule(
        actor=people.facilitator, space=people.space, uploads_by=UploadsBy.MEMBERS), kinds=[])


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_only_facilitators_change_the_rule(people, who):
    with pytest.raises((Forbidden, ServiceError)):
        change_upload_rule(actor=getattr(people, who), space=people.space,
                           uploads_by=UploadsBy.MEMBERS)
    assert not SpaceDocumentSettings.objects.filter(uploads_by=UploadsBy.MEMBERS).exists()


def test_an_unknown_rule_is_refused_in_french(people):
    with pytest.raises(ServiceError, match="Choisissez qui peut déposer"):
        change_upload_rule(actor=people.facilitator, space=people.space, uploads_by="tous")
