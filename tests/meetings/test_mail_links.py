"""Meeting emails are notifications like the others: over real SMTP, every link is the
recipient's join-back link (a GET uses nothing, "Continuer" signs the right member in and lands
on the meeting, the RSVP buttons record the answer), the one-click unsubscribe headers are there
and honoured, all links of a send are stored in one INSERT, and the .ics parts are untouched."""

from __future__ import annotations

import re
from email.message import EmailMessage

import pytest
from django.test import Client, TestCase
from django.urls import reverse

from emails import preferences
from emails.models import JoinLink
from meetings.mail import MailKind, send_meeting_mail
from meetings.models import Meeting, ReminderDelivery, Rsvp
from meetings.services.reminders import send_due_reminders
from meetings.services.scheduling import cancel_meeting
from tests.conftest import People
from tests.emails.helpers import JOIN_LINK, html_of, join_links, path_of, text_of
from tests.meetings.conftest import schedule
from tests.meetings.test_reminders import due_meeting
from tests.queries import count_queries
from tests.smtp import Mailbox

pytestmark = pytest.mark.django_db

ANY_URL = re.compile(r"https?://[^\s\"'<>]+")


def _labelled(text: str, label: str) -> str:
    """The URL on the plain-text line ``<label> : <url>``."""
    found = re.search(rf"^(?:- )?{re.escape(label)}\s*:\s*(\S+?)\s*$", text, re.MULTILINE)
    assert found, f"no line {label!r} in:\n{text}"
    return found[1]


def _continue(client: Client, path: str):  # type: ignore[no-untyped-def]
    page = client.get(path)
    assert page.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token, page.content.decode()
    return client.post(path, {"csrfmiddlewaretoken": token[1]})


def _invitation(people: People, smtp_server: Mailbox) -> tuple[Meeting, EmailMessage]:
    with TestCase.captureOnCommitCallbacks(execute=True):
        meeting = schedule(people, invitees=[people.member])
    [message] = smtp_server.wait_for(1)
    return meeting, message


def _non_join_links(text: str) -> set[str]:
    """Links that are neither join-back links nor the unsubscribe link (nor the meeting's own
    video link, which is the organiser's, not ours)."""
    return {url for url in ANY_URL.findall(text)
            if not JOIN_LINK.fullmatch(url) and "/courriel/desabonnement/" not in url
            and not url.startswith("https://zoom.us/")}


def test_every_link_of_an_invitation_is_a_join_back_link(people: People,
                                                          smtp_server: Mailbox) -> None:
    meeting, message = _invitation(people, smtp_server)
    text, html = text_of(message), html_of(message)

    assert _non_join_links(text) == set()
    hrefs = set(re.findall(r'href="([^"]+)"', html))
    assert {h for h in hrefs if not JOIN_LINK.fullmatch(h)} == {
        meeting.video_url, _labelled(text, "Ne plus recevoir de courriels de cet espace")}
    # Meeting page, yes / no / maybe, the space's meetings, the preferences: six links, the
    # same in both parts, each bound to Marc.
    assert len(join_links(text)) == 6
    assert set(join_links(text)) <= hrefs
    links = JoinLink.objects.filter(user=people.member)
    assert links.count() == 6
    page = reverse("meeting", args=[people.space.slug, meeting.pk])
    assert sorted(link.target for link in links) == sorted(
        [page] * 4 + [reverse("meetings", args=[people.space.slug]),
                      reverse("emails:preferences")])
    assert sorted(link.action for link in links if link.action) == [
        f"rsvp:{answer}:{meeting.pk}" for answer in ("maybe", "no", "yes")]


def test_the_meeting_link_signs_the_member_in_only_on_continue(people: People,
                                                               smtp_server: Mailbox) -> None:
    meeting, message = _invitation(people, smtp_server)
    path = path_of(_labelled(text_of(message), "Voir la rencontre"))
    client = Client(enforce_csrf_checks=True)

    for _ in range(2):  # a mail scanner, then the person
        assert client.get(path).status_code == 200
    assert "_auth_user_id" not in client.session
    assert not JoinLink.objects.filter(used_at__isnull=False).exists()

    landed = _continue(client, path)

    page = reverse("meeting", args=[people.space.slug, meeting.pk])
    assert landed.status_code == 302 and landed["Location"] == page
    assert client.session["_auth_user_id"] == str(people.member.pk)
    shown = client.get(page)
    assert shown.status_code == 200 and meeting.title in shown.content.decode()
    assert Rsvp.objects.filter(meeting=meeting, user=people.member).count() == 0  # landed only
    assert Client(enforce_csrf_checks=True).get(path).status_code == 410  # used up


def test_the_yes_button_records_the_answer(people: People, smtp_server: Mailbox) -> None:
    meeting, message = _invitation(people, smtp_server)
    path = path_of(_labelled(text_of(message), "Oui"))
    client = Client(enforce_csrf_checks=True)
    assert "Votre réponse « oui »" in client.get(path).content.decode()

    landed = _continue(client, path)

    assert landed["Location"] == reverse("meeting", args=[people.space.slug, meeting.pk])
    assert Rsvp.objects.get(meeting=meeting, user=people.member).answer == "yes"


