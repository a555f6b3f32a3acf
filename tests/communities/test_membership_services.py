"""Invitations, leaving, removal and roles: who may do what, and what everyone is told."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from communities.errors import Conflict, Forbidden, NotFound, ServiceError
from communities.models import Event, Invitation, Membership, Role, User
from communities.services.discussion import post_message, start_thread
from communities.services.spaces import (
    accept_invitation,
    change_role,
    invite_member,
    leave_space,
    remove_member,
)
from tests.clients import client_for
from tests.events_helper import verify_space_action


def test_a_facilitator_invites_by_email_and_the_link_creates_the_account(people):
    sent, events = verify_space_action(
        "rma",
        lambda: invite_member(actor=people.facilitator, space=people.space,
                              email=" Nouvelle@Exemple.qc.ca ", role=Role.MEMBER),
        kinds=["invitation.sent"],
    )
    assert "email" not in str(events[0].payload)  # every member reads the space stream
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nouvelle@exemple.qc.ca"]
    assert sent.token in mail.outbox[0].body
    assert "Réseau Municipalités accessibles" in mail.outbox[0].subject

    membership, _ = verify_space_action(
        "rma",
        lambda: accept_invitation(raw_token=sent.token, display_name="Nadia Nouvelle",
                                  password="un-mot-de-passe-solide"),
        kinds=["member.joined"],
    )
    assert membership.user.email == "nouvelle@exemple.qc.ca"
    assert membership.user.check_password("un-mot-de-passe-solide")


def test_an_invitation_works_once(people):
    sent = invite_member(actor=people.facilitator, space=people.space,
                         email="olivier@exemple.qc.ca")
    accept_invitation(raw_token=sent.token, user=people.outsider)
    with pytest.raises(ServiceError) as refusal:
        accept_invitation(raw_token=sent.token, user=people.staff)
    assert refusal.value.code == "invitation_used"
    assert not Membership.objects.filter(user=people.staff).exists()


def test_an_invitation_expires_after_14_days(people):
    sent = invite_member(actor=people.facilitator, space=people.space, email="x@exemple.qc.ca")
    assert sent.invitation.expires_at - timezone.now() > timedelta(days=13, hours=23)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ServiceError) as refusal:
        accept_invitation(raw_token=sent.token, display_name="X", password="mot-de-passe-42x")
    assert refusal.value.code == "invitation_expired"
    assert "expiré" in str(refusal.value)


def test_an_unknown_token_is_refused_clearly(people):
    with pytest.raises(NotFound):
        accept_invitation(raw_token="pas-un-jeton", user=people.outsider)


def test_a_weak_password_is_refused_and_no_account_is_left(people):
    sent = invite_member(actor=people.facilitator, space=people.space, email="x@exemple.qc.ca")
    with pytest.raises(ServiceError):
        accept_invitation(raw_token=sent.token, display_name="X", password="123")
    assert not User.objects.filter(email="x@exemple.qc.ca").exists()
    assert Invitation.objects.get().accepted_at is None


def test_an_existing_account_must_sign_in_to_accept(people):
    sent = invite_member(actor=people.facilitator, space=people.space,
                         email="olivier@exemple.qc.ca")
    with pytest.raises(Conflict):
        accept_invitation(raw_token=sent.token, display_name="O", password="mot-de-passe-42x")


def test_members_cannot_invite_and_bad_addresses_are_refused(people):
    with pytest.raises(Forbidden):
        invite_member(actor=people.member, space=people.space, email="x@exemple.qc.ca")
    with pytest.raises(ServiceError) as refusal:
        invite_member(actor=people.facilitator, space=people.space, email="pas une adresse")
    assert "invalide" in str(refusal.value)
    with pytest.raises(Conflict):
        invite_member(actor=people.facilitator, space=people.space, email=people.member.email)
    assert Invitation.objects.count() == 0 and Event.objects.count() == 0


def test_only_an_admin_invites_an_admin(people):
    with pytest.raises(Forbidden):
        invite_member(actor=people.facilitator, space=people.space, email="a@exemple.qc.ca",
                      role=Role.ADMIN)
    invite_member(actor=people.staff, space=people.space, email="a@exemple.qc.ca",
                  role=Role.ADMIN)


def test_a_member_leaves_and_can_no_longer_post(people):
    thread = start_thread(actor=people.member, space=people.space, title="T", body="a").thread
    verify_space_action("rma", lambda: leave_space(actor=people.member, space=people.space),
                        kinds=["member.left", "membership.ended"])
    with pytest.raises(Forbidden):
        post_message(actor=people.member, thread=thread, body="encore")


def test_the_last_facilitator_cannot_leave(people):
    with pytest.raises(Conflict) as refusal:
        leave_space(actor=people.facilitator, space=people.space)
    assert "dernière" in str(refusal.value)
    assert Membership.objects.filter(user=people.facilitator).exists()


def test_a_facilitator_removes_a_member(people):
    verify_space_action(
        "rma", lambda: remove_member(actor=people.facilitator, space=people.space,
                                     member=people.member),
        kinds=["member.removed", "membership.ended"])
    assert not Membership.objects.filter(user=people.member, space=people.space).exists()


def test_a_member_cannot_remove_anyone(people):
    with pytest.raises(Forbidden):
        remove_member(actor=people.member, space=people.space, member=people.other_member)
    with pytest.raises(NotFound):
        remove_member(actor=people.facilitator, space=people.space, member=people.outsider)


def test_roles_change_through_facilitators_and_everyone_sees_it(people):
    verify_space_action(
        "rma", lambda: change_role(actor=people.facilitator, space=people.space,
                                   member=people.member, role=Role.FACILITATOR),
        kinds=["member.role_changed"])
    with pytest.raises(Forbidden):
        change_role(actor=people.other_member, space=people.space, member=people.member,
                    role=Role.MEMBER)
    with pytest.raises(Forbidden):
        change_role(actor=people.facilitator, space=people.space, member=people.member,
                    role=Role.ADMIN)
    with pytest.raises(ServiceError):
        change_role(actor=people.facilitator, space=people.space, member=people.member,
                    role="reine")


def test_the_space_keeps_at_least_one_facilitator(people):
    with pytest.raises(Conflict):
        change_role(actor=people.facilitator, space=people.space, member=people.facilitator,
                    role=Role.MEMBER)


def test_a_thread_and_its_replies_rebuild_the_same_state_as_a_fresh_fetch(people):
    posted, _ = verify_space_action(
        "rma", lambda: start_thread(actor=people.member, space=people.space, title="Rampes",
                                    body="Des *exemples* ?"),
        kinds=["thread.created"])
    verify_space_action(
        "rma", lambda: post_message(actor=people.facilitator, thread=posted.thread,
                                    body="Voir https://exemple.qc.ca"),
        kinds=["message.created"])


def test_staff_deactivate_an_account_from_the_admin(people):
    from communities.models import ApiToken

    ApiToken.objects.create(user=people.member, key_hash="x" * 64)
    people.staff.is_superuser = True
    people.staff.save()
    answer = client_for(people.staff).post("/admin/communities/user/", {
        "action": "deactivate", "_selected_action": [people.member.pk]})
    assert answer.status_code == 302
    people.member.refresh_from_db()
    assert not people.member.is_active
    assert not ApiToken.objects.filter(user=people.member).exists()
    assert Event.objects.filter(kind="account.deactivated", owner=people.member).exists()


def test_a_removed_member_cannot_come_back_through_an_earlier_invitation(people):
    first = invite_member(actor=people.facilitator, space=people.space,
                          email="olivier@exemple.qc.ca")
    second = invite_member(actor=people.facilitator, space=people.space,
                           email="olivier@exemple.qc.ca")  # sent twice, as happens
    accept_invitation(raw_token=first.token, user=people.outsider)
    remove_member(actor=people.facilitator, space=people.space, member=people.outsider)
    assert not Invitation.objects.get(pk=second.invitation.pk).is_usable
