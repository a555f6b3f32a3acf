"""Two people converse live in Chromium: replies, mentions, reactions, edits and deletions
reach the other person without a reload; typing shows; read positions follow the person
across devices; the composer and the thread list work from the keyboard alone; axe-core
finds nothing to fix on a busy thread or on the space page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from communities.models import Message, Thread
from communities.services.discussion import post_message, start_thread
from tests.browser.conftest import (
    LIVE,
    SCREENSHOTS,
    WAIT_MS,
    assert_accessible,
    new_page,
    open_live,
    sign_in,
    tab_to,
)
from tests.conftest import People

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def thread(people: People) -> Thread:
    posted = start_thread(actor=people.facilitator, space=people.space,
                          title="Aménagement des parcs",
                          body="Bonjour à toutes et à tous !\n\nQuels **aménagements** avez-vous "
                               "faits cette année ?")
    post_message(actor=people.member, thread=posted.thread,
                 body="Des bancs avec accoudoirs et des *sentiers* élargis.")
    return posted.thread


def message(page, text: str):  # type: ignore[no-untyped-def]
    return page.locator(".message", has_text=text)


def test_two_people_converse_live(people: People, server: str, browser, thread: Thread) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    path = reverse("thread", args=["rma", thread.pk])
    marc = new_page(browser, server)
    noemie = new_page(browser, server)
    sign_in(marc, people.member.email)
    sign_in(noemie, people.other_member.email)
    open_live(marc, path)
    open_live(noemie, path)
    marc.evaluate("window.__notReloaded = true")

    # Noémie answers Marc's message, mentioning him through the suggestions.
    message(noemie, "accoudoirs").get_by_role("link", name="Répondre").click()
    expect(noemie.locator("[data-replying]")).to_contain_text("Marc Membre")
    composer = noemie.get_by_role("textbox", name="Votre réponse")
    expect(composer).to_be_focused()
    composer.press_sequentially("Merci @mar")
    expect(noemie.get_by_role("option", name="Marc Membre")).to_be_visible()
    composer.press("Enter")
    composer.press_sequentially("! Les ")
    composer.press("Control+i")
    composer.press_sequentially("sentiers")
    composer.press("Control+i")
    composer.press_sequentially(" de quelle largeur ?")
    # The person reads the name and the italics; the form sends the mention bound to Marc by
    # his id (a namesake who joins later is not him).
    expect(composer).to_have_text("Merci @Marc Membre ! Les sentiers de quelle largeur ?")
    stored = noemie.locator("[data-composer-form] textarea[name=body]")
    expect(stored).to_have_value(
        f"Merci @**Marc Membre|{people.member.pk}** ! Les *sentiers* de quelle largeur ?")
    noemie.get_by_role("button", name="Publier la réponse").click()
    expect(message(noemie, "de quelle largeur")).to_be_visible(timeout=WAIT_MS)
    expect(stored).to_have_value("")
    assert Message.objects.latest("pk").body == (
        f"Merci @**Marc Membre|{people.member.pk}** ! Les *sentiers* de quelle largeur ?")

    reply = message(marc, "de quelle largeur")
    expect(reply).to_be_visible(timeout=WAIT_MS)
    expect(reply.locator(".reply-quote")).to_contain_text("Marc Membre")
    expect(reply.locator(".mention")).to_have_text("@Marc Membre")
    expect(marc.locator("[data-live-region]")).to_contain_text(
        "Noémie Membre vous mentionne dans « Aménagement des parcs »")
    expect(marc.locator("[data-notices]")).to_contain_text("vous mentionne")

    # Marc reacts; Noémie sees who.
    reply.locator("summary").click()
    reply.get_by_role("button", name="Réagir : d'accord").click()
    mine = reply.locator("button.reaction")
    expect(mine).to_have_attribute("aria-pressed", "true", timeout=WAIT_MS)
    theirs = message(noemie, "de quelle largeur").locator("button.reaction")
    expect(theirs).to_have_attribute("aria-label", "👍 1 — Marc Membre", timeout=WAIT_MS)
    expect(theirs).to_have_attribute("aria-pressed", "false")
    message(noemie, "Bonjour à toutes").locator("summary").click()
    message(noemie, "Bonjour à toutes").get_by_role("button", name="Réagir : bravo").click()
    expect(message(marc, "Bonjour à toutes").locator("button.reaction")).to_contain_text(
        "1", timeout=WAIT_MS)

    # Noémie posts a duplicate, edits her reply, deletes the duplicate.
    noemie.get_by_role("textbox", name="Votre réponse").fill("Doublon, désolée")
    noemie.get_by_role("button", name="Publier la réponse").click()
    expect(message(marc, "Doublon")).to_be_visible(timeout=WAIT_MS)
    message(noemie, "de quelle largeur").get_by_role("link", name="Modifier").click()
    # The form arrives, then the editor takes its field's place: type once it has.
    expect(noemie.locator(".inline-edit [data-editor]")).to_be_visible(timeout=WAIT_MS)
    noemie.get_by_label("Nouveau texte du message").fill(
        "Merci Marc ! Les sentiers font quelle largeur, au juste ?")
    noemie.get_by_role("button", name="Enregistrer la modification").click()
    edited = message(marc, "au juste")
    expect(edited).to_be_visible(timeout=WAIT_MS)
    expect(edited.get_by_role("link", name=re.compile("modifié"))).to_be_visible()
    expect(edited.locator("button.reaction")).to_have_attribute("aria-pressed", "true")
    # Deleted in place; the short undo delay passes, then the server forgets it.
    message(noemie, "Doublon").get_by_role("link", name="Supprimer").click()
    expect(noemie.locator("[data-undo-bar]")).to_contain_text("Message supprimé.")
    expect(marc.locator(".message.is-deleted .tombstone")).to_have_text("message supprimé",
                                                                        timeout=WAIT_MS)
    expect(message(marc, "Doublon")).to_have_count(0)

    # Typing shows to the other person and goes away on its own.
    noemie.get_by_role("textbox", name="Votre réponse").press_sequentially("Je vérifie")
    typing = marc.locator("[data-typing]")
    expect(typing).to_have_text("Noémie Membre est en train d'écrire…", timeout=WAIT_MS)
    assert marc.evaluate("window.__notReloaded") is True
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    marc.screenshot(path=str(SCREENSHOTS / "conversation-thread.png"), full_page=True)
    expect(typing).to_be_hidden(timeout=WAIT_MS)

    assert_accessible(marc, "fil avec réponses, réactions et message supprimé")
    edited_id = edited.get_attribute("data-message-id")
    assert edited_id and edited_id.isdigit() and edited_id != "999999999"
    edited.get_by_role("link", name=re.compile("modifié")).click()
    expect(marc.get_by_role("heading", level=1)).to_have_text("Historique du message")
    expect(marc.locator(".revision-old")).to_contain_text("de quelle largeur")
    noemie.goto(reverse("message-history", args=["rma", edited_id]))
    expect(noemie.locator(".revision")).to_have_count(2)
    assert_accessible(noemie, "historique")
    noemie.screenshot(path=str(SCREENSHOTS / "conversation-history.png"), full_page=True)
    open_live(marc, reverse("space", args=["rma"]))
    assert_accessible(marc, "espace")


def test_typing_before_the_page_is_live_is_sent_once_it_is(people: People, server: str,  # type: ignore[no-untyped-def]
                                                           browser, thread: Thread) -> None:
    """A keystroke made before the server confirms the subscription used to be dropped (socket
    not open yet) and the 2 s throttle then swallowed the rest: the hint goes out once live."""
    import json

    from playwright.sync_api import expect

    page = new_page(browser, server)
    sign_in(page, people.other_member.email)
    sockets, sent = [], []

    def hold(ws):  # type: ignore[no-untyped-def]
        # No server behind it: the test decides when the subscription is confirmed.
        sockets.append(ws)
        ws.on_message(lambda text: sent.append(json.loads(text)))

    page.route_web_socket(re.compile(r"/ws/$"), hold)
    page.goto(reverse("thread", args=["rma", thread.pk]))
    wait_until(page, lambda: any(f["type"] == "subscribe" for f in sent))
    page.get_by_role("textbox", name="Votre réponse").press_sequentially("Oui")
    page.wait_for_timeout(300)
    assert not [f for f in sent if f["type"] == "typing"]
    sockets[0].send(json.dumps({"type": "subscribed", "space": "rma", "head": 0}))
    expect(page.locator("[data-live-status]")).to_have_text(LIVE, timeout=WAIT_MS)
    wait_until(page, lambda: any(f["type"] == "typing" for f in sent))
    assert [f for f in sent if f["type"] == "typing"] == [
        {"type": "typing", "space": "rma", "thread": thread.pk}]


def test_a_reaction_before_the_page_is_live_still_shows(people: People, server: str,  # type: ignore[no-untyped-def]
                                                         browser, thread: Thread) -> None:
    """A reaction sent with fetch shows when its event comes back over the subscription; with
    the socket open but the subscription not confirmed, it used to wait for an event that
    might never come. It is submitted the classic way instead, and the reloaded page shows it."""
    import json

    from playwright.sync_api import expect

    page = new_page(browser, server)
    sign_in(page, people.other_member.email)
    sent: list[dict] = []
    # A socket that opens but never confirms the subscription.
    page.route_web_socket(re.compile(r"/ws/$"),
                          lambda ws: ws.on_message(lambda text: sent.append(json.loads(text))))
    page.goto(reverse("thread", args=["rma", thread.pk]))
    wait_until(page, lambda: any(f["type"] == "subscribe" for f in sent))
    message(page, "accoudoirs").locator("summary").click()
    message(page, "accoudoirs").get_by_role("button", name="Réagir : d'accord").click()
    expect(message(page, "accoudoirs").locator("button.reaction")).to_have_attribute(
        "aria-pressed", "true", timeout=WAIT_MS)


def test_typing_after_a_resync_keeps_the_offer_to_reload(people: People, server: str,  # type: ignore[no-untyped-def]
                                                          browser, thread: Thread) -> None:
    """After a resync the server no longer counts the page as subscribed and answers a typing
    hint with an error; that error used to replace the "reload" offer on the status line of
    someone who was typing (the very case where the page does not reload by itself)."""
    import json

    from playwright.sync_api import expect

    page = new_page(browser, server)
    sign_in(page, people.other_member.email)
    sockets, sent = [], []

    def serve(ws):  # type: ignore[no-untyped-def]
        # Answers as realtime/consumer.py does once the subscription is gone.
        def on_message(text: str) -> None:
            frame = json.loads(text)
            sent.append(frame)
            if frame["type"] == "typing":
                ws.send(json.dumps({"type": "error", "code": "bad_frame",
                                    "message": "Abonnez-vous d'abord à cet espace."}))
        sockets.append(ws)
        ws.on_message(on_message)

    page.route_web_socket(re.compile(r"/ws/$"), serve)
    page.goto(reverse("thread", args=["rma", thread.pk]))
    wait_until(page, lambda: any(f["type"] == "subscribe" for f in sent))
    sockets[0].send(json.dumps({"type": "subscribed", "space": "rma", "head": 0}))
    status = page.locator("[data-live-status]")
    expect(status).to_have_text(LIVE, timeout=WAIT_MS)
    # A draft, written without keystrokes so that no hint goes out before the resync.
    page.evaluate("document.querySelector('[data-composer-form] textarea').value = 'Brouillon'")
    sockets[0].send(json.dumps({"type": "resync", "space": "rma", "reason": "pruned",
                                "head": 99}))
    reload = status.get_by_role("button", name="Recharger la page")
    expect(reload).to_be_visible(timeout=WAIT_MS)
    page.get_by_role("textbox", name="Votre réponse").press_sequentially(" et la suite")
    page.wait_for_timeout(300)  # time for a hint, if one were sent, to be answered
    assert not [f for f in sent if f["type"] == "typing"]
    expect(reload).to_be_visible()


def wait_until(page, condition) -> None:  # type: ignore[no-untyped-def]
    # Frames reach the route handler while Playwright pumps events, hence the page's own wait.
    for _ in range(WAIT_MS // 50):
        if condition():
            return
        page.wait_for_timeout(50)
    raise AssertionError("condition not met in time")


def test_unread_badges_follow_the_person_across_devices(people: People, server: str,
                                                        browser, thread: Thread) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    post_message(actor=people.other_member, thread=thread, body="Une nouvelle réponse")
    start_thread(actor=people.other_member, space=people.space, title="Déneigement",
                 body="Vos pratiques ?")
    laptop = new_page(browser, server)
    phone = new_page(browser, server)
    sign_in(laptop, people.member.email)
    sign_in(phone, people.member.email)
    open_live(laptop, reverse("space", args=["rma"]))
    item = laptop.locator(f"#thread-{thread.pk}")
    expect(item.locator("[data-unread]")).to_have_text("2 non lus")
    # Presence is sent after the subscription's replay: it crosses the websocket.
    expect(laptop.locator("[data-online]")).to_contain_text("Marc Membre", timeout=WAIT_MS)

    # Someone else posts: the badge grows, and the thread moves to the top.
    post_message(actor=people.facilitator, thread=thread, body="Et une autre")
    expect(item.locator("[data-unread]")).to_have_text("3 non lus", timeout=WAIT_MS)
    expect(laptop.locator(".thread-item").first).to_have_id(f"thread-{thread.pk}")

    # Pinned and locked threads say so in words, not only in colour.
    from communities.services.moderation import lock_thread, pin_thread

    pin_thread(actor=people.facilitator, thread=thread, pinned=True)
    expect(item.locator("[data-flag=pinned]")).to_be_visible(timeout=WAIT_MS)
    other = laptop.locator(".thread-item", has_text="Déneigement")
    lock_thread(actor=people.facilitator, thread=Thread.objects.get(title="Déneigement"),
                locked=True)
    expect(other.locator("[data-flag=locked]")).to_be_visible(timeout=WAIT_MS)
    expect(other.locator("[data-flag=locked]")).to_have_text("🔒 Verrouillé")
    expect(laptop.locator(".thread-item").first).to_have_id(f"thread-{thread.pk}")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    laptop.screenshot(path=str(SCREENSHOTS / "conversation-space-unread.png"), full_page=True)
    assert_accessible(laptop, "espace avec non-lus, épinglé et verrouillé")

    # Reading it on the phone clears it on the laptop.
    phone.goto(reverse("thread", args=["rma", thread.pk]))
    expect(item.locator("[data-unread]")).to_be_hidden(timeout=WAIT_MS)
    expect(laptop.locator("[data-online]")).to_contain_text("Marc Membre", timeout=WAIT_MS)


def test_a_read_position_lost_to_the_network_is_sent_again(people: People, server: str,  # type: ignore[no-untyped-def]
                                                            browser, thread: Thread) -> None:
    """The person's other devices learn what was read even when the first report failed."""
    from playwright.sync_api import expect

    from communities.models import ReadPosition

    page = new_page(browser, server)
    sign_in(page, people.member.email)
    open_live(page, reverse("thread", args=["rma", thread.pk]))
    attempts: list[str] = []

    def fail_the_first(route):  # type: ignore[no-untyped-def]
        attempts.append(route.request.method)
        if len(attempts) == 1:
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route(re.compile(rf"/fils/{thread.pk}/lu/$"), fail_the_first)
    arrived = post_message(actor=people.other_member, thread=thread,
                           body="Arrivée en direct").message
    expect(message(page, "Arrivée en direct")).to_be_visible(timeout=WAIT_MS)

    def read_up_to() -> int:
        position = ReadPosition.objects.filter(user=people.member, thread=thread).first()
        return position.last_read_message if position else 0

    for _ in range(WAIT_MS // 200):
        if read_up_to() >= arrived.pk:
            break
        page.wait_for_timeout(200)
    assert read_up_to() == arrived.pk
    assert attempts == ["POST", "POST"]
    expect(page.locator("[data-live-status]")).to_have_text(LIVE)


def test_keyboard_only(people: People, server: str, browser, thread: Thread) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page = new_page(browser, server)
    sign_in(page, people.other_member.email)
    open_live(page, reverse("space", args=["rma"]))
    tab_to(page, "el.matches('[data-thread-link]') && el.textContent.includes('Aménagement')")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/fils/{thread.pk}/$"))
    expect(page.locator("[data-live-status]")).to_have_text("Mises à jour en direct actives.",
                                                            timeout=WAIT_MS)
    tab_to(page, "el.matches('[data-composer-form] [data-editor]')")
    page.keyboard.type("Bravo @flo")
    options = page.get_by_role("listbox")
    expect(options).to_be_visible()
    composer = page.get_by_role("textbox", name="Votre réponse")
    expect(composer).to_have_attribute("aria-activedescendant", re.compile("mention-list"))
    page.keyboard.press("Escape")
    expect(options).to_be_hidden()
    page.keyboard.type("r")
    expect(page.get_by_role("option", name="Florence Animatrice")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#composer").screenshot(path=str(SCREENSHOTS / "conversation-mention.png"))
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    page.keyboard.type("pour ce fil !")
    expect(composer).to_have_text("Bravo @Florence Animatrice pour ce fil !")
    tab_to(page, "el.matches('button[type=submit]')"
                 " && el.textContent.includes('Publier la réponse')")
    page.keyboard.press("Enter")
    expect(page.locator(".message").last).to_contain_text("Bravo @Florence Animatrice",
                                                          timeout=WAIT_MS)
    assert Message.objects.latest("pk").body == (
        f"Bravo @**Florence Animatrice|{people.facilitator.pk}** pour ce fil !")
