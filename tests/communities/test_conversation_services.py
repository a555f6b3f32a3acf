"""Holding a conversation: replies, mentions, reactions, edits, deletions, pins, locks,
reading positions and the posting limit."""

from __future__ import annotations

import pytest

from communities.errors import Forbidden, NotFound, ServiceError
from communities.models import Event, Message, MessageRevision, Role
from communities.services.discussion import post_message, start_thread
from communities.services.moderation import (
    delete_message,
    edit_message,
    lock_thread,
    pin_thread,
    rename_thread,
)
from communities.services.reactions import toggle_reaction
from communities.services.reading import mark_read
from communities.services.spaces import leave_space
from tests.events_helper import verify_action, verify_space_action


@pytest.fixture
def thread(people):
    return start_thread(actor=people.member, space=people.space, title="Parcs",
                        body="Qui a des **exemples** ?").thread


def first_message(thread) -> Message:
    return thread.messages.order_by("pk").first()


def test_a_reply_quotes_the_message_it_answers(people, thread):
    _posted, events = verify_space_action(
        "rma", lambda: post_message(actor=people.other_member, thread=thread, body="Oui !",
                                    reply_to=first_message(thread).pk),
        kinds=["message.created"])
    assert events[0].payload["message"]["reply_to"] == {
        "id": first_message(thread).pk, "author": "Marc Membre",
        "excerpt": "Qui a des exemples ?", "deleted": False}


def test_replying_to_a_message_of_another_thread_is_refused(people, thread):
    other = start_thread(actor=people.member, space=people.space, title="Autre", body="x")
    with pytest.raises(NotFound):
        post_message(actor=people.member, thread=thread, body="r",
                     reply_to=other.message.pk)


def test_a_mention_notifies_that_member_only_on_their_own_stream(people, thread):
    _posted, events = verify_action(
        lambda: post_message(actor=people.member, thread=thread,
                             body="Merci @**noemie membre** et @**Olivier Externe**"),
        kinds=["message.created", "mention.created"])
    mention = events[1]
    assert mention.owner_id == people.other_member.pk and mention.space_id is None
    assert mention.payload["by"]["display_name"] == "Marc Membre"
    html = events[0].payload["message"]["html"]
    assert f'<span class="mention" data-user="{people.other_member.pk}">@Noémie Membre</span>' \
        in html
    assert "@<strong>Olivier Externe</strong>" in html  # not a member: not linked


def test_at_space_is_for_facilitators(people, thread):
    _posted, events = verify_action(
        lambda: post_message(actor=people.member, thread=thread, body="Allô @space"),
        kinds=["message.created"])
    assert "mention" not in events[0].payload["message"]["html"]
    _posted, events = verify_action(
        lambda: post_message(actor=people.facilitator, thread=thread, body="Rappel @espace"),
        kinds=["message.created", "mention.created", "mention.created"])
    assert {e.owner_id for e in events[1:]} == {people.member.pk, people.other_member.pk}
    assert all(e.payload["everyone"] for e in events[1:])


def test_reactions_toggle_and_say_who(people, thread):
    message = first_message(thread)
    added, _ = verify_space_action(
        "rma", lambda: toggle_reaction(actor=people.other_member, message=message, emoji="👍"),
        kinds=["reaction.added"])
    assert added is True
    verify_space_action(
        "rma", lambda: toggle_reaction(actor=people.facilitator, message=message, emoji="👍"),
        kinds=["reaction.added"])
    removed, _ = verify_space_action(
        "rma", lambda: toggle_reaction(actor=people.other_member, message=message, emoji="👍"),
        kinds=["reaction.removed"])
    assert removed is False


def test_an_unknown_emoji_or_a_former_member_cannot_react(people, thread):
    message = first_message(thread)
    with pytest.raises(ServiceError):
        toggle_reaction(actor=people.member, message=message, emoji="💩")
    leave_space(actor=people.other_member, space=people.space)
    with pytest.raises(Forbidden):
        toggle_reaction(actor=people.other_member, message=message, emoji="👍")


