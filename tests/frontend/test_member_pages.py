"""The members page: who is in the space, and what facilitators do there (invite, change a
role, remove) while members may only leave."""

from __future__ import annotations

from django.urls import reverse

from communities.models import Event, Invitation, Membership, Role
from tests.clients import Personas
from tests.conftest import People


def test_members_page_lists_name_organisation_and_role(web: Personas, people: People) -> None:
    html = web.member.get(reverse("members", args=["rma"])).content.decode()
    assert "Florence Animatrice" in html and "Ville de Laval" in html and "Animation" in html
    assert "olivier" not in html.lower()
    # A plain member sees no management forms and no email addresses.
    assert "Inviter une personne" not in html and "Changer le rôle" not in html
    assert "@exemple.qc.ca" not in html
    assert reverse("leave-space", args=["rma"]) in html


def test_facilitator_sees_management_forms(web: Personas, people: People) -> None:
    html = web.facilitator.get(reverse("members", args=["rma"])).content.decode()
    assert "Inviter une personne" in html and "Changer le rôle" in html
    assert reverse("remove-member", args=["rma", people.member.pk]) in html


def test_facilitator_invites_by_email(web: Personas, people: People, mailoutbox: list,
                                      django_capture_on_commit_callbacks) -> None:
    client = web.facilitator
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("members", args=["rma"]),
                               {"email": "Nouvelle@Exemple.qc.ca", "role": "member"})
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role) == ("nouvelle@exemple.qc.ca", "member")
    assert Event.objects.filter(kind="invitation.sent").count() == 1
    assert len(mailoutbox) == 1
    assert "nouvelle@exemple.qc.ca" in client.get(reverse("members", args=["rma"])).content.decode()


def test_refused_invitation_shows_the_service_message(web: Personas, people: People) -> None:
    client = web.facilitator
    taken = client.post(reverse("members", args=["rma"]),
                        {"email": "marc@exemple.qc.ca", "role": "member"})
    assert taken.status_code == 400
    assert "Cette personne fait déjà partie de l&#x27;espace." in taken.content.decode()
    assert 'value="marc@exemple.qc.ca"' in taken.content.decode()
    admin = client.post(reverse("members", args=["rma"]), {"email": "a@b.ca", "role": "admin"})
    assert "Seule l&#x27;administration de l&#x27;espace peut inviter" in admin.content.decode()
    assert not Invitation.objects.exists()


def test_member_cannot_invite_change_roles_or_remove(web: Personas, people: People) -> None:
    client = web.member
    refused = client.post(reverse("members", args=["rma"]), {"email": "x@y.ca", "role": "member"})
    assert refused.status_code == 403
    assert "Seules les personnes qui animent" in refused.content.decode()
    client.post(reverse("change-role", args=["rma", people.other_member.pk]),
                {f"member-{people.other_member.pk}-role": "facilitator"})
    client.post(reverse("remove-member", args=["rma", people.other_member.pk]))
    assert Membership.objects.get(user=people.other_member).role == Role.MEMBER
    assert not Invitation.objects.exists()


def test_facilitator_changes_a_role(web: Personas, people: People) -> None:
    response = web.facilitator.post(
        reverse("change-role", args=["rma", people.member.pk]),
        {f"member-{people.member.pk}-role": "facilitator"})
    assert response.status_code == 302
    assert Membership.objects.get(user=people.member).role == Role.FACILITATOR
    assert Event.objects.filter(kind="member.role_changed").count() == 1


def test_facilitator_cannot_grant_admin(web: Personas, people: People) -> None:
    response = web.facilitator.post(
        reverse("change-role", args=["rma", people.member.pk]),
        {f"member-{people.member.pk}-role": "admin"})
    assert response.status_code == 400
    assert "Seule l&#x27;administration de l&#x27;espace peut donner" in response.content.decode()
    assert Membership.objects.get(user=people.member).role == Role.MEMBER


def test_remove_asks_for_confirmation_then_removes(web: Personas, people: People) -> None:
    client = web.facilitator
    url = reverse("remove-member", args=["rma", people.member.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Retirer Marc Membre" in confirm.content.decode()
    assert Membership.objects.filter(user=people.member).exists()
    assert client.post(url).status_code == 302
    assert not Membership.objects.filter(user=people.member).exists()
    assert Event.objects.filter(kind="member.removed").count() == 1
    assert web.member.get(reverse("space", args=["rma"])).status_code == 404


def test_member_leaves_after_confirming(web: Personas, people: People) -> None:
    client = web.member
    url = reverse("leave-space", args=["rma"])
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == reverse("my-spaces")
    assert not Membership.objects.filter(user=people.member).exists()
    assert Event.objects.filter(kind="member.left").count() == 1


def test_last_facilitator_cannot_leave(web: Personas, people: People) -> None:
    response = web.facilitator.post(reverse("leave-space", args=["rma"]))
    assert response.status_code == 400
    assert "dernière personne à animer" in response.content.decode()
    assert Membership.objects.filter(user=people.facilitator).exists()