def test_one_click_unsubscribe_headers_and_an_unchanged_request(
        people: People, smtp_server: Mailbox) -> None:
    meeting, message = _invitation(people, smtp_server)

    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    https, mailto = re.findall(r"<([^>]+)>", str(message["List-Unsubscribe"]))
    assert https.startswith("http") and "/courriel/desabonnement/" in https
    assert mailto.startswith("mailto:unsubscribe+") and mailto.endswith("?subject=unsubscribe")
    assert message["Message-ID"] and message["Date"]
    calendars = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert calendars[0].get_param("method") == "REQUEST"
    assert "METHOD:REQUEST" in calendars[0].get_content()
    # The calendar entry keeps the plain meeting URL: it is filed and shared, never a token.
    assert f"/espaces/rma/rencontres/{meeting.pk}/" in calendars[0].get_content()
    assert "/courriel/lien/" not in calendars[0].get_content()

    # RFC 8058: the mail client POSTs without cookies; the next email of the space is not sent.
    assert Client().post(path_of(https), {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert send_meeting_mail(kind=MailKind.UPDATE, meeting_id=meeting.pk,
                             user_ids=[people.member.pk, people.other_member.pk]).sent == {
        people.other_member.pk}


def test_a_cancellation_is_a_cancel_with_links_but_no_answer_buttons(
        people: People, smtp_server: Mailbox) -> None:
    meeting, _message = _invitation(people, smtp_server)
    smtp_server.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        cancel_meeting(actor=people.facilitator, meeting=meeting, note="Tempête de neige")
    smtp_server.wait_for(1)
    [message] = smtp_server.to(people.member.email)
    text = text_of(message)

    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    calendars = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert "METHOD:CANCEL" in calendars[0].get_content()
    assert "- Oui :" not in text
    assert _non_join_links(text) == set()
    assert len(join_links(text)) == 3  # the meeting, the space's meetings, the preferences
    # The cancelled meeting's page still exists (marked cancelled): the link lands there.
    client = Client(enforce_csrf_checks=True)
    landed = _continue(client, path_of(_labelled(text, "Voir la rencontre")))
    assert landed["Location"] == reverse("meeting", args=[people.space.slug, meeting.pk])
    assert client.get(landed["Location"]).status_code == 200


def test_a_muted_space_gets_no_meeting_mail(people: People, smtp_server: Mailbox) -> None:
    preferences.stop_space(user=people.member, space=people.space)
    preferences.stop_everything(user=people.other_member)
    # Only the mention and reply notifications turned off: meeting mail still comes.
    preferences.set_preferences(user=people.facilitator, digest="weekly", notifications="off")
    with TestCase.captureOnCommitCallbacks(execute=True):
        schedule(people, invitees=[people.member, people.other_member, people.facilitator])
    smtp_server.wait_for(1)
    assert [r.rcpt_tos for r in smtp_server.received] == [[people.facilitator.email]]


def test_all_links_of_a_send_are_one_insert(people: People) -> None:
    meeting = schedule(people, invitees=[])
    everyone = [people.facilitator.pk, people.member.pk, people.other_member.pk]
    with count_queries() as alone:
        send_meeting_mail(kind=MailKind.INVITATION, meeting_id=meeting.pk,
                          user_ids=[people.member.pk])
    JoinLink.objects.all().delete()

    with count_queries() as queries:
        sent = send_meeting_mail(kind=MailKind.INVITATION, meeting_id=meeting.pk,
                                 user_ids=everyone).sent

    assert sent == set(everyone)
    # Meeting, its documents, who opted out, recipients, the links: 5, whatever the number.
    assert len(alone.captured_queries) == len(queries.captured_queries) == 5
    inserts = [q["sql"] for q in queries.captured_queries
               if q["sql"].startswith('INSERT INTO "emails_joinlink"')]
    assert len(inserts) == 1
    assert JoinLink.objects.count() == 3 * 6


def test_a_reminder_skips_who_unsubscribed_and_records_no_failure(
        people: People, smtp_server: Mailbox) -> None:
    meeting = due_meeting(people)  # Marc oui, Noémie peut-être
    smtp_server.clear()
    preferences.stop_space(user=people.other_member, space=people.space)

    run = send_due_reminders()

    assert (run.claimed, run.sent) == (1, 1)
    smtp_server.wait_for(1)
    [message] = smtp_server.received
    assert message.rcpt_tos == [people.member.email]
    assert message.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "METHOD:REQUEST" in next(p for p in message.message.walk()
                                    if p.get_content_type() == "text/calendar").get_content()
    assert list(ReminderDelivery.objects.filter(meeting=meeting)
                .values_list("user_id", "error")) == [(people.member.pk, "")]


@pytest.mark.parametrize("kind", list(MailKind))
def test_every_kind_of_meeting_mail_is_a_notification(
        kind: MailKind, people: People, smtp_server: Mailbox) -> None:
    meeting = schedule(people, invitees=[])
    assert send_meeting_mail(kind=kind, meeting_id=meeting.pk, user_ids=[people.member.pk],
                             changes=["starts_at"]).sent == {people.member.pk}
    [message] = smtp_server.wait_for(1)
    text = text_of(message)

    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "mailto:unsubscribe+" in str(message["List-Unsubscribe"])
    assert _non_join_links(text) == set()
    assert len(join_links(text)) == (3 if kind == MailKind.CANCELLATION else 6)
    method = "CANCEL" if kind == MailKind.CANCELLATION else "REQUEST"
    [itip] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert itip.get_param("method") == method and f"METHOD:{method}" in itip.get_content()
    attachment = next(p for p in message.walk() if p.get_filename() == "invitation.ics")
    attached = attachment.get_content().decode()
    assert f"METHOD:{method}" in attached and meeting.ics_uid in attached
    assert "/courriel/lien/" not in attached + itip.get_content()  # no token in a calendar
