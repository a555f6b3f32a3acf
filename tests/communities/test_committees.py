"""Committees: created by the space's facilitators with members chosen among the space's
members, kept private from everyone else, ended with the space membership, archived
read-only. Every event is checked against its schema and against a client's state."""

from __future__ import annotations

from typing import Any

import pytest

from communities.errors import Conflict, Forbidden, NotFound, ServiceError
from communities.models import Event, Membership, Role, Space
from communities.selectors import committees_seen_in, spaces_with_committees
from communities.services.committees import (
    add_committee_members,
    archive_committee,
    create_committee,
    remove_committee_member,
    set_committee_visibility,
    unarchive_committee,
)
from communities.services.discussion import post_message, start_thread
from communities.services.spaces import invite_member, leave_space, remove_member
from tests.events_helper import verify_action


def committee_state(committee: Space) -> dict[str, Any]:
    """What a member's client holds of a committee, fetched from scratch."""
    committee.refresh_from_db()
    return {"members": {m.user_id: m.role for m in Membership.objects.filter(space=committee)},
            "archived": committee.archived_at is not None,
            "existence_visible": committee.existence_visible}


def apply(state: dict[str, Any], kind: str, data: dict[str, Any]) -> None:
    if kind == "committee.created":
        state.update(archived=data["committee"]["archived"],
                     existence_visible=data["committee"]["existence_visible"], members={})
    elif kind == "committee.member_added":
        state["members"][data["member"]["id"]] = data["role"]
    elif kind in {"committee.member_removed", "member.left"}:
        state["members"].pop(data["member"]["id"], None)
    elif kind in {"committee.archived", "committee.unarchived",
                  "committee.visibility_changed"}:
        state.update(archived=data["committee"]["archived"],
                     existence_visible=data["committee"]["existence_visible"])
    else:
        raise AssertionError(f"no client rule for {kind}")


def verify_committee_action(committee: Space, action, *, kinds: list[str]):
    before = committee_state(committee)
    result, events = verify_action(action, kinds=kinds)
    for event in events:
        if event.space_id == committee.pk:
            apply(before, event.kind, event.payload)
    assert before == committee_state(committee)
    return result, events


@pytest.fixture
def committee(people) -> Space:
    return create_committee(actor=people.facilitator, space=people.space,
                            name="Comité de planification", members=[people.member.pk])


def test_a_facilitator_creates_a_committee_with_members_of_the_space(people):
    committee, events = verify_action(
        lambda: create_committee(actor=people.facilitator, space=people.space,
                                 name="  Comité   de planification ",
                                 members=[people.member.pk, str(people.other_member.pk)]),
        kinds=["committee.created", "committee.member_added", "committee.member_added",
               "committee.member_added"])
    assert committee.parent == people.space and committee.name == "Comité de planification"
    assert committee.slug == "rma-comite-de-planification"
    assert {e.space_id for e in events} == {committee.pk}, "nothing on the parent's stream"
    state = {"members": {}, "archived": True, "existence_visible": True}
    for event in events:
        apply(state, event.kind, event.payload)
    assert state == committee_state(committee)
    assert state["members"] == {people.facilitator.pk: Role.FACILITATOR,
                                people.member.pk: Role.MEMBER,
                                people.other_member.pk: Role.MEMBER}


def test_a_second_committee_of_the_same_name_is_refused(people, committee):
    with pytest.raises(Conflict) as refusal:
        create_committee(actor=people.facilitator, space=people.space,
                         name="comité de PLANIFICATION")
    assert "déjà un comité" in str(refusal.value)


def test_a_member_who_is_not_a_facilitator_cannot_create_one(people):
    with pytest.raises(Forbidden):
        create_committee(actor=people.member, space=people.space, name="Comité secret")
    assert not Space.objects.filter(parent=people.space).exists()


