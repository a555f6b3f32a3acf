"""Profile pages, the directory, the contact form and the member list export, as members use
them: what they show, what they refuse (in French, keeping what was typed)."""

from __future__ import annotations

import csv
import html
import io

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from communities.models import ExpertiseTag, MemberKind, Role, User
from communities.services.profiles import ProfileInput, update_profile
from communities.services.spaces import add_member
from tests.clients import Personas, client_for
from tests.communities.test_profile_photos import photo_with_gps, png_bomb
from tests.conftest import People, make_user
from tests.docs_store.conftest import Backend, fs_backend  # noqa: F401
from tests.smtp import Mailbox

pytestmark = pytest.mark.django_db


def _form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "display_name": "Marc Bélanger", "organisation": "Ville de Laval", "title": "Conseiller",
        "kind": "municipal_staff", "municipality": "Laval", "mrc": "", "region": "13",
        "other_expertise": "Loisirs, Parcs", "bio": "Bonjour.", "language": "fr-ca"}
    data.update(changes)
    return data


def _text(response: object) -> str:
    return html.unescape(response.content.decode())  # type: ignore[attr-defined]


def test_editing_my_profile_with_a_photo_shows_it_to_my_space(
        people: People, web: Personas, fs_backend: Backend) -> None:  # noqa: F811 (fixture imported above)
    photo = io.BytesIO(photo_with_gps())
    photo.name = "moi.jpg"
    answer = web.member.post(reverse("profile-edit"), {**_form(), "photo": photo})
    assert answer.status_code == 302, _text(answer)
    member = User.objects.get(pk=people.member.pk)
    assert member.photo and member.region == "13"
    page = _text(web.other_member.get(reverse("profile", args=[member.pk])))
    assert "Marc Bélanger" in page and "Laval" in page and "Loisirs" in page
    img_url = page.split('class="avatar avatar-large" src="')[1].split('"')[0]
    image = web.other_member.get(img_url)
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert "private" in image["Cache-Control"]
    body = b"".join(image.streaming_content)  # type: ignore[attr-defined]
    assert Image.open(io.BytesIO(body)).size == (512, 512) and b"Appareil-Secret" not in body
    assert fs_backend.keys() == [member.photo]


@pytest.mark.parametrize(("changes", "upload", "expected"), [
    ({"region": "99"}, None, "17 régions administratives du Québec"),
    ({"other_expertise": "x" * 10_000}, None, "au plus 10 domaines"),
    ({}, ("bombe.png", png_bomb(20_000)), "trop de pixels"),
    ({}, ("photo.jpg", b"%PDF-1.7 pas une image"), "n'est pas une image reconnue"),
])
def test_bad_input_is_refused_in_french_and_what_was_typed_stays(
        people: People, web: Personas, changes: dict[str, object],
        upload: tuple[str, bytes] | None, expected: str) -> None:
    data = _form(title="Conseillère principale", **changes)
    if upload:
        data["photo"] = io.BytesIO(upload[1])
        data["photo"].name = upload[0]  # type: ignore[attr-defined]
    answer = web.member.post(reverse("profile-edit"), data)
    assert answer.status_code == 400
    text = _text(answer)
    assert expected in text
    assert 'value="Conseillère principale"' in text and 'value="Marc Bélanger"' in text
    assert "Bonjour." in text
    member = User.objects.get(pk=people.member.pk)
    assert member.title == "" and not member.photo  # nothing half-saved


def test_the_directory_finds_people_whatever_the_accents(people: People,
                                                         web: Personas) -> None:
    update_profile(actor=people.member, user=people.member,
                   data=ProfileInput(display_name="Marc Bélanger", organisation="Ville de Laval",
                                     region="13", kind=MemberKind.ELECTED))
    for typed in ["Bélanger", "belanger", "BELANGER", "belanger laval"]:
        page = _text(web.other_member.get(reverse("directory"), {"q": typed}))
        assert "Marc Bélanger" in page, typed
        assert "Florence Animatrice" not in page
    space_page = _text(web.other_member.get(reverse("space-directory", args=["rma"]),
                                            {"q": "belanger"}))
    assert "Marc Bélanger" in space_page


def test_the_directory_filters_by_region_kind_organisation_and_expertise(
        people: People, web: Personas) -> None:
    tag = ExpertiseTag.objects.create(name="Déneigement", listed=True)
    update_profile(actor=people.member, user=people.member,
                   data=ProfileInput(display_name="Marc Membre", organisation="Ville de Laval",
                                     region="13", kind=MemberKind.ELECTED,
                                     expertise=["Déneigement"]))
    url = reverse("directory")
    for query in [{"region": "13"}, {"kind": "elected"}, {"organisation": "Ville de Laval"},
                  {"expertise": str(tag.pk)}]:
        page = _text(web.other_member.get(url, query))
        assert "Marc Membre" in page and "Florence Animatrice" not in page, query
    bad = web.other_member.get(url, {"region": "99"})
    assert bad.status_code == 400 and "Marc Membre" not in _text(bad)


