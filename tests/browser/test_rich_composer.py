"""The rich composer in Chromium: what is typed reads formatted (bold, a list, a mention chip),
never as Markdown, while the message is stored as Markdown and rendered by the server; a
message edited in place opens in the same editor and, left untouched, is saved unchanged."""

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
DESKTOP = {"width": 1366, "height": 768}
EDITOR = "[data-composer-form] [data-editor]"
STORED = "[data-composer-form] textarea[name=body]"


@pytest.fixture
def thread(people: People) -> Thread:
    return start_thread(actor=people.facilitator, space=people.space, title="Parcs inclusifs",
                        body="Quels **aménagements** avez-vous faits ?").thread


def _path(thread: Thread) -> str:
    return reverse("thread", args=["rma", thread.pk])


def _reply_editor(people: People, server: str, browser, thread: Thread):  # type: ignore[no-untyped-def]
    """The member's phone on the live thread, the caret in the reply editor."""
    page = new_page(browser, server, viewport=PHONE)
    sign_in(page, people.member.email)
    open_live(page, _path(thread))
    editor = page.get_by_role("textbox", name="Votre réponse")
    editor.click()
    return page, editor


def test_ctrl_b_shows_bold_and_stores_markdown(people: People, server: str,  # type: ignore[no-untyped-def]
                                               browser, thread: Thread) -> None:
    from playwright.sync_api import expect

    page = new_page(browser, server, viewport=PHONE)
    sign_in(page, people.member.email)
    open_live(page, _path(thread))
    editor = page.get_by_role("textbox", name="Votre réponse")
    bold = page.get_by_role("toolbar", name="Mise en forme").get_by_role("button", name="Gras")
    editor.click()
    page.keyboard.type("C'est ")
    expect(bold).to_have_attribute("aria-pressed", "false")
    page.keyboard.press("Control+b")
    page.keyboard.type("important")
    expect(bold).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Control+b")
    page.keyboard.type(" pour mon_fichier, 2 * 3")
    # Seen bold, never as its syntax; the hidden textarea holds the Markdown.
    expect(editor.locator("b, strong")).to_have_text("important")
    expect(editor).to_have_text("C'est important pour mon_fichier, 2 * 3")
    assert "**" not in editor.inner_text()
    expect(page.locator(STORED)).to_have_value("C'est **important** pour mon_fichier, 2 * 3")
    expect(page.locator(STORED)).to_be_hidden()
    page.keyboard.press("Enter")
    posted = page.locator(".message", has_text="pour mon_fichier")
    expect(posted.locator(".message-body strong")).to_have_text("important", timeout=WAIT_MS)
    assert Message.objects.latest("pk").body == "C'est **important** pour mon_fichier, 2 * 3"
    expect(editor).to_have_text("")


def test_a_mention_is_a_chip_and_a_list_reads_as_a_list(people: People, server: str,  # type: ignore[no-untyped-def]
                                                        browser, thread: Thread) -> None:
    from playwright.sync_api import expect

    page, editor = _reply_editor(people, server, browser, thread)
    page.keyboard.type("Merci @Flo")
    expect(page.get_by_role("option", name="Florence Animatrice · Espace MUNI")).to_be_visible()
    page.keyboard.press("Enter")
    chip = editor.locator(".mention-chip")
    expect(chip).to_have_text("@Florence Animatrice")
    expect(chip).to_have_attribute("contenteditable", "false")
    page.keyboard.type("pour :")
    # A list from the keyboard (Ctrl+Maj+8); Maj+Entrée makes the next item.
    page.keyboard.press("Shift+Enter")
    page.keyboard.press("Control+Shift+Digit8")
    page.keyboard.type("des bancs")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("des sentiers")
    expect(editor.locator("ul li")).to_have_text(["des bancs", "des sentiers"])
    listed = page.get_by_role("button", name="Liste à puces")
    expect(listed).to_have_attribute("aria-pressed", "true")
    assert "@**" not in editor.inner_text() and "- " not in editor.inner_text()
    page.keyboard.press("Enter")
    posted = page.locator(".message", has_text="des sentiers")
    expect(posted.locator(".message-body li")).to_have_text(["des bancs", "des sentiers"],
                                                           timeout=WAIT_MS)
    expect(posted.locator(".mention")).to_have_text("@Florence Animatrice")
    body = Message.objects.latest("pk").body.replace("\r\n", "\n")
    assert body.startswith(f"Merci @**Florence Animatrice|{people.facilitator.pk}** pour :")
    assert body.endswith("- des bancs\n- des sentiers")