def test_choosing_someone_outside_the_space_refuses_everything(people):
    head = Space.objects.get(pk=people.space.pk).event_head
    with pytest.raises(ServiceError) as refusal:
        create_committee(actor=people.facilitator, space=people.space, name="Comité",
                         members=[people.member.pk, people.outsider.pk])
    assert refusal.value.code == "not_space_member"
    assert "ne font pas partie" in str(refusal.value) or "n'en font pas" in str(refusal.value)
    assert not Space.objects.filter(parent=people.space).exists()
    assert Space.objects.get(pk=people.space.pk).event_head == head


def test_adding_a_non_member_of_the_space_changes_nothing(people, committee):
    with pytest.raises(ServiceError) as refusal:
        add_committee_members(actor=people.facilitator, committee=committee,
                              members=[people.other_member.pk, people.outsider.pk])
    assert refusal.value.code == "not_space_member"
    assert "Rien n'a été changé" in str(refusal.value)
    assert not Membership.objects.filter(space=committee, user=people.other_member).exists()


def test_a_garbage_member_id_is_a_clear_refusal(people, committee):
    with pytest.raises(ServiceError) as refusal:
        add_committee_members(actor=people.facilitator, committee=committee,
                              members=["abc"])
    assert refusal.value.code == "invalid_member"


def test_only_the_space_facilitators_add_and_remove_members(people, committee):
    with pytest.raises(Forbidden):
        add_committee_members(actor=people.member, committee=committee,
                              members=[people.other_member.pk])
    verify_committee_action(
        committee, lambda: add_committee_members(actor=people.facilitator,
                                                 committee=committee,
                                                 members=[people.other_member.pk]),
        kinds=["committee.member_added"])
    _, events = verify_committee_action(
        committee, lambda: remove_committee_member(actor=people.facilitator,
                                                   committee=committee,
                                                   member=people.other_member),
        kinds=["committee.member_removed", "membership.ended"])
    assert events[1].owner_id == people.other_member.pk
    assert events[1].payload == {"space": committee.slug, "reason": "removed"}


def test_leaving_the_space_ends_committee_memberships(people, committee):
    _, events = verify_action(lambda: leave_space(actor=people.member, space=people.space),
                              kinds=["member.left", "membership.ended",
                                     "committee.member_removed", "membership.ended"])
    assert events[2].space_id == committee.pk
    assert not Membership.objects.filter(space=committee, user=people.member).exists()


def test_being_removed_from_the_space_ends_committee_memberships(people, committee):
    verify_action(lambda: remove_member(actor=people.facilitator, space=people.space,
                                        member=people.member),
                  kinds=["member.removed", "membership.ended",
                         "committee.member_removed", "membership.ended"])
    assert not Membership.objects.filter(space=committee, user=people.member).exists()


def test_a_committee_is_left_by_anyone_even_its_last_facilitator(people, committee):
    leave_space(actor=people.facilitator, space=committee)
    assert Membership.objects.filter(space=committee).count() == 1


def test_no_email_invitation_into_a_committee(people, committee):
    with pytest.raises(ServiceError) as refusal:
        invite_member(actor=people.facilitator, space=committee, email="x@exemple.qc.ca")
    assert refusal.value.code == "committee_invitation"


def test_an_archived_committee_is_read_only_until_unarchived(people, committee):
    thread = start_thread(actor=people.member, space=committee, title="Ordre du jour",
                          body="Premier jet").thread
    verify_committee_action(
        committee, lambda: archive_committee(actor=people.facilitator, committee=committee),
        kinds=["committee.archived"])
    committee.refresh_from_db()
    thread.space.refresh_from_db()
    with pytest.raises(Conflict) as refusal:
        post_message(actor=people.member, thread=thread, body="Encore un mot")
    assert "archivé" in str(refusal.value)
    with pytest.raises(Conflict):
        start_thread(actor=people.member, space=committee, title="Nouveau", body="Texte")
    with pytest.raises(Conflict):
        archive_committee(actor=people.facilitator, committee=committee)
    verify_committee_action(
        committee, lambda: unarchive_committee(actor=people.facilitator, committee=committee),
        kinds=["committee.unarchived"])
    thread.space.refresh_from_db()
    post_message(actor=people.member, thread=thread, body="Encore un mot")


