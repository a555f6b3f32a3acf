"""Reading a thread: messages sanitised and in order, Quebec dates, where it opens (last page,
first unread, a linked message), the read position, and a cost that does not grow with it."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from communities.models import Event, Message, ReadPosition, Thread
from communities.services.discussion import post_message, start_thread
from communities.services.reactions import EMOJI, toggle_reaction
from communities.services.reading import mark_read
from frontend.queries import PLACEHOLDER_ID
from tests.clients import Personas
from tests.conftest import People
from tests.frontend.helpers import first, thread_page
from tests.queries import count_queries, queries_of


def test_thread_page_shows_sanitised_messages_in_order(
        web: Personas, people: People, answered_thread: Thread) -> None:
    post_message(actor=people.member, thread=answered_thread,
                 body="<script>alert(1)</script> [lien](javascript:alert(1)) **fin**")
    response = web.facilitator.get(
        reverse("thread", args=["rma", answered_thread.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>guide</strong>" in html and "<em>voici</em>" in html
    assert html.index("guide") < html.index("voici") < html.index("<strong>fin</strong>")
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)" in html
    assert 'href="javascript' not in html


def test_message_headings_stay_below_the_page_title(
        web: Personas, people: People, answered_thread: Thread) -> None:
    post_message(actor=people.member, thread=answered_thread, body="# Bilan\n\n## Suite\n\ntexte")
    response = web.member.get(reverse("thread", args=["rma", answered_thread.pk]))
    html = response.content.decode()
    assert "<h3>Bilan</h3>" in html and "<h4>Suite</h4>" in html, html[html.find("Bilan") - 80:]
    assert html.count("<h1") == 1
    assert "Noémie Membre" in html and "Ville de Gatineau" in html
    assert 'name="body"' in html


def test_dates_are_shown_in_toronto_time(web: Personas, people: People, thread: Thread) -> None:
    message = thread.messages.first()
    assert message is not None
    Message.objects.filter(pk=message.pk).update(
        created_at=datetime(2026, 1, 15, 17, 5, tzinfo=UTC))
    html = web.member.get(reverse("thread", args=["rma", thread.pk])).content
    assert "15 janvier 2026, 12\xa0h\xa005" in html.decode()


def test_unicode_digits_in_a_thread_address_are_ignored_not_a_500(web, people):
    thread = start_thread(actor=people.member, space=people.space, title="T", body="x").thread
    client = web.member
    for param in ["message", "avant", "apres"]:
        answer = client.get(reverse("thread", args=["rma", thread.pk]) + f"?{param}=²")
        assert answer.status_code == 200


def test_first_unread_link_targets_the_first_message_by_others(
        web: Personas, people: People, thread: Thread) -> None:
    client = web.member
    thread_page(client, thread)  # read up to now
    mine = post_message(actor=people.member, thread=thread, body="Je relance").message
    new = post_message(actor=people.other_member, thread=thread, body="Nouveau").message
    post_message(actor=people.facilitator, thread=thread, body="Encore")
    html = thread_page(client, thread)
    link = re.search(r'<a [^>]*href="#message-(\d+)" data-first-unread>', html)
    assert link is not None and int(link.group(1)) == new.pk != mine.pk
    assert "Aller au premier message non lu" in html
    position = ReadPosition.objects.get(user=people.member, thread=thread)
    assert position.last_read_message == thread.messages.order_by("-pk").first().pk  # type: ignore[union-attr]
    assert "data-first-unread" not in thread_page(client, thread)


def test_read_endpoint_for_live_js(web: Personas, people: People, thread: Thread) -> None:
    reply = post_message(actor=people.other_member, thread=thread, body="Nouveau").message
    response = web.member.post(
        reverse("thread-read", args=["rma", thread.pk]), {"up_to": reply.pk},
        headers={"X-Requested-With": "fetch"})
    assert response.status_code == 204
    assert ReadPosition.objects.get(user=people.member, thread=thread).last_read_message == \
        reply.pk
    assert Event.objects.filter(owner=people.member, kind="read.updated").exists()


def test_thread_page_query_count_does_not_grow(
        web: Personas, people: People, thread: Thread) -> None:
    client = web.other_member
    thread_page(client, thread)

    def count() -> int:
        return queries_of(lambda: thread_page(client, thread))

    few = count()
    for n in range(15):
        reply = post_message(actor=people.facilitator, thread=thread, body=f"Réponse {n}",
                             reply_to=first(thread).pk).message
        toggle_reaction(actor=people.member, message=reply, emoji=EMOJI[n % len(EMOJI)])
    thread_page(client, thread)  # the read position moves once
    assert count() == few


# The point is that it is the same for 10 and 1,000. Documents cost three: attached documents
# (one prefetch for the page), the documents the composer offers to attach, and the space's
# upload rule (for a member; a facilitator may always upload). The membership visible_thread
# reads serves the page's later permission checks too. The app shell adds two: my spaces with
# their counts, heads and unread notifications (the header's bell reads the same rows), and my
# next meeting; the thread's decisions and action items two more.
QUERIES_FOR_A_THREAD_PAGE = 23


def _long_thread(people, count: int):
    thread = start_thread(actor=people.other_member, space=people.space, title="Long",
                          body="0").thread
    Message.objects.bulk_create([
        Message(thread=thread, author=people.other_member, body=f"n{i}", html=f"<p>n{i}</p>")
        for i in range(1, count)
    ])
    return thread, list(thread.messages.order_by("pk").values_list("pk", flat=True))


def _shown(answer) -> list[int]:
    return [int(i) for i in re.findall(r'id="message-(\d+)"', answer.content.decode())
            if int(i) != PLACEHOLDER_ID]  # the <template> live.js clones


def test_a_long_thread_opens_on_its_last_page_with_a_link_to_older_messages(web, people):
    thread, ids = _long_thread(people, 120)
    client = web.facilitator
    mark_read(actor=people.facilitator, thread=thread, up_to=ids[-1])
    answer = client.get(reverse("thread", args=["rma", thread.pk]))
    assert _shown(answer) == ids[-50:]
    assert f"?avant={ids[-50]}" in answer.content.decode()
    older = client.get(reverse("thread", args=["rma", thread.pk]) + f"?avant={ids[-50]}")
    assert _shown(older) == ids[-100:-50]


def test_a_long_thread_opens_at_the_first_unread_message(web, people):
    thread, ids = _long_thread(people, 120)
    mark_read(actor=people.member, thread=thread, up_to=ids[39])
    client = web.member
    answer = client.get(reverse("thread", args=["rma", thread.pk]))
    shown = _shown(answer)
    assert shown[0] == ids[37] and ids[40] in shown and len(shown) == 50
    page = answer.content.decode()
    assert "data-not-at-end" in page and f"?apres={shown[-1]}" in page


@pytest.mark.parametrize("size", [10, 1000])
def test_the_thread_page_costs_the_same_queries_whatever_its_length(
        web, people, size):
    thread, ids = _long_thread(people, size)
    mark_read(actor=people.member, thread=thread, up_to=ids[-1])
    client = web.member
    client.get(reverse("thread", args=["rma", thread.pk]))  # warm the session
    with count_queries(exactly=QUERIES_FOR_A_THREAD_PAGE):
        client.get(reverse("thread", args=["rma", thread.pk]))


def test_a_link_to_an_old_message_opens_the_page_that_holds_it(web, people):
    thread, ids = _long_thread(people, 120)
    client = web.member
    mark_read(actor=people.member, thread=thread, up_to=ids[-1])
    answer = client.get(reverse("thread", args=["rma", thread.pk]) + f"?message={ids[10]}")
    assert ids[10] in _shown(answer) and _shown(answer)[0] == ids[7]