def test_editing_in_place_round_trips_a_mention_and_bold(people: People, server: str,  # type: ignore[no-untyped-def]
                                                          browser, thread: Thread) -> None:
    from playwright.sync_api import expect

    stored = (f"Merci @**Florence Animatrice|{people.facilitator.pk}** pour le **rappel**\n"
              "- un _point_\n- deux\n\n> cité")
    mine = post_message(actor=people.member, thread=thread, body=stored).message
    page = new_page(browser, server, viewport=PHONE)
    sign_in(page, people.member.email)
    open_live(page, _path(thread))
    row = page.locator(f"#message-{mine.pk}")

    # Opened and saved untouched: the stored text does not change, not even its spelling of
    # italics or list markers.
    row.get_by_role("link", name="Modifier").click()
    editor = row.get_by_role("textbox", name="Nouveau texte du message")
    expect(editor).to_be_focused()
    expect(editor.locator(".mention-chip")).to_have_text("@Florence Animatrice")
    expect(editor.locator("strong")).to_have_text("rappel")
    expect(editor.locator("blockquote")).to_have_text("cité")
    assert "**" not in editor.inner_text() and "@**" not in editor.inner_text()
    expect(row.locator("textarea[name=body]")).to_have_value(stored)
    row.get_by_role("button", name="Enregistrer la modification").click()
    expect(row.get_by_role("link", name="Modifier")).to_be_focused()
    mine.refresh_from_db()
    assert mine.body == stored and mine.edited_at is None

    # Edited: the chip and the bold come back as their Markdown, the new words with them.
    row.get_by_role("link", name="Modifier").click()
    editor = row.get_by_role("textbox", name="Nouveau texte du message")
    expect(editor).to_be_focused()
    editor.locator("strong").click()
    page.keyboard.press("End")
    # The caret at the end of "rappel" is in bold, and says so; Ctrl+B leaves it.
    bold = row.get_by_role("button", name="Gras")
    expect(bold).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Control+b")
    expect(bold).to_have_attribute("aria-pressed", "false")
    page.keyboard.type(", c'est noté")
    page.keyboard.press("Enter")
    expect(row.locator(".message-body")).to_contain_text("rappel, c'est noté", timeout=WAIT_MS)
    expect(row.locator(".message-body .mention")).to_have_text("@Florence Animatrice")
    expect(row.locator(".message-body strong")).to_have_text("rappel")
    mine.refresh_from_db()
    assert mine.body.startswith(
        f"Merci @**Florence Animatrice|{people.facilitator.pk}** pour le **rappel**, c'est noté\n")
    assert "- deux" in mine.body and "> cité" in mine.body


def test_a_link_is_added_from_the_keyboard(people: People, server: str,  # type: ignore[no-untyped-def]
                                           browser, thread: Thread) -> None:
    from playwright.sync_api import expect

    page, editor = _reply_editor(people, server, browser, thread)
    page.keyboard.type("Voir la fiche")
    page.keyboard.press("Shift+Home")
    page.keyboard.press("Control+k")
    address = page.get_by_label("Adresse du lien (https://…)")
    expect(address).to_be_focused()
    address.fill("pas une adresse")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Entrez une adresse web (https://…) ou une adresse courriel.")
           ).to_be_visible()
    address.fill("exemple.qc.ca/fiche")
    page.keyboard.press("Enter")
    expect(editor).to_be_focused()
    expect(editor.locator("a")).to_have_text("Voir la fiche")
    expect(page.locator(STORED)).to_have_value("[Voir la fiche](https://exemple.qc.ca/fiche)")