def test_a_member_of_the_committee_who_does_not_facilitate_cannot_archive(people, committee):
    with pytest.raises(Forbidden):
        archive_committee(actor=people.member, committee=committee)
    committee.refresh_from_db()
    assert committee.archived_at is None


def test_the_parent_stream_learns_a_name_only_when_shown(people, committee):
    _, events = verify_committee_action(
        committee, lambda: set_committee_visibility(actor=people.facilitator,
                                                    committee=committee, visible=True),
        kinds=["committee.visibility_changed", "committee.shown"])
    assert events[1].space_id == people.space.pk
    assert events[1].payload["committee"]["name"] == "Comité de planification"
    _, events = verify_committee_action(
        committee, lambda: set_committee_visibility(actor=people.facilitator,
                                                    committee=committee, visible=False),
        kinds=["committee.visibility_changed", "committee.hidden"])
    assert events[1].payload == {"committee": {"id": committee.pk}}


def test_nothing_of_a_hidden_committee_is_on_the_parent_stream(people, committee):
    add_committee_members(actor=people.facilitator, committee=committee,
                          members=[people.other_member.pk])
    start_thread(actor=people.member, space=committee, title="Budget", body="Chiffres")
    archive_committee(actor=people.facilitator, committee=committee)
    parent_payloads = str(list(Event.objects.filter(space=people.space)
                               .values_list("kind", "payload")))
    assert "planification" not in parent_payloads and "Budget" not in parent_payloads


def test_who_sees_a_committee_in_the_space(people, committee):
    def names(user):
        return [c.name for c in committees_seen_in(user=user, space=people.space)]

    assert names(people.facilitator) == ["Comité de planification"]
    assert names(people.member) == ["Comité de planification"]
    assert names(people.other_member) == []
    assert names(people.outsider) == []
    set_committee_visibility(actor=people.facilitator, committee=committee, visible=True)
    assert names(people.other_member) == ["Comité de planification"]
    assert names(people.outsider) == []


def test_a_facilitator_of_the_space_not_in_the_committee_governs_but_does_not_read(people):
    other = Membership.objects.get(space=people.space, user=people.other_member)
    other.role = Role.FACILITATOR
    other.save()
    committee = create_committee(actor=people.facilitator, space=people.space,
                                 name="Comité restreint", members=[people.member.pk])
    from communities.access import may_read_space

    assert not may_read_space(user=people.other_member, space_id=committee.pk)
    add_committee_members(actor=people.other_member, committee=committee,
                          members=[people.other_member.pk])
    assert Membership.objects.get(space=committee, user=people.other_member).role == \
        Role.FACILITATOR
    assert may_read_space(user=people.other_member, space_id=committee.pk)


def test_my_spaces_lists_committees_under_their_space(people, committee):
    [top] = spaces_with_committees(people.member)
    assert top.space == people.space
    assert [m.space for m in top.committee_memberships] == [committee]  # type: ignore[attr-defined]
    [top] = spaces_with_committees(people.other_member)
    assert top.committee_memberships == []  # type: ignore[attr-defined]


def test_removing_an_unknown_member_is_not_found(people, committee):
    with pytest.raises(NotFound):
        remove_committee_member(actor=people.facilitator, committee=committee,
                                member=people.other_member)


def test_an_archived_committee_refuses_uploads(people, committee):
    import io

    from docs_store.models import Document
    from docs_store.services import upload_document

    archive_committee(actor=people.facilitator, committee=committee)
    committee.refresh_from_db()
    with pytest.raises(Conflict) as refusal:
        upload_document(actor=people.member, space=committee,
                        file=io.BytesIO(b"compte rendu"), file_name="cr.txt")
    assert "archivé" in str(refusal.value)
    assert not Document.objects.filter(space=committee).exists()
