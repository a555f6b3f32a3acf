"""Date poll emails are notifications like the others: over real SMTP, the announcement's links
are the member's join-back links ("Continuer" signs that member in and lands on the poll), with
the one-click unsubscribe headers, honoured, and all links of a send stored in one INSERT."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest
from django.test import Client, TestCase
from django.urls import reverse

from communities.models import User
from emails import preferences
from emails.models import JoinLink
from meetings.models import MeetingMode
from meetings.models.polls import DatePoll
from meetings.polls.mail import send_poll_mail
from meetings.services.polls import open_poll
from tests.conftest import People
from tests.emails.helpers import JOIN_LINK, html_of, join_links, path_of, text_of
from tests.queries import count_queries
from tests.smtp import Mailbox

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _tasks_run_inline(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _open(people: People, slots: list[tuple[datetime, datetime]]) -> DatePoll:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return open_poll(actor=people.facilitator, space=people.space, title="Bilan annuel",
                         mode=MeetingMode.VIRTUAL, video_url="https://zoom.us/j/1",
                         slots=slots)


def test_the_announcement_link_signs_the_member_in_on_the_poll(
        people: People, smtp_server: Mailbox, three_slots: list[tuple[datetime, datetime]]
) -> None:
    User.objects.filter(pk=people.other_member.pk).update(language="en")
    poll = _open(people, three_slots)
    smtp_server.wait_for(2)
    [message] = smtp_server.to(people.member.email)
    text = text_of(message)

    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/courriel/desabonnement/" in str(message["List-Unsubscribe"])
    assert "mailto:unsubscribe+" in str(message["List-Unsubscribe"])
    assert message["Message-ID"] and message["Date"]
    urls = set(re.findall(r"https?://\S+", text))
    assert {u for u in urls if not JOIN_LINK.fullmatch(u)
            and "/courriel/desabonnement/" not in u} == set()
    poll_link, _preferences_link = join_links(text)
    html = html_of(message)
    assert '<html lang="fr' in html
    hrefs = re.findall(r'href="([^"]+)"', html)
    assert hrefs[0] == poll_link and set(join_links(text)) <= set(hrefs)
    assert {h for h in hrefs if not JOIN_LINK.fullmatch(h)
            and "/courriel/desabonnement/" not in h} == set()
    english = text_of(smtp_server.to(people.other_member.email)[0])
    assert "Open the poll" in html_of(smtp_server.to(people.other_member.email)[0])
    assert "Each link signs you in directly" in english
    client = Client(enforce_csrf_checks=True)
    page = client.get(path_of(poll_link))
    assert page.status_code == 200 and "_auth_user_id" not in client.session
    assert not JoinLink.objects.filter(used_at__isnull=False).exists()

    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token
    landed = client.post(path_of(poll_link), {"csrfmiddlewaretoken": token[1]})

    target = reverse("poll", args=[people.space.slug, poll.pk])
    assert landed.status_code == 302 and landed["Location"] == target
    assert client.session["_auth_user_id"] == str(people.member.pk)
    assert client.get(target).status_code == 200
    assert JoinLink.objects.get(used_at__isnull=False).target == target
    assert JoinLink.objects.filter(user=people.member,
                                   target=reverse("emails:preferences")).exists()


def test_poll_mail_honours_unsubscribe_and_stores_links_in_one_insert(
        people: People, smtp_server: Mailbox, three_slots: list[tuple[datetime, datetime]]
) -> None:
    with TestCase.captureOnCommitCallbacks(execute=False):
        poll = open_poll(actor=people.facilitator, space=people.space, title="Bilan annuel",
                         mode=MeetingMode.VIRTUAL, video_url="https://zoom.us/j/1",
                         slots=three_slots, notify_members=False)
    preferences.stop_space(user=people.other_member, space=people.space)
    everyone = [people.member.pk, people.other_member.pk, people.facilitator.pk]

    with count_queries() as queries:
        sent = send_poll_mail.call(kind="opened", poll_id=poll.pk, user_ids=everyone)

    assert sent == 2  # Marc and Florence; Noémie unsubscribed from the space
    smtp_server.wait_for(2)
    assert sorted(r.rcpt_tos[0] for r in smtp_server.received) == sorted(
        [people.member.email, people.facilitator.email])
    inserts = [q["sql"] for q in queries.captured_queries
               if q["sql"].startswith('INSERT INTO "emails_joinlink"')]
    assert len(inserts) == 1
    assert JoinLink.objects.count() == 2 * 2
    # Poll, its slots, who opted out, recipients, the links: none of them per recipient.
    assert len(queries.captured_queries) == 5
