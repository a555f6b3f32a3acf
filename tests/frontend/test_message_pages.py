"""Writing in a thread without JavaScript: replies (quoted or not), refused texts kept, edits
with their history, deletions that leave a tombstone, and reactions."""

from __future__ import annotations

import re
from html import unescape

from django.urls import reverse

from communities.models import Event, Message, MessageRevision, Thread
from communities.services.discussion import MAX_BODY_CHARS, post_message
from communities.services.moderation import lock_thread
from communities.services.reactions import EMOJI, toggle_reaction
from tests.clients import Personas
from tests.conftest import People
from tests.frontend.helpers import first, message_html, thread_page


def test_reply_form_posts_message_and_redirects_to_it(
        web: Personas, people: People, thread: Thread) -> None:
    client = web.facilitator
    response = client.post(reverse("thread", args=["rma", thread.pk]), {"body": "Merci !"})
    message = Message.objects.get(body="Merci !")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#message-{message.pk}")
    event = Event.objects.get(space=people.space, seq=people.space.event_head + 1)
    assert event.kind == "message.created"
    assert "Votre message est publié." in client.get(response["Location"]).content.decode()


def test_empty_reply_shows_french_error_and_writes_nothing(
        web: Personas, people: People, thread: Thread) -> None:
    count = Message.objects.count()
    response = web.member.post(
        reverse("thread", args=["rma", thread.pk]), {"body": "   "})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Le message est vide." in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_body_helptext id_body_error"' in html
    assert 'id="id_body_error"' in html
    assert Message.objects.count() == count


def test_too_long_reply_keeps_the_text(web: Personas, people: People, thread: Thread) -> None:
    body = "Un long texte. " * (MAX_BODY_CHARS // 10)
    response = web.member.post(
        reverse("thread", args=["rma", thread.pk]), {"body": body})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Le message dépasse 20 000 caractères" in html
    assert body.strip()[:200] in html and html.count("Un long texte.") >= MAX_BODY_CHARS // 10


def test_locked_thread_shows_the_notice_and_keeps_a_refused_text(
        web: Personas, people: People, thread: Thread) -> None:
    lock_thread(actor=people.facilitator, thread=thread, locked=True)
    client = web.other_member
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


def test_reply_via_the_form_shows_the_quote(web: Personas, people: People, thread: Thread) -> None:
    original = first(thread)
    client = web.other_member
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


def test_author_edits_and_members_see_the_history(
        web: Personas, people: People, thread: Thread) -> None:
    message = first(thread)
    client = web.member
    url = reverse("message-edit", args=["rma", message.pk])
    assert "Qui a un **guide** des bancs ?" in client.get(url).content.decode()
    response = client.post(url, {"body": "Qui a un *guide* des bancs publics ?"})
    assert response.status_code == 302 and response["Location"].endswith(f"#message-{message.pk}")
    message.refresh_from_db()
    assert message.edited_at is not None and "<em>guide</em>" in message.html
    assert MessageRevision.objects.filter(message=message).count() == 1
    shown = message_html(thread_page(web.other_member, thread), message.pk)
    history_url = reverse("message-history", args=["rma", message.pk])
    assert "modifié" in shown and history_url in shown
    history = web.other_member.get(history_url).content.decode()
    assert "Version actuelle" in history and "publics" in history
    assert "<strong>guide</strong>" in history  # the earlier wording, still readable


def test_someone_else_cannot_edit(web: Personas, people: People, thread: Thread) -> None:
    message = first(thread)
    url = reverse("message-edit", args=["rma", message.pk])
    for client in (web.other_member, web.facilitator):
        assert client.get(url).status_code == 403
        refused = client.post(url, {"body": "Réécrit par une autre"})
        assert refused.status_code == 403
        assert "Vous ne pouvez modifier que vos propres messages." in refused.content.decode()
    message.refresh_from_db()
    assert message.body == "Qui a un **guide** des bancs ?" and message.edited_at is None
    # Nor is the edit link offered to others.
    assert url not in thread_page(web.other_member, thread)


def test_delete_asks_then_leaves_a_tombstone(web: Personas, people: People, thread: Thread) -> None:
    reply = post_message(actor=people.other_member, thread=thread, body="Oups, doublon").message
    url = reverse("message-delete", args=["rma", reply.pk])
    assert web.member.get(url).status_code == 403
    client = web.other_member
    confirm = client.get(url).content.decode()
    assert "Supprimer ce message ?" in confirm and "Oups, doublon" in confirm
    assert client.post(url).status_code == 302
    shown = message_html(thread_page(client, thread), reply.pk)
    assert "message supprimé" in shown and "Oups, doublon" not in shown
    assert Event.objects.filter(kind="message.deleted").count() == 1


def test_facilitator_deletes_someone_elses_message(
        web: Personas, people: People, thread: Thread) -> None:
    message = first(thread)
    assert web.facilitator.post(
        reverse("message-delete", args=["rma", message.pk])).status_code == 302
    message.refresh_from_db()
    assert message.deleted_at is not None and message.deleted_by == people.facilitator


def test_reactions_toggle_and_say_who_reacted(
        web: Personas, people: People, thread: Thread) -> None:
    message = first(thread)
    url = reverse("message-react", args=["rma", message.pk])
    toggle_reaction(actor=people.facilitator, message=message, emoji=EMOJI[0])
    client = web.other_member
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
