"""The committee pages without JavaScript: create with members of the space, a refusal that
keeps what was typed, add and remove members, show, archive and unarchive; the archived
committee refuses posts with a clear French message."""

from __future__ import annotations

from html import unescape

from django.urls import reverse

from communities.models import Membership, Space
from communities.services.committees import create_committee


def test_a_facilitator_creates_a_committee_from_the_form(people, web):
    answer = web.facilitator.post(reverse("committees", args=["rma"]), {
        "name": "Comité de planification", "description": "Prépare les rencontres",
        "members": [people.member.pk, people.other_member.pk]})
    committee = Space.objects.get(parent=people.space)
    assert answer.status_code == 302
    assert answer["Location"] == reverse("committee-manage", args=["rma", committee.slug])
    assert set(Membership.objects.filter(space=committee).values_list("user_id", flat=True)) \
        == {people.facilitator.pk, people.member.pk, people.other_member.pk}
    page = unescape(web.member.get(reverse("space", args=[committee.slug])).content.decode())
    assert "Comité privé de l'espace Réseau Municipalités accessibles" in page


def test_a_refused_creation_keeps_what_was_typed(people, web):
    answer = web.facilitator.post(reverse("committees", args=["rma"]), {
        "name": "Comité vert", "description": "Texte gardé",
        "members": [people.member.pk, people.outsider.pk]})
    page = unescape(answer.content.decode())
    assert answer.status_code == 400
    assert "ne font pas partie" in page or "n'en font pas partie" in page
    assert 'value="Comité vert"' in page and "Texte gardé" in page
    assert not Space.objects.filter(parent=people.space).exists()


def test_an_empty_name_is_refused_in_french(people, web):
    answer = web.facilitator.post(reverse("committees", args=["rma"]), {"name": "  "})
    assert answer.status_code == 400
    assert "Donnez un nom au comité" in unescape(answer.content.decode())


def test_a_member_sees_no_creation_form_and_cannot_post_one(people, web):
    page = unescape(web.member.get(reverse("committees", args=["rma"])).content.decode())
    assert "Créer le comité" not in page
    answer = web.member.post(reverse("committees", args=["rma"]), {"name": "Comité pirate"})
    assert answer.status_code == 403
    assert "animent" in unescape(answer.content.decode())
    assert not Space.objects.filter(parent=people.space).exists()


def test_the_governing_page_adds_removes_shows_and_archives(people, web):
    committee = create_committee(actor=people.facilitator, space=people.space,
                                 name="Comité de planification")
    base = ["rma", committee.slug]
    assert web.facilitator.post(reverse("committee-add-members", args=base),
                                {"members": [people.member.pk]}).status_code == 302
    assert Membership.objects.filter(space=committee, user=people.member).exists()
    refused = web.facilitator.post(reverse("committee-add-members", args=base),
                                   {"members": [people.outsider.pk]})
    assert refused.status_code == 400
    assert "Rien n'a été changé" in unescape(refused.content.decode())
    assert web.facilitator.post(reverse("committee-visibility", args=base),
                                {"visible": "1"}).status_code == 302
    assert "Comité de planification" in unescape(web.other_member.get(
        reverse("committees", args=["rma"])).content.decode())
    assert web.facilitator.post(reverse("committee-archive", args=base),
                                {"action": "archive"}).status_code == 302
    page = unescape(web.member.get(reverse("space", args=[committee.slug])).content.decode())
    assert "Ce comité est archivé." in page
    refused = web.member.post(reverse("space", args=[committee.slug]),
                              {"title": "Encore", "body": "Un mot"})
    assert refused.status_code == 400 and "archivé" in unescape(refused.content.decode())
    assert web.facilitator.post(reverse("committee-archive", args=base),
                                {"action": "unarchive"}).status_code == 302
    assert web.facilitator.post(
        reverse("committee-remove-member", args=[*base, people.member.pk])).status_code == 302
    assert not Membership.objects.filter(space=committee, user=people.member).exists()


def test_a_committee_member_who_does_not_facilitate_cannot_govern(people, web):
    committee = create_committee(actor=people.facilitator, space=people.space,
                                 name="Comité de planification", members=[people.member.pk])
    for name in ("committee-manage",):
        assert web.member.get(reverse(name, args=["rma", committee.slug])).status_code == 404
    assert web.member.post(reverse("committee-archive", args=["rma", committee.slug]),
                           {"action": "archive"}).status_code == 404
    committee.refresh_from_db()
    assert committee.archived_at is None


def test_my_spaces_lists_the_committee_under_its_space(people, web):
    committee = create_committee(actor=people.facilitator, space=people.space,
                                 name="Comité de planification", members=[people.member.pk])
    page = unescape(web.member.get(reverse("my-spaces")).content.decode())
    assert page.index("Réseau Municipalités accessibles") < page.index("Comité de planification")
    assert reverse("space", args=[committee.slug]) in page
    assert page.count('class="card home-space"') == 1  # inside its space's card


def test_a_committee_members_page_offers_no_email_invitation(people, web):
    committee = create_committee(actor=people.facilitator, space=people.space,
                                 name="Comité de planification", members=[people.member.pk])
    page = unescape(web.facilitator.get(reverse("members", args=[committee.slug]))
                    .content.decode())
    assert "Envoyer l'invitation" not in page
    assert "sur la page des comités de l'espace" in page
    refused = web.facilitator.post(reverse("members", args=[committee.slug]),
                                   {"email": "x@exemple.qc.ca", "role": "member"})
    assert refused.status_code == 400
    assert "On n'invite pas dans un comité par courriel" in unescape(refused.content.decode())
