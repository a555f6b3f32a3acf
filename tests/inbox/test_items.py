"""What lands in a person's inbox, from conversations: mentions and replies."""

from __future__ import annotations

from communities.models import Event, Membership
from communities.services.discussion import post_message, start_thread
from inbox import selectors, services
from inbox.models import InboxItem
from tests.conftest import People
from tests.events_helper import verify_action


def test_a_mention_puts_a_plain_text_item_in_the_inbox_and_tells_the_person(
        people: People) -> None:
    opened = start_thread(actor=people.facilitator, space=people.space, title="Automne",
                          body="Bonjour")
    _posted, events = verify_action(
        lambda: post_message(actor=people.other_member, thread=opened.thread,
                             body="**Important** : @**Marc Membre**, voir [le guide](https://x.ca)"),
        kinds=["message.created", "mention.created", "inbox.item_added", "inbox.item_added"])
    item = InboxItem.objects.get(recipient=people.member)
    assert item.kind == "mention"
    assert item.snippet == "Important : @Marc Membre, voir le guide"
    assert item.actor == people.other_member
    assert item.target.endswith(f"#message-{_posted.message.pk}")
    added = [e for e in events if e.kind == "inbox.item_added" and e.owner_id == people.member.pk]
    assert added[0].payload["unread"] == 1
    assert added[0].payload["item"]["id"] == item.pk
    # The thread's starter gets the same message as a reply in the thread they started.
    starter = InboxItem.objects.get(recipient=people.facilitator)
    assert starter.kind == "reply"
    assert not InboxItem.objects.filter(recipient=people.other_member).exists()


def test_a_reply_to_my_message_reaches_me_and_busy_threads_stay_one_line(
        people: People) -> None:
    opened = start_thread(actor=people.facilitator, space=people.space, title="Automne",
                          body="Bonjour")
    mine = post_message(actor=people.member, thread=opened.thread, body="Ma question")
    verify_action(lambda: post_message(actor=people.other_member, thread=opened.thread,
                                       body="Réponse un"),
                  kinds=["message.created", "inbox.item_added", "inbox.item_added"])
    # A second message while the first is unread: no second "thread" item for the writers.
    verify_action(lambda: post_message(actor=people.other_member, thread=opened.thread,
                                       body="Réponse deux"), kinds=["message.created"])
    # But a direct answer to my message always reaches me.
    verify_action(lambda: post_message(actor=people.other_member, thread=opened.thread,
                                       body="À toi", reply_to=mine.message.pk),
                  kinds=["message.created", "inbox.item_added"])
    assert InboxItem.objects.filter(recipient=people.member).count() == 2
    assert InboxItem.objects.filter(recipient=people.facilitator).count() == 1


def test_marking_read_one_or_all_tells_the_stream_the_new_count(people: People) -> None:
    opened = start_thread(actor=people.member, space=people.space, title="Automne",
                          body="Bonjour")
    other = start_thread(actor=people.member, space=people.space, title="Hiver", body="Salut")
    verify_action(lambda: post_message(actor=people.other_member, thread=opened.thread,
                                       body="Un"), kinds=["message.created", "inbox.item_added"])
    verify_action(lambda: post_message(actor=people.other_member, thread=other.thread,
                                       body="Deux"), kinds=["message.created", "inbox.item_added"])
    first, second = InboxItem.objects.filter(recipient=people.member).order_by("pk")
    assert selectors.unread_count(people.member) == 2
    # Someone else's item id changes nothing.
    assert services.mark_read(user=people.other_member, item_ids=[first.pk]) == 0
    _n, events = verify_action(lambda: services.mark_read(user=people.member,
                                                           item_ids=[first.pk]),
                               kinds=["inbox.read"])
    assert events[0].payload == {"items": [first.pk], "all": False, "unread": 1}
    assert events[0].owner_id == people.member.pk
    _n, events = verify_action(lambda: services.mark_all_read(user=people.member),
                               kinds=["inbox.read"])
    assert events[0].payload == {"items": [], "all": True, "unread": 0}
    second.refresh_from_db()
    assert second.read_at is not None


def test_items_of_a_space_i_left_are_neither_listed_nor_counted(people: People) -> None:
    opened = start_thread(actor=people.member, space=people.space, title="Automne",
                          body="Bonjour")
    verify_action(lambda: post_message(actor=people.other_member, thread=opened.thread,
                                       body="Un"), kinds=["message.created", "inbox.item_added"])
    assert selectors.unread_count(people.member) == 1
    Membership.objects.filter(user=people.member).delete()
    assert selectors.unread_count(people.member) == 0
    assert selectors.latest_items(people.member) == []


def test_nothing_is_added_when_the_post_rolls_back(people: People) -> None:
    from django.db import transaction

    from tests.events_helper import capture_events

    opened = start_thread(actor=people.member, space=people.space, title="Automne",
                          body="Bonjour")
    with capture_events() as events:
        try:
            with transaction.atomic():
                post_message(actor=people.other_member, thread=opened.thread, body="Un")
                raise RuntimeError("refused after the post")
        except RuntimeError:
            pass
    assert [e.kind for e in events] == []
    assert not InboxItem.objects.exists()
    assert not Event.objects.filter(kind="inbox.item_added").exists()


def test_an_edit_requotes_and_a_deletion_forgets_the_words_of_the_item(
        people: People) -> None:
    from communities.services.moderation import delete_message, edit_message

    opened = start_thread(actor=people.member, space=people.space, title="Automne",
                          body="Bonjour")
    posted, _events = verify_action(
        lambda: post_message(actor=people.other_member, thread=opened.thread,
                             body="Mon numéro : 555-0100"),
        kinds=["message.created", "inbox.item_added"])
    verify_action(lambda: edit_message(actor=people.other_member, message=posted.message,
                                       body="Écrivez-moi **plutôt**"),
                  kinds=["message.edited"])
    item = InboxItem.objects.get(recipient=people.member)
    assert item.snippet == "Écrivez-moi plutôt"
    verify_action(lambda: delete_message(actor=people.other_member, message=posted.message),
                  kinds=["message.deleted"])
    item.refresh_from_db()
    assert item.snippet == "" and item.title == "Automne"