def test_emails_show_to_facilitators_and_staff_or_when_the_member_chose(
        people: People, web: Personas) -> None:
    url = reverse("profile", args=[people.member.pk])
    assert people.member.email in _text(web.facilitator.get(url))
    assert people.member.email in _text(web.staff.get(url))
    assert people.member.email not in _text(web.other_member.get(url))
    update_profile(actor=people.member, user=people.member,
                   data=ProfileInput(display_name="Marc Membre", email_visible=True))
    assert people.member.email in _text(web.other_member.get(url))


def test_the_contact_form_writes_without_revealing_the_address_and_is_limited(
        people: People, web: Personas, smtp_server: Mailbox, settings: object) -> None:
    settings.CONTACT_RATE_LIMIT = 2  # type: ignore[attr-defined]
    url = reverse("profile-contact", args=[people.member.pk])
    form = _text(web.other_member.get(url))
    assert people.member.email not in form
    for n in range(2):
        sent = web.other_member.post(url, {"subject": f"Déneigement {n}", "body": "Bonjour !"})
        assert sent.status_code == 302
    [first, _second] = smtp_server.wait_for(2)
    assert first["To"] == people.member.email
    plain = first.get_body(("plain",))
    assert plain is not None and people.other_member.email in plain.get_content()
    refused = web.other_member.post(url, {"subject": "Encore", "body": "Texte gardé"})
    assert refused.status_code == 429
    assert "Texte gardé" in _text(refused) and "dans la dernière heure" in _text(refused)


def test_an_empty_contact_message_is_refused_and_keeps_the_subject(
        people: People, web: Personas) -> None:
    answer = web.other_member.post(reverse("profile-contact", args=[people.member.pk]),
                                   {"subject": "Question", "body": "  "})
    assert answer.status_code == 400
    assert "Écrivez votre message." in _text(answer) and 'value="Question"' in _text(answer)


def test_facilitators_export_the_member_list_safe_for_spreadsheets(people: People,
                                                                   web: Personas) -> None:
    update_profile(actor=people.member, user=people.member,
                   data=ProfileInput(display_name="=HYPERLINK(\"http://x\")",
                                     organisation="Ville de Laval", municipality="Laval",
                                     region="13", kind=MemberKind.ELECTED))
    url = reverse("members-csv", args=["rma"])
    assert web.member.get(url).status_code == 404
    answer = web.facilitator.get(url)
    assert answer.status_code == 200 and "attachment" in answer["Content-Disposition"]
    text = answer.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Nom", "Organisation", "Municipalité", "Région administrative",
                       "Type de membre", "Membre depuis le"]
    marc = next(row for row in rows if "HYPERLINK" in row[0])
    assert marc[0].startswith("'=") and marc[1:5] == ["Ville de Laval", "Laval", "Laval",
                                                     "personne élue"]


def test_the_global_search_has_a_people_section(people: People, web: Personas) -> None:
    page = _text(web.other_member.get(reverse("search"), {"q": "membre"}))
    assert "Personnes" in page and "Marc Membre" in page
    outsider = _text(web.outsider.get(reverse("search"), {"q": "membre"}))
    assert "Marc Membre" not in outsider


def test_the_invitation_sign_up_keeps_the_profile_typed_on_error(people: People) -> None:
    from communities.services.spaces import invite_member

    sent = invite_member(actor=people.facilitator, space=people.space,
                         email="nadia@exemple.qc.ca")
    url = reverse("accept-invitation", args=[sent.token])
    typed = {"display_name": "Nadia Nouvelle", "organisation": "MRC de Memphrémagog",
             "municipality": "Magog", "region": "99", "kind": "partner",
             "password": "un-mot-de-passe-solide-7",
             "password_confirmation": "un-mot-de-passe-solide-7"}
    refused = Client().post(url, typed)
    assert refused.status_code == 400
    text = _text(refused)
    assert "17 régions administratives du Québec" in text
    assert 'value="MRC de Memphrémagog"' in text and 'value="Magog"' in text
    assert not User.objects.filter(email="nadia@exemple.qc.ca").exists()
    accepted = Client().post(url, {**typed, "region": "05"})
    assert accepted.status_code == 302
    nadia = User.objects.get(email="nadia@exemple.qc.ca")
    assert (nadia.organisation, nadia.municipality, nadia.region, nadia.kind) == (
        "MRC de Memphrémagog", "Magog", "05", "partner")


def test_the_members_page_links_each_person_to_their_profile(people: People,
                                                             web: Personas) -> None:
    page = _text(web.member.get(reverse("members", args=["rma"])))
    assert f'href="{reverse("profile", args=[people.other_member.pk])}"' in page
    assert 'class="avatar avatar-small"' in page