def test_the_composer_is_accessible_and_fits_a_narrow_phone(people: People, server: str,  # type: ignore[no-untyped-def]
                                                            browser, thread: Thread) -> None:
    from playwright.sync_api import expect

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    mine = post_message(actor=people.member, thread=thread,
                        body=f"Bonjour @**Noémie Membre|{people.other_member.pk}**, un **point**"
                             " :\n- bancs\n- sentiers").message
    for size, name in ((PHONE, "390"), ({"width": 320, "height": 640}, "320"), (DESKTOP, "1366")):
        page = new_page(browser, server, viewport=size)
        sign_in(page, people.member.email)
        open_live(page, _path(thread))
        editor = page.get_by_role("textbox", name="Votre réponse")
        expect(editor).to_have_attribute("aria-multiline", "true")
        editor.click()
        page.keyboard.type("Un mot en ")
        page.keyboard.press("Control+b")
        page.keyboard.type("gras")
        page.keyboard.press("Control+b")
        page.keyboard.type(" pour @No")
        page.keyboard.press("Enter")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.locator("#composer").screenshot(path=str(SCREENSHOTS / f"rich-composer-{name}.png"))
        row = page.locator(f"#message-{mine.pk}")
        row.get_by_role("link", name="Modifier").click()
        expect(row.get_by_role("textbox", name="Nouveau texte du message")).to_be_focused()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        row.screenshot(path=str(SCREENSHOTS / f"rich-edit-{name}.png"))
        if name != "320":
            page.screenshot(path=str(SCREENSHOTS / f"rich-thread-{name}.png"))
            assert_accessible(page, f"éditeur à {size['width']}×{size['height']}")
        page.context.close()


def test_pasted_text_comes_in_plain(people: People, server: str,  # type: ignore[no-untyped-def]
                                    browser, thread: Thread) -> None:
    from playwright.sync_api import expect

    page, editor = _reply_editor(people, server, browser, thread)
    page.keyboard.type("Collé : ")
    # What a web page or a word processor puts on the clipboard: styled HTML and its text.
    page.evaluate("""() => {
      const data = new DataTransfer();
      data.setData("text/html",
                   '<h1 style="color:red">Titre</h1><img src=x onerror="window.__hit=1">');
      data.setData("text/plain", "Titre\\nligne deux");
      document.querySelector("[data-composer-form] [data-editor]").dispatchEvent(
        new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
    }""")
    expect(editor).to_contain_text("ligne deux")
    assert editor.locator("h1, img, [style]").count() == 0
    assert page.evaluate("window.__hit") is None
    expect(page.locator(STORED)).to_have_value("Collé : Titre\nligne deux")


@pytest.mark.parametrize("scripts", [True, False], ids=["js", "nojs"])
def test_the_edit_page_with_and_without_javascript(people: People, server: str,  # type: ignore[no-untyped-def]
                                                   browser, thread: Thread,
                                                   scripts: bool) -> None:
    from playwright.sync_api import expect

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    stored = (f"Merci @**Florence Animatrice|{people.facilitator.pk}** pour le **rappel**"
              "\n\n> cité")
    mine = post_message(actor=people.member, thread=thread, body=stored).message
    page = new_page(browser, server, viewport=PHONE, java_script_enabled=scripts)
    sign_in(page, people.member.email)
    page.goto(reverse("message-edit", args=["rma", mine.pk]))
    if scripts:
        editor = page.get_by_role("textbox", name="Nouveau texte du message")
        expect(editor.locator(".mention-chip")).to_have_text("@Florence Animatrice")
        expect(editor.locator("strong")).to_have_text("rappel")
    else:
        # Plain text: the mention as a name, the rest as the member wrote it.
        expect(page.get_by_label("Nouveau texte du message")).to_have_value(
            "Merci @Florence Animatrice pour le **rappel**\n\n> cité")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    kind = "js" if scripts else "nojs"
    page.screenshot(path=str(SCREENSHOTS / f"rich-edit-page-{kind}-390.png"))
    if scripts:  # axe runs as a script: the page without them is its plain-textarea version
        assert_accessible(page, "page de modification")
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(SCREENSHOTS / f"rich-edit-page-{kind}-1366.png"))
    # Saved untouched: nothing changes.
    page.get_by_role("button", name="Enregistrer la modification").click()
    expect(page.locator(".flash")).to_contain_text("Votre message est modifié.")
    mine.refresh_from_db()
    assert mine.body == stored and mine.edited_at is None
