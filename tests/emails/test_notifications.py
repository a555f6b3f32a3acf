"""Notifications by email for mentions and replies: right away or every quarter hour, never to
the person who acted, never for a space left or muted, folded into the digest when already
read, and sent once however often the collector runs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from communities.models import Language, User
from communities.services.discussion import post_message, start_thread
from communities.services.reading import mark_read
from communities.services.spaces import leave_space
from emails import notifications
from emails.models import Notification
from emails.preferences import set_preferences
from tests.conftest import People
from tests.emails.helpers import html_of, join_links, text_of
from tests.smtp import Mailbox

pytestmark = pytest.mark.django_db


def _run(now: object = None) -> notifications.SendResult:
    notifications.collect(now=now)  # type: ignore[arg-type]
    return notifications.send_due(now=now)  # type: ignore[arg-type]


def _mention_marc(people: People) -> None:
    start_thread(actor=people.facilitator, space=people.space, title="Parcs inclusifs",
                 body="@**Marc Membre**, pouvez-vous partager vos plans ?")


def test_a_mention_is_emailed_right_away(people: People, smtp_server: Mailbox) -> None:
    _mention_marc(people)

    result = _run()

    [message] = smtp_server.wait_for(1)
    assert len(result.sent) == 1
    assert message["To"] == people.member.email
    assert message["Subject"] == ("Florence Animatrice vous mentionne dans "
                                  "« Parcs inclusifs »")
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "pouvez-vous partager vos plans" in text_of(message)
    assert join_links(text_of(message)) == join_links(html_of(message))
    assert len(join_links(text_of(message))) == 2  # the message, the preferences


def test_a_reply_to_my_message_notifies_me_not_the_one_who_replied(
        people: People, smtp_server: Mailbox) -> None:
    posted = start_thread(actor=people.member, space=people.space, title="Budget",
                          body="Combien prévoyez-vous ?")
    post_message(actor=people.other_member, thread=posted.thread, body="40 000 $.",
                 reply_to=posted.message.pk)
    post_message(actor=people.member, thread=posted.thread, body="Merci !",
                 reply_to=posted.message.pk)  # answering oneself

    _run()

    [message] = smtp_server.wait_for(1)
    assert message["To"] == people.member.email
    assert "Noémie Membre a répondu à votre message" in message["Subject"]
    assert Notification.objects.count() == 1


def test_a_mention_inside_a_reply_notifies_once(people: People, smtp_server: Mailbox) -> None:
    posted = start_thread(actor=people.member, space=people.space, title="Budget",
                          body="Combien ?")
    post_message(actor=people.other_member, thread=posted.thread,
                 body="@**Marc Membre** : 40 000 $.", reply_to=posted.message.pk)

    _run()

    assert len(smtp_server.wait_for(1)) == 1
    assert Notification.objects.count() == 1


def test_collecting_again_sends_nothing_twice(people: People, smtp_server: Mailbox) -> None:
    _mention_marc(people)
    _run()
    _run()
    _run(timezone.now() + timedelta(minutes=5))

    assert len(smtp_server.wait_for(1)) == 1


def test_batched_members_wait_for_the_quarter_hour(people: People,
                                                   smtp_server: Mailbox) -> None:
    set_preferences(user=people.member, digest="weekly", notifications="batched")
    started = start_thread(actor=people.facilitator, space=people.space,
                           title="Parcs inclusifs", body="@**Marc Membre**, vos plans ?")
    post_message(actor=people.other_member, thread=started.thread,
                 body="@**Marc Membre** et aussi ceci.")
    notifications.collect()

    assert notifications.send_due(now=timezone.now()).sent == []
    later = notifications.batch_boundary(timezone.now()) + timedelta(minutes=15, seconds=1)
    result = notifications.send_due(now=later)

    assert len(result.sent) == 2
    [message] = smtp_server.wait_for(1)
    assert message["Subject"] == "2 nouvelles notifications — Espace collaboratif"


def test_already_read_is_folded_into_the_digest(people: People, smtp_server: Mailbox) -> None:
    start = start_thread(actor=people.facilitator, space=people.space, title="Parcs",
                         body="@**Marc Membre**, une question.")
    mark_read(actor=people.member, thread=start.thread, up_to=start.message.pk)

    result = _run()

    assert result.folded and not result.sent
    assert smtp_server.received == []
    assert Notification.objects.get().state == "folded"


def test_nothing_for_a_space_the_member_left(people: People, smtp_server: Mailbox) -> None:
    _mention_marc(people)
    leave_space(actor=people.member, space=people.space)

    result = _run()

    assert result.dropped and not result.sent
    assert smtp_server.received == []


def test_nothing_for_a_muted_space_or_when_turned_off(people: People,
                                                      smtp_server: Mailbox) -> None:
    set_preferences(user=people.member, digest="weekly", notifications="immediate",
                    spaces={people.space.pk: ("", True)})
    set_preferences(user=people.other_member, digest="weekly", notifications="off")
    start_thread(actor=people.facilitator, space=people.space, title="Parcs",
                 body="@**Marc Membre** et @**Noémie Membre**, une question.")

    result = _run()

    assert len(result.dropped) == 2
    assert smtp_server.received == []


def test_written_in_the_members_language(people: People, smtp_server: Mailbox) -> None:
    User.objects.filter(pk=people.member.pk).update(language=Language.ENGLISH)
    _mention_marc(people)

    _run()

    [message] = smtp_server.wait_for(1)
    assert message["Subject"] == "Florence Animatrice mentioned you in “Parcs inclusifs”"
    assert message["Content-Language"] == "en"


def test_a_notice_can_be_answered_by_replying_to_it(people: People,
                                                    smtp_server: Mailbox) -> None:
    from replies.addresses import find_reply_address, token_from_local_part

    _mention_marc(people)
    _run()

    [message] = smtp_server.wait_for(1)
    local, _at, domain = message["Reply-To"].partition("@")
    token = token_from_local_part(local, prefix="reply+")
    assert domain == "localhost" and token is not None
    address = find_reply_address(token)
    assert address is not None
    assert address.user == people.member
    assert address.thread.title == "Parcs inclusifs"
    assert f"Répondre par courriel : {message['Reply-To']}" in text_of(message)