def test_someone_who_joins_later_becomes_visible_and_leaves_invisible(people: People) -> None:
    newcomer = make_user("nouvelle@exemple.qc.ca", "Nouvelle Venue")
    client = client_for(newcomer)
    url = reverse("profile", args=[people.member.pk])
    assert client.get(url).status_code == 404
    add_member(actor=people.facilitator, space=people.space, user=newcomer, role=Role.MEMBER)
    assert client.get(url).status_code == 200


def test_messages_and_meeting_answers_show_the_author_s_photo(
        people: People, web: Personas, talk: dict, fs_backend: Backend) -> None:  # noqa: F811
    from django.test import TestCase

    from communities.services.profiles import set_photo
    from meetings.models import Answer
    from meetings.services.rsvp import answer_meeting
    from tests.meetings.conftest import schedule

    with TestCase.captureOnCommitCallbacks(execute=True):
        set_photo(actor=people.member, user=people.member, upload=io.BytesIO(photo_with_gps()))
    member = User.objects.get(pk=people.member.pk)
    photo = reverse("profile-photo", args=[member.pk, member.photo.rsplit("/", 1)[-1][:-4]])
    thread = _text(web.other_member.get(reverse("thread", args=["rma", talk["access"].thread_id])))
    assert f'<img class="avatar avatar-small" src="{photo}"' in thread
    meeting = schedule(people)
    answer_meeting(actor=member, meeting=meeting, answer=Answer.YES)
    page = _text(web.other_member.get(reverse("meeting", args=["rma", meeting.pk])))
    assert f'src="{photo}"' in page


def test_the_profile_directory_and_edit_pages_are_complete_in_english(
        people: People, web: Personas) -> None:
    client = web.other_member
    client.cookies["django_language"] = "en"
    update_profile(actor=people.member, user=people.member, data=ProfileInput(
        display_name="Marc Membre", region="13", kind=MemberKind.ELECTED))
    profile = _text(client.get(reverse("profile", args=[people.member.pk])))
    assert "Write through the platform" in profile and "Elected official" in profile
    directory = _text(client.get(reverse("directory")))
    assert "Directory of the members of my spaces" in directory
    assert "Search for people" in directory and "All regions" in directory
    edit = _text(client.get(reverse("profile-edit")))
    for english in ["Who I am", "Where I work", "What I know", "Save my profile",
                    "Show my email address to the members of my spaces"]:
        assert english in edit, english
    refused = _text(client.post(reverse("profile-edit"), _form(region="99")))
    assert "not one of Quebec's 17 administrative regions" in refused


def test_mention_suggestions_carry_the_avatar(people: People, fs_backend: Backend) -> None:  # noqa: F811
    from django.test import TestCase

    from communities.services.profiles import set_photo
    from frontend.queries import mention_candidates

    with TestCase.captureOnCommitCallbacks(execute=True):
        set_photo(actor=people.member, user=people.member, upload=io.BytesIO(photo_with_gps()))
    found = {c["id"]: c for c in mention_candidates(people.space)}
    assert str(found[people.member.pk]["photo"]).startswith(f"/personnes/{people.member.pk}/")
    assert found[people.other_member.pk]["photo"] == ""
    assert found[people.other_member.pk]["initials"] == "NM"


def test_directory_cards_link_the_address_only_when_it_may_be_seen(
        people: People, web: Personas) -> None:
    url = reverse("directory")
    as_member = _text(web.other_member.get(url))
    assert people.member.email not in as_member
    assert reverse("profile-contact", args=[people.member.pk]) in as_member
    assert f'href="mailto:{people.member.email}"' in _text(web.facilitator.get(url))
    update_profile(actor=people.member, user=people.member,
                   data=ProfileInput(display_name="Marc Membre", email_visible=True))
    assert f'href="mailto:{people.member.email}"' in _text(web.other_member.get(url))
    assert people.facilitator.email not in _text(web.other_member.get(url))


def test_the_directory_page_costs_the_same_queries_for_3_or_15_people(
        people: People, web: Personas) -> None:
    from tests.queries import queries_of

    client = web.facilitator
    client.get(reverse("directory"))  # session and language settled
    few = queries_of(lambda: client.get(reverse("directory")))
    for n in range(12):
        newcomer = make_user(f"personne{n}@exemple.qc.ca", f"Personne {n}",
                             organisation=f"Ville {n}")
        add_member(actor=people.facilitator, space=people.space, user=newcomer,
                   role=Role.MEMBER)
        update_profile(actor=newcomer, user=newcomer, data=ProfileInput(
            display_name=f"Personne {n}", expertise=[f"Domaine {n}"]))
    many = queries_of(lambda: client.get(reverse("directory")))
    assert many == few, (few, many)
    assert few <= 12, few
