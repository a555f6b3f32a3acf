"""Reading a thread reads what it asked of me: the mentions and replies I have now seen leave
my unread notifications, on every device, and nothing I have not reached yet does."""

from __future__ import annotations

from communities.services.discussion import post_message, start_thread
from communities.services.reading import mark_read
from inbox.models import InboxItem
from tests.conftest import People
from tests.events_helper import capture_events, verify_action


def test_reading_up_to_a_mention_reads_its_item_and_tells_my_devices(people: People) -> None:
    with capture_events():  # the inbox files its items after each commit
        opened = start_thread(actor=people.facilitator, space=people.space, title="Automne",
                              body="Bonjour")
        first = post_message(actor=people.other_member, thread=opened.thread,
                             body="@**Marc Membre** tu as vu ?").message
        second = post_message(actor=people.other_member, thread=opened.thread,
                              body="Et encore toi, @**Marc Membre**").message
        elsewhere = post_message(actor=people.other_member, thread=start_thread(
            actor=people.facilitator, space=people.space, title="Hiver", body="Salut").thread,
            body="Rien pour @**Marc Membre** ici ?").message
    assert InboxItem.objects.filter(recipient=people.member, read_at__isnull=True).count() == 3

    # Read only as far as the first mention: the second is still waiting.
    _position, events = verify_action(
        lambda: mark_read(actor=people.member, thread=opened.thread, up_to=first.pk),
        kinds=["read.updated", "inbox.read"])
    told = events[-1]
    assert told.owner_id == people.member.pk and told.payload["unread"] == 2
    unread = set(InboxItem.objects.filter(recipient=people.member, read_at__isnull=True)
                 .values_list("subject", flat=True))
    assert unread == {f"message:{second.pk}", f"message:{elsewhere.pk}"}

    # Further: the thread's second mention too; the other thread's stays.
    verify_action(lambda: mark_read(actor=people.member, thread=opened.thread, up_to=second.pk),
                  kinds=["read.updated", "inbox.read"])
    unread = set(InboxItem.objects.filter(recipient=people.member, read_at__isnull=True)
                 .values_list("subject", flat=True))
    assert unread == {f"message:{elsewhere.pk}"}


def test_reading_with_nothing_waiting_adds_no_event_and_leaves_others_items(
        people: People) -> None:
    with capture_events():
        opened = start_thread(actor=people.facilitator, space=people.space, title="Automne",
                              body="Bonjour")
        post_message(actor=people.other_member, thread=opened.thread,
                     body="@**Florence Animatrice** une question")
        last = post_message(actor=people.other_member, thread=opened.thread, body="Fin").message
    # Marc was named nowhere: his reading changes nobody's notifications.
    with capture_events() as events:
        mark_read(actor=people.member, thread=opened.thread, up_to=last.pk)
    assert [e.kind for e in events] == ["read.updated"]
    assert InboxItem.objects.filter(recipient=people.facilitator,
                                    read_at__isnull=True).count() >= 1
