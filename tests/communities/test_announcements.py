"""Announcements: only those who run a space post one; it is a thread flagged and pinned, with
its events, and emailed at once (after commit) to every member who still wants them, in their
language, with a one-click unsubscribe that stops announcements only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, TestCase
from django.urls import reverse

from communities.errors import Forbidden, ServiceError
from communities.models import Event, Thread, User
from communities.selectors import threads_for_member
from communities.services.announcements import post_announcement
from communities.services.discussion import start_thread
from communities.services.moderation import pin_thread
from emails import preferences
from emails.announcements import send_announcement
from emails.models import EmailPreferences
from tests.clients import client_for
from tests.conftest import People
from tests.emails.helpers import text_of
from tests.events_helper import verify_action
from tests.queries import count_queries
from tests.smtp import Mailbox

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _tasks_run_inline(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def announce(people: People, **overrides: Any):  # type: ignore[no-untyped-def]
    arguments: dict[str, Any] = {"title": "Colloque annuel : inscriptions ouvertes",
                                 "body": "Les inscriptions au colloque de mai sont ouvertes."}
    arguments.update(overrides)
    # The email leaves after commit: run the commit callbacks as a real commit would.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return post_announcement(actor=people.facilitator, space=people.space, **arguments)


def test_an_announcement_is_a_pinned_flagged_thread_with_its_events(people: People) -> None:
    posted, events = verify_action(lambda: post_announcement(
        actor=people.facilitator, space=people.space, title="Colloque", body="Inscriptions"),
                                   kinds=["thread.created", "thread.announced"])
    assert events[1].payload["thread"]["announcement"] is True
    assert events[1].payload["thread"]["pinned"] is True
    thread = Thread.objects.get(pk=posted.thread.pk)
    assert thread.announced_at is not None and thread.pinned_at is not None


def test_it_comes_first_in_the_space_and_can_be_unpinned(people: People) -> None:
    announced = announce(people).thread
    start_thread(actor=people.member, space=people.space, title="Plus récent", body="Salut")
    assert threads_for_member(space=people.space, user=people.member)[0].pk == announced.pk
    pin_thread(actor=people.facilitator, thread=announced, pinned=False)
    listed = threads_for_member(space=people.space, user=people.member)
    assert listed[0].title == "Plus récent"
    assert Thread.objects.get(pk=announced.pk).announced_at is not None


def test_members_and_outsiders_post_no_announcement(people: People) -> None:
    before = Event.objects.count()
    for who in (people.member, people.outsider):
        with pytest.raises(Forbidden):
            post_announcement(actor=who, space=people.space, title="x", body="y")
    assert not Thread.objects.exists()
    assert Event.objects.count() == before


def test_an_empty_announcement_is_refused_in_french(people: People,
                                                    smtp_server: Mailbox) -> None:
    with pytest.raises(ServiceError, match="vide"):
        announce(people, body="   ")
    assert not Thread.objects.exists()
    assert smtp_server.received == []


def test_every_member_gets_it_at_once_in_their_language(people: People,
                                                        smtp_server: Mailbox) -> None:
    people.other_member.language = "en"
    people.other_member.save(update_fields=["language"])
    announce(people)
    received = smtp_server.wait_for(2)
    by_reader = {m["To"]: m for m in received}
    assert set(by_reader) == {people.member.email, people.other_member.email}  # not the author
    assert by_reader[people.member.email]["Subject"].startswith("Annonce : Colloque annuel")
    assert by_reader[people.other_member.email]["Subject"].startswith("Announcement:")
    assert "Les inscriptions au colloque de mai sont ouvertes." in text_of(
        by_reader[people.member.email])
    assert by_reader[people.member.email]["Reply-To"].startswith("reply+")


def test_one_click_unsubscribe_stops_announcements_only(people: People,
                                                        smtp_server: Mailbox) -> None:
    announce(people)
    message = next(m for m in smtp_server.wait_for(2) if m["To"] == people.member.email)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message["List-Unsubscribe"].split(",")[0].strip().strip("<>")
    path = url[url.index("/courriel/"):]
    answer = Client().post(path, {"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    settings_row = EmailPreferences.objects.get(user=people.member)
    assert settings_row.announcements is False
    assert settings_row.notifications == "immediate"  # the rest is untouched
    smtp_server.clear()
    announce(people, title="Deuxième annonce")
    assert [m["To"] for m in smtp_server.wait_for(1)] == [people.other_member.email]


def test_muted_or_stopped_members_get_none(people: People, smtp_server: Mailbox) -> None:
    preferences.stop_space(user=people.member, space=people.space)
    preferences.stop_everything(user=people.other_member)
    announce(people)
    assert send_announcement(thread_id=Thread.objects.get().pk).sent == set()


def test_the_preferences_page_turns_announcements_on_and_off(people: People) -> None:
    client = client_for(people.member)
    page = client.get(reverse("emails:preferences")).content.decode()
    assert "annonces" in page
    client.post(reverse("emails:preferences"), {"digest": "weekly",
                                                "notifications": "immediate"})
    assert EmailPreferences.objects.get(user=people.member).announcements is False
    client.post(reverse("emails:preferences"), {"digest": "weekly", "notifications": "immediate",
                                                "announcements": "on"})
    assert EmailPreferences.objects.get(user=people.member).announcements is True


def test_the_send_s_queries_do_not_grow_with_its_recipients(people: People,
                                                           settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    thread = announce(people).thread
    with count_queries() as few:
        assert len(send_announcement(thread_id=thread.pk).sent) == 2
    for i in range(6):
        user = User.objects.create_user(f"p{i}@exemple.qc.ca", "x", display_name=f"P {i}")
        people.space.memberships.create(user=user)
    with count_queries() as many:
        assert len(send_announcement(thread_id=thread.pk).sent) == 8
    assert len(few.captured_queries) == len(many.captured_queries)


def test_a_facilitator_posts_one_from_the_space_page(people: People,
                                                     smtp_server: Mailbox) -> None:
    space_page = reverse("space", args=["rma"])
    assert "Publier comme annonce" not in client_for(people.member).get(space_page
                                                                        ).content.decode()
    client = client_for(people.facilitator)
    assert "Publier comme annonce" in client.get(space_page).content.decode()
    with TestCase.captureOnCommitCallbacks(execute=True):
        answer = client.post(space_page, {"title": "Rappel important", "body": "Lisez ceci.",
                                          "announcement": "on"})
    assert answer.status_code == 302
    thread = Thread.objects.get()
    assert thread.announced_at is not None
    smtp_server.wait_for(2)
    listed = client_for(people.member).get(space_page).content.decode()
    assert "Annonce" in listed
    # A member ticking the box by hand posts an ordinary thread.
    client_for(people.member).post(space_page, {"title": "Pas une annonce", "body": "x",
                                                "announcement": "on"})
    assert Thread.objects.get(title="Pas une annonce").announced_at is None


def test_the_unsubscribe_address_works_by_mail_too(people: People) -> None:
    from emails.unsubscribe import announcement_links_for
    from replies.inbound import receive_mail

    mailto = announcement_links_for(user=people.member).mailto
    [handled] = receive_mail(raw=b"From: x@ailleurs.example\r\nSubject: unsubscribe\r\n\r\n",
                             recipients=[mailto])
    assert handled.outcome == "unsubscribed"
    assert EmailPreferences.objects.get(user=people.member).announcements is False
    # A forged announcements token (another member's number) does nothing.
    forged = mailto.replace(f"unsubscribe+{people.member.pk}-",
                            f"unsubscribe+{people.other_member.pk}-")
    [refused] = receive_mail(raw=b"Subject: x\r\n\r\n", recipients=[forged])
    assert refused.outcome == "dropped"
    assert not EmailPreferences.objects.filter(user=people.other_member).exists()
