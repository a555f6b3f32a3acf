"""An invitation whose email the mail server refused is saved, said to be unsent, and can be
sent again with a fresh link; nothing of it turns into an error page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from communities.errors import Conflict, Forbidden, NotFound, ServiceError
from communities.models import Invitation, Role
from communities.services.spaces import (
    accept_invitation,
    invitation_for_token,
    invite_member,
    resend_invitation,
)
from tests.clients import client_for
from tests.conftest import People
from tests.smtp import Mailbox

pytestmark = pytest.mark.django_db

INVITED = "nouvelle@exemple.qc.ca"


# Committed for real, as in production: the email is sent when the invitation commits, before
# the page answers, so the page can say it did not leave.
@pytest.mark.django_db(transaction=True)
def test_a_refused_invitation_email_is_said_on_the_page_and_resent_with_a_new_link(
        people: People, smtp_server: Mailbox) -> None:
    facilitator = client_for(people.facilitator)
    members = reverse("members", args=[people.space.slug])
    smtp_server.refuse(1, "550 5.7.1 Relais refusé")
    response = facilitator.post(members, {"email": INVITED, "role": "member"}, follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "le courriel n&#x27;a pas pu partir" in page
    assert "Le courriel n'a pas pu partir." in page  # beside the pending invitation
    invitation = Invitation.objects.get(space=people.space, email=INVITED)
    assert invitation.email_failed_at is not None
    assert smtp_server.received == []

    response = facilitator.post(
        reverse("resend-invitation", args=[people.space.slug, invitation.pk]), follow=True)
    assert "Invitation envoyée à nouvelle@exemple.qc.ca." in response.content.decode()
    [message] = smtp_server.wait_for(1)
    assert message["To"] == INVITED
    invitation.refresh_from_db()
    assert invitation.email_failed_at is None
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    token = body.get_content().split("/invitation/")[1].split("/")[0]
    assert invitation_for_token(token).pk == invitation.pk


def test_resending_replaces_the_link_and_renews_the_delay(
        people: People, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = invite_member(actor=people.facilitator, space=people.space, email=INVITED)
    Invitation.objects.filter(pk=first.invitation.pk).update(
        expires_at=timezone.now() + timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        again = resend_invitation(actor=people.facilitator, invitation=first.invitation)
    with pytest.raises(NotFound):
        invitation_for_token(first.token)
    assert invitation_for_token(again.token).expires_at > timezone.now() + timedelta(days=13)
    membership = accept_invitation(raw_token=again.token, display_name="Nadia Nouvelle",
                                   password="un mot de passe assez long")
    assert membership.space == people.space
    with pytest.raises(Conflict):
        resend_invitation(actor=people.facilitator, invitation=first.invitation)


def test_an_expired_invitation_is_not_revived(people: People,
                                              django_capture_on_commit_callbacks: Any) -> None:
    """Removing someone expires their pending invitations; resending one would let them back."""
    with django_capture_on_commit_callbacks(execute=True):
        sent = invite_member(actor=people.facilitator, space=people.space, email=INVITED)
    Invitation.objects.filter(pk=sent.invitation.pk).update(expires_at=timezone.now())
    with pytest.raises(ServiceError) as refused:
        resend_invitation(actor=people.facilitator, invitation=sent.invitation)
    assert refused.value.status == 410
    url = reverse("resend-invitation", args=[people.space.slug, sent.invitation.pk])
    page = client_for(people.facilitator).post(url, follow=True).content.decode()
    assert "Cette invitation a expiré : invitez la personne de nouveau." in page
    sent.invitation.refresh_from_db()
    assert sent.invitation.expires_at <= timezone.now()


def test_a_facilitator_cannot_resend_an_admin_invitation(
        people: People, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        sent = invite_member(actor=people.staff, space=people.space, email=INVITED,
                             role=Role.ADMIN)
    with pytest.raises(Forbidden):
        resend_invitation(actor=people.facilitator, invitation=sent.invitation)
    invitation_for_token(sent.token)  # untouched


def test_only_the_people_who_run_the_space_may_resend(
        people: People, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        sent = invite_member(actor=people.facilitator, space=people.space, email=INVITED)
    with pytest.raises(Forbidden):
        resend_invitation(actor=people.member, invitation=sent.invitation)
    url = reverse("resend-invitation", args=[people.space.slug, sent.invitation.pk])
    assert client_for(people.member).post(url).status_code == 403
    assert client_for(people.outsider).post(url).status_code == 404
    assert client_for(people.facilitator).get(url).status_code == 405
    invitation_for_token(sent.token)  # still the link that was sent
