"""One-click unsubscribe (RFC 8058): a cookie-less POST to the URL of List-Unsubscribe
unsubscribes at once, twice is the same as once, the link never expires; a GET shows a
button; the mailto address works through the inbound mail path."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from communities.models import Space
from emails import unsubscribe
from emails.models import EmailPreferences, SpaceEmailPreferences
from emails.preferences import choices_of
from tests.conftest import People
from tests.emails.helpers import path_of, send_weekly, week_of_activity
from tests.smtp import Mailbox

pytestmark = pytest.mark.django_db


def _one_click(url: str):  # type: ignore[no-untyped-def]
    # What a mail client sends: no cookie, no CSRF token, this exact body.
    return Client(enforce_csrf_checks=True).post(
        path_of(url), data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded")


def test_the_header_url_unsubscribes_from_everything_at_once(people: People,
                                                             smtp_server: Mailbox) -> None:
    week_of_activity(people)
    send_weekly([people.member.pk])
    header = smtp_server.wait_for(1)[0]["List-Unsubscribe"]
    url = header.split(",")[0].strip(" <>")

    answer = _one_click(url)

    assert answer.status_code == 200
    choices = choices_of(people.member)
    assert (choices.digest, choices.notifications) == ("off", "off")


def test_unsubscribing_twice_is_the_same_as_once(people: People) -> None:
    url = unsubscribe.links_for(user=people.member).url

    assert _one_click(url).status_code == 200
    assert _one_click(url).status_code == 200
    assert EmailPreferences.objects.filter(user=people.member, digest="off").count() == 1


def test_a_space_link_stops_only_that_space(people: People) -> None:
    url = unsubscribe.links_for(user=people.member, space=people.space).url

    _one_click(url)

    assert choices_of(people.member).digest == "weekly"
    override = SpaceEmailPreferences.objects.get(user=people.member, space=people.space)
    assert override.digest == "off" and override.notifications_muted


def test_a_get_shows_a_button_and_changes_nothing(people: People) -> None:
    url = unsubscribe.links_for(user=people.member, space=people.space).url

    page = Client().get(path_of(url))

    html = page.content.decode()
    assert page.status_code == 200
    assert "Me désabonner" in html
    assert reverse("emails:preferences") in html
    assert "Réseau Municipalités accessibles" in html
    assert not SpaceEmailPreferences.objects.exists()


def test_a_forged_or_mangled_token_is_refused_clearly(people: People) -> None:
    good = unsubscribe.token_for(user=people.member)
    forged = f"{people.other_member.pk}-0-{good.rsplit('-', 1)[1]}"

    for token in [forged, good[:-1], "abc"]:
        answer = Client().post(reverse("emails:unsubscribe", args=[token]))
        assert answer.status_code == 404
        assert "Lien de désabonnement non valide" in answer.content.decode()
    assert not EmailPreferences.objects.exists()


def test_a_deleted_space_makes_its_token_inert(people: People) -> None:
    other = Space.objects.create(slug="vs", name="Voisins solidaires")
    token = unsubscribe.token_for(user=people.member, space=other)
    other.delete()

    assert unsubscribe.from_token(token) is None


def test_the_mailto_address_unsubscribes_through_the_inbound_path(people: People,
                                                                  smtp_server: Mailbox) -> None:
    week_of_activity(people)
    send_weekly([people.member.pk])
    header = smtp_server.wait_for(1)[0]["List-Unsubscribe"]
    mailto = header.split(",")[1].strip(" <>").removeprefix("mailto:").split("?")[0]

    # Some mail systems lowercase the local part: the token survives that.
    scope = unsubscribe.from_mailto(recipient=mailto.upper().replace("LOCALHOST", "localhost"))

    assert scope is not None and scope.user == people.member and scope.space is None
    assert choices_of(people.member).digest == "off"
    assert unsubscribe.from_mailto(recipient="reply+abc@localhost") is None
    assert unsubscribe.from_mailto(recipient=mailto.replace("localhost", "ailleurs.ca")) is None


def test_after_unsubscribing_no_digest_goes_out(people: People, smtp_server: Mailbox) -> None:
    week_of_activity(people)
    _one_click(unsubscribe.links_for(user=people.member).url)

    send_weekly([people.member.pk])

    assert smtp_server.received == []


def test_writing_to_the_mailto_of_a_digest_unsubscribes_through_inbound_mail(
        people: People, smtp_server: Mailbox) -> None:
    from replies.inbound import receive_mail

    week_of_activity(people)
    send_weekly([people.member.pk])
    header = smtp_server.wait_for(1)[0]["List-Unsubscribe"]
    address = header.split(",")[1].strip(" <>").removeprefix("mailto:").split("?")[0]
    raw = (f"From: someone@ailleurs.ca\r\nTo: {address}\r\nSubject: unsubscribe\r\n"
           "Message-ID: <u1@ailleurs.ca>\r\n\r\nunsubscribe\r\n").encode()

    [handled] = receive_mail(raw=raw, recipients=[address])

    assert handled.outcome == "unsubscribed"
    assert choices_of(people.member).digest == "off"
