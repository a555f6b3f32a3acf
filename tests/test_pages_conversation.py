"""The conversation in the server-rendered pages, without JavaScript: replies, edits with
history, tombstones, reactions, pinning, locking, renaming and unread state."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from communities.models import Event, Message, MessageRevision, ReadPosition, Thread, User
from communities.services.discussion import post_message, start_thread
from communities.services.moderation import lock_thread
from communities.services.reactions import EMOJI, toggle_reaction
from communities.services.reading import mark_read
from frontend.queries import PLACEHOLDER_ID
from tests.conftest import People


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def thread(people: People) -> Thread:
    return start_thread(actor=people.member, space=people.space, title="Bancs accessibles",
                        body="Qui a un **guide** des bancs ?").thread


def first(thread: Thread) -> Message:
    message = thread.messages.order_by("pk").first()
    assert message is not None
    return message


def thread_page(client: Client, thread: Thread) -> str:
    response = client.get(reverse("thread", args=["rma", thread.pk]))
    assert response.status_code == 200
    return response.content.decode()


def message_html(html: str, message_id: int) -> str:
    start = html.index(f'<li id="message-{message_id}"')
    return html[start:html.index("</li>\n", html.index("</article>", start))]


def test_reply_via_the_form_shows_the_quote(people: People, thread: Thread) -> None:
    original = first(thread)
    client = client_for(people.other_member)
    form = thread_page(client, thread)
    assert f'href="?reply_to={original.pk}#composer"' in form
    page = client.get(reverse("thread", args=["rma", thread.pk]), {"reply_to": original.pk})
    assert "En réponse à" in page.content.decode()
    assert f'name="reply_to" value="{original.pk}"' in page.content.decode()
    response = client.post(reverse("thread", args=["rma", thread.pk]),
                           {"body": "Oui, voici le nôtre.", "reply_to": original.pk})
    reply = Message.objects.get(body="Oui, voici le nôtre.")
    assert response.status_code == 302 and reply.reply_to_id == original.pk
    shown = message_html(thread_page(client, thread), reply.pk)
    assert 'class="reply-quote"' in shown and "Marc Membre" in shown
    assert "Qui a un guide des bancs ?" in shown.replace("**", "")
    assert f'href="#message-{original.pk}"' in shown


def test_author_edits_and_members_see_the_history(people: People, thread: Thread) -> None:
    message = first(thread)
    client = client_for(people.member)
    url = reverse("message-edit", args=["rma", message.pk])
    assert "Qui a un **guide** des bancs ?" in client.get(url).content.decode()
    response = client.post(url, {"body": "Qui a un *guide* des bancs publics ?"})
    assert response.status_code == 302 and response["Location"].endswith(f"#message-{message.pk}")
    message.refresh_from_db()
    assert message.edited_at is not None and "<em>guide</em>" in message.html
    assert MessageRevision.objects.filter(message=message).count() == 1
    shown = message_html(thread_page(client_for(people.other_member), thread), message.pk)
    history_url = reverse("message-history", args=["rma", message.pk])
    assert "modifié" in shown and history_url in shown
    history = client_for(people.other_member).get(history_url).content.decode()
    assert "Version actuelle" in history and "publics" in history
    assert "<strong>guide</strong>" in history  # the earlier wording, still readable


def test_someone_else_cannot_edit(people: People, thread: Thread) -> None:
    message = first(thread)
    url = reverse("message-edit", args=["rma", message.pk])
    for client in (client_for(people.other_member), client_for(people.facilitator)):
        assert client.get(url).status_code == 403
        refused = client.post(url, {"body": "Réécrit par une autre"})
        assert refused.status_code == 403
        assert "Vous ne pouvez modifier que vos propres messages." in refused.content.decode()
    message.refresh_from_db()
    assert message.body == "Qui a un **guide** des bancs ?" and message.edited_at is None
    # Nor is the edit link offered to others.
    assert url not in thread_page(client_for(people.other_member), thread)


def test_delete_asks_then_leaves_a_tombstone(people: People, thread: Thread) -> None:
    reply = post_message(actor=people.other_member, thread=thread, body="Oups, doublon").message
    url = reverse("message-delete", args=["rma", reply.pk])
    assert client_for(people.member).get(url).status_code == 403
    client = client_for(people.other_member)
    confirm = client.get(url).content.decode()
    assert "Supprimer ce message ?" in confirm and "Oups, doublon" in confirm
    assert client.post(url).status_code == 302
    shown = message_html(thread_page(client, thread), reply.pk)
    assert "message supprimé" in shown and "Oups, doublon" not in shown
    assert Event.objects.filter(kind="message.deleted").count() == 1


def test_facilitator_deletes_someone_elses_message(people: People, thread: Thread) -> None:
    message = first(thread)
    assert client_for(people.facilitator).post(
        reverse("message-delete", args=["rma", message.pk])).status_code == 302
    message.refresh_from_db()
    assert message.deleted_at is not None and message.deleted_by == people.facilitator


def test_reactions_toggle_and_say_who_reacted(people: People, thread: Thread) -> None:
    message = first(thread)
    url = reverse("message-react", args=["rma", message.pk])
    toggle_reaction(actor=people.facilitator, message=message, emoji=EMOJI[0])
    client = client_for(people.other_member)
    assert client.post(url, {"emoji": EMOJI[0]}).status_code == 302
    shown = message_html(thread_page(client, thread), message.pk)
    chip = re.search(r'<button[^>]*class="reaction"[^>]*>', shown)
    assert chip is not None
    assert 'aria-pressed="true"' in chip.group(0)
    assert "Florence Animatrice, Noémie Membre" in chip.group(0)
    assert re.search(r'class="reaction-count"[^>]*>2<', shown)
    assert client.post(url, {"emoji": EMOJI[0]}).status_code == 302
    shown = message_html(thread_page(client, thread), message.pk)
    assert 'aria-pressed="false"' in shown and "Noémie Membre" not in shown.split("picker")[0]
    # An emoji outside the set is refused in French, and live.js gets the refusal as JSON.
    answer = client.post(url, {"emoji": "🦄"}, headers={"X-Requested-With": "fetch"})
    assert answer.status_code == 400 and "Réaction inconnue" in answer.json()["message"]
    assert client.post(url, {"emoji": EMOJI[1]},
                       headers={"X-Requested-With": "fetch"}).status_code == 204


def test_facilitator_pins_locks_and_renames(people: People, thread: Thread) -> None:
    client = client_for(people.facilitator)
    assert client.post(reverse("thread-pin", args=["rma", thread.pk]),
                       {"pinned": "1"}).status_code == 302
    assert client.post(reverse("thread-lock", args=["rma", thread.pk]),
                       {"locked": "1"}).status_code == 302
    assert client.post(reverse("thread-rename", args=["rma", thread.pk]),
                       {"title": "Bancs publics accessibles"}).status_code == 302
    thread.refresh_from_db()
    assert thread.pinned_at and thread.locked_at and thread.title == "Bancs publics accessibles"
    html = thread_page(client, thread)
    assert "Désépingler" in html and "Déverrouiller" in html
    assert client.post(reverse("thread-lock", args=["rma", thread.pk]),
                       {"locked": "0"}).status_code == 302
    thread.refresh_from_db()
    assert thread.locked_at is None
    kinds = set(Event.objects.values_list("kind", flat=True))
    assert {"thread.pinned", "thread.locked", "thread.updated"} <= kinds


def test_a_member_may_not_pin_or_lock_and_renames_only_own(people: People,
                                                           thread: Thread) -> None:
    other = client_for(people.other_member)
    for name, field in (("thread-pin", "pinned"), ("thread-lock", "locked")):
        response = other.post(reverse(name, args=["rma", thread.pk]), {field: "1"})
        assert response.status_code == 403
        assert "Seules les personnes qui animent l'espace" in unescape(response.content.decode())
    rename = other.post(reverse("thread-rename", args=["rma", thread.pk]), {"title": "Pris"})
    assert rename.status_code == 403 and "renommer" in rename.content.decode()
    thread.refresh_from_db()
    assert not thread.pinned_at and not thread.locked_at and thread.title == "Bancs accessibles"
    html = thread_page(other, thread)
    assert "Épingler" not in html and "Verrouiller</button>" not in html
    # The author renames their own thread.
    assert client_for(people.member).post(reverse("thread-rename", args=["rma", thread.pk]),
                                          {"title": "Bancs"}).status_code == 302
    empty = client_for(people.member).post(reverse("thread-rename", args=["rma", thread.pk]),
                                           {"title": "  "})
    assert empty.status_code == 400 and "Le titre doit compter" in empty.content.decode()


def test_locked_thread_shows_the_notice_and_keeps_a_refused_text(people: People,
                                                                 thread: Thread) -> None:
    lock_thread(actor=people.facilitator, thread=thread, locked=True)
    client = client_for(people.other_member)
    html = thread_page(client, thread)
    assert "Ce fil est verrouillé." in html
    composer = re.search(r'<section id="composer"[^>]*>', html)
    assert composer is not None and "hidden" in composer.group(0)
    response = client.post(reverse("thread", args=["rma", thread.pk]),
                           {"body": "Mon texte à ne pas perdre"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Ce fil est verrouillé : il n'accepte plus de nouveaux messages." in unescape(html)
    assert "Mon texte à ne pas perdre" in html
    assert not Message.objects.filter(body="Mon texte à ne pas perdre").exists()


def test_space_page_shows_unread_badges_pinned_first(people: People, thread: Thread) -> None:
    later = start_thread(actor=people.other_member, space=people.space, title="Trottoirs",
                         body="Déneigement ?").thread
    post_message(actor=people.facilitator, thread=later, body="Bonne question")
    post_message(actor=people.facilitator, thread=thread, body="Voici un guide")
    post_message(actor=people.other_member, thread=thread, body="Et un autre")
    client = client_for(people.member)
    html = client.get(reverse("space", args=["rma"])).content.decode()
    assert "2 non lus" in html  # two by others in each thread; Marc's own opener not counted
    assert html.index("Bancs accessibles") < html.index("Trottoirs")  # latest activity
    client_for(people.facilitator).post(reverse("thread-pin", args=["rma", later.pk]),
                                        {"pinned": "1"})
    html = client.get(reverse("space", args=["rma"])).content.decode()
    assert html.index("Trottoirs") < html.index("Bancs accessibles")
    assert "Épinglé" in html
    # Opening the thread reads it: its badge goes.
    thread_page(client, thread)
    html = client.get(reverse("space", args=["rma"])).content.decode()
    item = html[html.index(f'id="thread-{thread.pk}"'):]
    item = item[:item.index("</li>")]
    assert 'data-unread="0"' in item and "hidden" in item


def test_first_unread_link_targets_the_first_message_by_others(people: People,
                                                                thread: Thread) -> None:
    client = client_for(people.member)
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


def test_outsider_gets_404_on_every_conversation_url(people: People, thread: Thread) -> None:
    message = first(thread)
    client = client_for(people.outsider)
    gets = [reverse(name, args=["rma", message.pk]) for name in
            ("message-edit", "message-delete", "message-history")]
    gets += [reverse("thread-rename", args=["rma", thread.pk])]
    for url in gets:
        assert client.get(url).status_code == 404, url
    posts = [(reverse("message-react", args=["rma", message.pk]), {"emoji": EMOJI[0]}),
             (reverse("message-edit", args=["rma", message.pk]), {"body": "x"}),
             (reverse("message-delete", args=["rma", message.pk]), {}),
             (reverse("thread-pin", args=["rma", thread.pk]), {"pinned": "1"}),
             (reverse("thread-lock", args=["rma", thread.pk]), {"locked": "1"}),
             (reverse("thread-read", args=["rma", thread.pk]), {"up_to": message.pk}),
             (reverse("thread", args=["rma", thread.pk]), {"body": "intrus"})]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    # A message is only reachable under its own space.
    assert client_for(people.member).get(
        reverse("message-history", args=["autre", message.pk])).status_code == 404
    message.refresh_from_db()
    assert message.body == "Qui a un **guide** des bancs ?" and not message.reactions.exists()


def test_read_endpoint_for_live_js(people: People, thread: Thread) -> None:
    reply = post_message(actor=people.other_member, thread=thread, body="Nouveau").message
    response = client_for(people.member).post(
        reverse("thread-read", args=["rma", thread.pk]), {"up_to": reply.pk},
        headers={"X-Requested-With": "fetch"})
    assert response.status_code == 204
    assert ReadPosition.objects.get(user=people.member, thread=thread).last_read_message == \
        reply.pk
    assert Event.objects.filter(owner=people.member, kind="read.updated").exists()


def test_thread_page_query_count_does_not_grow(people: People, thread: Thread) -> None:
    client = client_for(people.other_member)
    thread_page(client, thread)

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            thread_page(client, thread)
        return len(captured)

    few = count()
    for n in range(15):
        reply = post_message(actor=people.facilitator, thread=thread, body=f"Réponse {n}",
                             reply_to=first(thread).pk).message
        toggle_reaction(actor=people.member, message=reply, emoji=EMOJI[n % len(EMOJI)])
    thread_page(client, thread)  # the read position moves once
    assert count() == few


def test_conversation_pages_carry_no_inline_code(people: People, thread: Thread) -> None:
    message = first(thread)
    toggle_reaction(actor=people.other_member, message=message, emoji=EMOJI[0])
    client = client_for(people.member)
    urls = [reverse("thread", args=["rma", thread.pk]),
            reverse("message-edit", args=["rma", message.pk]),
            reverse("message-delete", args=["rma", message.pk]),
            reverse("message-history", args=["rma", message.pk]),
            reverse("thread-rename", args=["rma", thread.pk])]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "script-src 'self'" in response["Content-Security-Policy"]
        html = response.content.decode()
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, tag
        assert not re.search(r"\son[a-z]+\s*=", html), url
    # What live.js needs comes as data: who I am, my stream's head, the message skeleton.
    html = client.get(urls[0]).content.decode()
    assert '<template id="message-template">' in html
    assert f'"me": {{"id": {people.member.pk}' in html and '"moderator": false' in html
    assert 'id="mention-members"' in html and "Noémie Membre" in html


def test_thread_page_in_english(people: People, thread: Thread) -> None:
    client = client_for(people.member)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("thread", args=["rma", thread.pk])).content.decode()
    assert "Reply" in html and "Edit" in html and "Add a reaction" in html
    assert "Répondre" not in html and "Modifier" not in html


# --- long threads are shown a page at a time ----------------------------------------------
# The point is that it is the same for 10 and 1,000. Issue 4 added three: attached documents
# (one prefetch for the page), the documents the composer offers to attach, and the space's
# upload rule (for a member; a facilitator may always upload). The membership visible_thread
# reads serves the page's later permission checks too (two fewer).
QUERIES_FOR_A_THREAD_PAGE = 19


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


def test_a_long_thread_opens_on_its_last_page_with_a_link_to_older_messages(people):
    thread, ids = _long_thread(people, 120)
    client = Client()
    client.force_login(people.facilitator)
    mark_read(actor=people.facilitator, thread=thread, up_to=ids[-1])
    answer = client.get(reverse("thread", args=["rma", thread.pk]))
    assert _shown(answer) == ids[-50:]
    assert f"?avant={ids[-50]}" in answer.content.decode()
    older = client.get(reverse("thread", args=["rma", thread.pk]) + f"?avant={ids[-50]}")
    assert _shown(older) == ids[-100:-50]


def test_a_long_thread_opens_at_the_first_unread_message(people):
    thread, ids = _long_thread(people, 120)
    mark_read(actor=people.member, thread=thread, up_to=ids[39])
    client = Client()
    client.force_login(people.member)
    answer = client.get(reverse("thread", args=["rma", thread.pk]))
    shown = _shown(answer)
    assert shown[0] == ids[37] and ids[40] in shown and len(shown) == 50
    page = answer.content.decode()
    assert "data-not-at-end" in page and f"?apres={shown[-1]}" in page


@pytest.mark.parametrize("size", [10, 1000])
def test_the_thread_page_costs_the_same_queries_whatever_its_length(
        people, size, django_assert_num_queries):
    thread, ids = _long_thread(people, size)
    mark_read(actor=people.member, thread=thread, up_to=ids[-1])
    client = Client()
    client.force_login(people.member)
    client.get(reverse("thread", args=["rma", thread.pk]))  # warm the session
    with django_assert_num_queries(QUERIES_FOR_A_THREAD_PAGE):
        client.get(reverse("thread", args=["rma", thread.pk]))


def test_a_link_to_an_old_message_opens_the_page_that_holds_it(people):
    thread, ids = _long_thread(people, 120)
    client = Client()
    client.force_login(people.member)
    mark_read(actor=people.member, thread=thread, up_to=ids[-1])
    answer = client.get(reverse("thread", args=["rma", thread.pk]) + f"?message={ids[10]}")
    assert ids[10] in _shown(answer) and _shown(answer)[0] == ids[7]