def test_an_edit_keeps_the_history_and_marks_the_message(people, thread):
    message = first_message(thread)
    reply = post_message(actor=people.other_member, thread=thread, body="Moi",
                         reply_to=message.pk).message
    edited, events = verify_space_action(
        "rma", lambda: edit_message(actor=people.member, message=message, body="Des *idées* ?"),
        kinds=["message.edited"])
    assert edited.edited_at is not None
    assert events[0].payload["message"]["html"] == "<p>Des <em>idées</em> ?</p>"
    assert list(MessageRevision.objects.values_list("body", flat=True)) == [
        "Qui a des **exemples** ?"]
    assert reply.pk


def test_nobody_edits_someone_elses_message(people, thread):
    with pytest.raises(Forbidden):
        edit_message(actor=people.facilitator, message=first_message(thread), body="non")
    assert first_message(thread).body == "Qui a des **exemples** ?"


def test_a_deleted_message_becomes_a_tombstone(people, thread):
    message = first_message(thread)
    post_message(actor=people.other_member, thread=thread, body="r", reply_to=message.pk)
    _deleted, events = verify_space_action(
        "rma", lambda: delete_message(actor=people.facilitator, message=message),
        kinds=["message.deleted"])
    payload = events[0].payload["message"]
    assert payload["deleted"] is True and payload["body"] == payload["html"] == ""
    assert Message.objects.filter(pk=message.pk).exists()


def test_members_cannot_delete_others_messages(people, thread):
    with pytest.raises(Forbidden):
        delete_message(actor=people.other_member, message=first_message(thread))


def test_a_locked_thread_refuses_new_messages_with_a_clear_reason(people, thread):
    verify_space_action("rma", lambda: lock_thread(actor=people.facilitator, thread=thread,
                                                   locked=True), kinds=["thread.locked"])
    count = Event.objects.count()
    with pytest.raises(Forbidden) as refusal:
        post_message(actor=people.member, thread=thread, body="encore")
    assert "verrouillé" in str(refusal.value)
    assert Event.objects.count() == count and Message.objects.count() == 1


def test_only_facilitators_pin_and_lock(people, thread):
    with pytest.raises(Forbidden):
        pin_thread(actor=people.member, thread=thread, pinned=True)
    with pytest.raises(Forbidden):
        lock_thread(actor=people.member, thread=thread, locked=True)
    verify_space_action("rma", lambda: pin_thread(actor=people.facilitator, thread=thread,
                                                  pinned=True), kinds=["thread.pinned"])


def test_the_author_or_a_facilitator_renames_a_thread(people, thread):
    verify_space_action("rma", lambda: rename_thread(actor=people.member, thread=thread,
                                                     title="Parcs inclusifs"),
                        kinds=["thread.updated"])
    with pytest.raises(Forbidden):
        rename_thread(actor=people.other_member, thread=thread, title="Non")
    people.other_member.memberships.update(role=Role.FACILITATOR)
    rename_thread(actor=people.other_member, thread=thread, title="Parcs")


def test_reading_moves_forward_and_tells_my_other_devices(people, thread):
    second = post_message(actor=people.other_member, thread=thread, body="2").message
    third = post_message(actor=people.other_member, thread=thread, body="3").message
    position, events = verify_action(
        lambda: mark_read(actor=people.member, thread=thread, up_to=second.pk),
        kinds=["read.updated"])
    assert position == second.pk
    assert events[0].owner_id == people.member.pk
    assert events[0].payload["unread"] == 1
    verify_action(lambda: mark_read(actor=people.member, thread=thread, up_to=first_message(
        thread).pk), kinds=[])
    assert third.pk


def test_posting_too_fast_is_refused_with_429(people, thread, settings):
    settings.POST_RATE_LIMIT = 3
    for i in range(2):
        post_message(actor=people.member, thread=thread, body=str(i))
    with pytest.raises(ServiceError) as refusal:
        post_message(actor=people.member, thread=thread, body="trop")
    assert refusal.value.status == 429 and "trop vite" in str(refusal.value)
    post_message(actor=people.other_member, thread=thread, body="moi, ça va")


def test_a_change_that_changes_nothing_tells_nobody(people, thread):
    verify_action(lambda: rename_thread(actor=people.member, thread=thread, title="Parcs"),
                  kinds=[])
    pin_thread(actor=people.facilitator, thread=thread, pinned=True)
    verify_action(lambda: pin_thread(actor=people.facilitator, thread=thread, pinned=True),
                  kinds=[])
    verify_action(lambda: lock_thread(actor=people.facilitator, thread=thread, locked=False),
                  kinds=[])
