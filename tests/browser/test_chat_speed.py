"""The conversation at chat speed, in Chromium on a phone-sized screen: Enter sends and
Shift+Enter makes a new line (the other way round when chosen, remembered), the toolbar's
Ctrl+B stores Markdown the reader sees as bold, a message is edited and deleted in place (with
an undo), a message arriving while one reads above does not move the page but shows a pill;
without JavaScript the same edits go through their own pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from communities.models import Message, Thread
from communities.services.discussion import post_message, start_thread
from tests.browser.conftest import (
    SCREENSHOTS,
    WAIT_MS,
    assert_accessible,
    new_page,
    open_live,
    sign_in,
)
from tests.conftest import People

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def thread(people: People) -> Thread:
    posted = start_thread(actor=people.facilitator, space=people.space,
                          title="Parcs inclusifs",
                          body="Quels **aménagements** avez-vous faits cette année ?")
    post_message(actor=people.member, thread=posted.thread,
                 body="Des bancs avec accoudoirs et des *sentiers* élargis.")
    return posted.thread


def _path(thread: Thread) -> str:
    return reverse("thread", args=["rma", thread.pk])


def test_enter_sends_and_shift_enter_makes_a_new_line(people: People, server: str,  # type: ignore[no-untyped-def]
                                                      browser, thread: Thread) -> None:
    from playwright.sync_api import expect

    page = new_page(browser, server, viewport=PHONE)
    sign_in(page, people.other_member.email)
    open_live(page, _path(thread))
    page.evaluate("window.__stayed = true")
    composer = page.get_by_role("textbox", name="Votre réponse")
    # What the editor writes into the form (its hidden textarea).
    stored = page.locator("[data-composer-form] textarea[name=body]")
    expect(page.locator("[data-enter-hint]")).to_contain_text(
        "Entrée envoie le message, Maj+Entrée va à la ligne.")
    composer.click()
    page.keyboard.type("Première ligne")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("deuxième ligne")
    expect(stored).to_have_value("Première ligne\ndeuxième ligne")
    page.keyboard.press("Enter")
    posted = page.locator(".message", has_text="deuxième ligne")
    expect(posted).to_be_visible(timeout=WAIT_MS)
    expect(stored).to_have_value("")
    # Browsers send a textarea's line breaks as CRLF, as a form without the script does.
    assert Message.objects.latest("pk").body.replace("\r\n", "\n") == (
        "Première ligne\ndeuxième ligne")
    assert page.evaluate("window.__stayed") is True  # posted in place, no reload

    # The other way round, chosen once and remembered.
    page.get_by_role("button", name="Inverser").click()
    expect(page.locator("[data-enter-hint]")).to_contain_text(
        "Entrée va à la ligne, Ctrl+Entrée envoie le message.")
    page.reload()
    expect(page.locator("[data-enter-hint]")).to_contain_text("Ctrl+Entrée envoie")
    composer.click()
    page.keyboard.type("Alpha")
    page.keyboard.press("Enter")
    page.keyboard.type("Oméga")
    expect(stored).to_have_value("Alpha\nOméga")
    page.keyboard.press("Control+Enter")
    expect(page.locator(".message", has_text="Oméga")).to_be_visible(timeout=WAIT_MS)
    assert Message.objects.latest("pk").body.replace("\r\n", "\n") == "Alpha\nOméga"


def test_ctrl_b_stores_markdown_and_the_page_shows_bold(people: People, server: str,  # type: ignore[no-untyped-def]
                                                         browser, thread: Thread) -> None:
    from playwright.sync_api import expect

    page = new_page(browser, server, viewport=PHONE)
    sign_in(page, people.member.email)
    open_live(page, _path(thread))
    toolbar = page.get_by_role("toolbar", name="Mise en forme")
    for name in ("Gras", "Italique", "Liste à puces", "Lien", "Citation",
                 "Mentionner quelqu'un"):
        expect(toolbar.get_by_role("button", name=name, exact=True)).to_be_visible()
    composer = page.get_by_role("textbox", name="Votre réponse")
    composer.click()
    page.keyboard.type("C'est ")
    page.keyboard.press("Control+b")
    page.keyboard.type("important")
    # The editor shows bold; the form carries its Markdown.
    stored = page.locator("[data-composer-form] textarea[name=body]")
    expect(composer.locator("b, strong")).to_have_text("important")
    expect(stored).to_have_value("C'est **important**")
    page.keyboard.press("Control+b")
    page.keyboard.type(" pour ")
    # The mention button opens the suggestions; the editor shows the name, not the syntax.
    toolbar.get_by_role("button", name="Mentionner quelqu'un").click()
    page.keyboard.type("Flo")
    page.keyboard.press("Enter")
    expect(composer).to_have_text("C'est important pour @Florence Animatrice\u00a0")
    page.keyboard.press("Enter")
    posted = page.locator(".message", has_text="pour @Florence")
    expect(posted.locator(".message-body strong")).to_have_text("important", timeout=WAIT_MS)
    expect(posted.locator(".mention")).to_have_text("@Florence Animatrice")
    assert "**" not in posted.inner_text()
    assert Message.objects.latest("pk").body == (
        f"C'est **important** pour @**Florence Animatrice|{people.facilitator.pk}**")


def test_edit_in_place_and_delete_with_undo(people: People, server: str, browser,  # type: ignore[no-untyped-def]
                                            thread: Thread) -> None:
    from playwright.sync_api import expect

    mine = post_message(actor=people.member, thread=thread,
                        body="Merci @**Florence Animatrice** pour le **rappel**").message
    answer = post_message(actor=people.other_member, thread=thread, body="Avec plaisir",
                          reply_to=mine.pk).message
    page = new_page(browser, server, viewport=PHONE)
    sign_in(page, people.member.email)
    open_live(page, _path(thread))
    page.evaluate("window.__stayed = true")
    row = page.locator(f"#message-{mine.pk}")
    row.get_by_role("link", name="Modifier").click()
    field = row.get_by_role("textbox", name="Nouveau texte du message")
    expect(field).to_be_focused()
    # The stored mention reads as the name in the form too, and the bold as bold.
    expect(field).to_have_text("Merci @Florence Animatrice pour le rappel")
    expect(field.locator("strong")).to_have_text("rappel")
    page.keyboard.press("Control+b")  # the caret, at the end, leaves the bold
    page.keyboard.type(", c'est noté")
    row.get_by_role("button", name="Enregistrer la modification").click()
    expect(row.locator(".message-body")).to_have_text(
        "Merci @Florence Animatrice pour le rappel, c'est noté")
    expect(row.get_by_role("link", name="Modifier")).to_be_focused()
    mine.refresh_from_db()
    assert mine.body == (f"Merci @**Florence Animatrice|{people.facilitator.pk}** pour le "
                         "**rappel**, c'est noté")
    # The reply's quote follows the edit live, as words.
    expect(page.locator(f"#message-{answer.pk} [data-slot=quote-excerpt]")).to_have_text(
        "Merci @Florence Animatrice pour le rappel, c'est noté", timeout=WAIT_MS)

    # Cancelling an edit puts the row back as it was.
    row.get_by_role("link", name="Modifier").click()
    row.get_by_role("link", name="Annuler").click()
    expect(row.locator(".message-body")).to_contain_text("c'est noté")

    # Delete, then undo: nothing reaches the server.
    row.get_by_role("link", name="Supprimer").click()
    undo = row.get_by_role("button", name="Annuler")
    expect(row.get_by_role("status")).to_contain_text("Message supprimé.")
    expect(undo).to_be_focused()
    undo.click()
    expect(row.locator(".message-body")).to_be_visible()
    page.wait_for_timeout(11_000)  # longer than the undo delay: the delete must not happen
    mine.refresh_from_db()
    assert mine.deleted_at is None

    # Delete for real: after the delay the service runs and the row is a tombstone.
    row.get_by_role("link", name="Supprimer").click()
    expect(row.locator(".tombstone")).to_have_text("message supprimé", timeout=WAIT_MS)
    mine.refresh_from_db()
    assert mine.deleted_at is not None
    assert page.evaluate("window.__stayed") is True


def test_a_new_message_while_reading_above_shows_a_pill(people: People, server: str,  # type: ignore[no-untyped-def]
                                                       browser, thread: Thread) -> None:
    from playwright.sync_api import expect

    for n in range(25):
        post_message(actor=people.other_member, thread=thread,
                     body=f"Message numéro {n} sur les parcs et leurs aménagements.")
    page = new_page(browser, server, viewport=PHONE)
    sign_in(page, people.member.email)
    open_live(page, _path(thread))
    page.evaluate("window.scrollTo(0, 300)")
    before = page.evaluate("window.scrollY")
    post_message(actor=people.other_member, thread=thread, body="Tout nouveau message")
    pill = page.locator("[data-new-pill]")
    expect(pill).to_have_text("1 nouveau message", timeout=WAIT_MS)
    assert page.evaluate("window.scrollY") == before
    post_message(actor=people.facilitator, thread=thread, body="Et un autre")
    expect(pill).to_have_text("2 nouveaux messages", timeout=WAIT_MS)
    pill.click()
    expect(pill).to_be_hidden()
    expect(page.locator(".message", has_text="Tout nouveau message")).to_be_in_viewport()


def test_the_thread_is_accessible_at_every_size(people: People, server: str, browser,  # type: ignore[no-untyped-def]
                                                thread: Thread) -> None:
    from playwright.sync_api import expect

    for n in range(12):
        post_message(actor=people.facilitator, thread=thread, body=f"Point {n} de la liste.")
    answered = Message.objects.filter(thread=thread).latest("pk")
    post_message(actor=people.other_member, thread=thread,
                 body="Je réponds à @**Marc Membre** avec une [fiche](https://exemple.qc.ca).",
                 reply_to=answered.pk)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((320, 640), (390, 844), (1366, 768)):
        page = new_page(browser, server, viewport={"width": width, "height": height})
        sign_in(page, people.member.email)
        open_live(page, _path(thread))
        expect(page.locator(".day-divider").first).to_have_text("Aujourd'hui")
        expect(page.locator("time[data-relative]").first).to_have_text("à l'instant")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        # The composer stays at the bottom of the screen while the messages scroll.
        page.evaluate("document.querySelector('.messages').scrollIntoView()")
        page.screenshot(path=str(SCREENSHOTS / f"chat-thread-{width}.png"))
        box = page.locator("[data-composer]").bounding_box()
        assert box and box["y"] + box["height"] <= height + 1
        assert_accessible(page, f"fil à {width}×{height}")
        page.context.close()


def test_without_javascript_edit_and_delete_use_their_pages(people: People, server: str,  # type: ignore[no-untyped-def]
                                                            browser, thread: Thread) -> None:
    from playwright.sync_api import expect

    mine = post_message(actor=people.member, thread=thread, body="Texte à corriger").message
    page = new_page(browser, server, viewport=PHONE, java_script_enabled=False)
    sign_in(page, people.member.email)
    page.goto(_path(thread))
    row = page.locator(f"#message-{mine.pk}")
    row.get_by_role("link", name="Modifier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Modifier mon message")
    page.get_by_label("Nouveau texte du message").fill("Texte corrigé")
    page.get_by_role("button", name="Enregistrer la modification").click()
    expect(page.locator(".flash")).to_contain_text("Votre message est modifié.")
    expect(row.locator(".message-body")).to_have_text("Texte corrigé")
    row.get_by_role("link", name="Supprimer").click()
    expect(page.locator(".confirm-quote")).to_have_text("Texte corrigé")
    page.get_by_role("button", name="Supprimer le message").click()
    expect(page.locator(".flash")).to_contain_text("Le message est supprimé.")
    expect(row.locator(".tombstone")).to_have_text("message supprimé")
    page.get_by_role("textbox", name="Votre réponse").fill("Réponse sans JavaScript")
    page.get_by_role("button", name="Publier la réponse").click()
    expect(page.locator(".flash")).to_contain_text("Votre message est publié.")
