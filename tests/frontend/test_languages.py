"""French first, English complete: the language a page is shown in, the switcher, and an
English catalogue with nothing left untranslated."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.urls import reverse

from communities.models import Thread
from tests.clients import Personas
from tests.conftest import People

PO_FILE = Path(settings.BASE_DIR) / "frontend" / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_english_when_the_browser_asks_for_it(people: People, thread: Thread) -> None:
    client = Client(headers={"accept-language": "en"})
    page = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in page and "Sign in" in page
    client.force_login(people.member)
    html = client.get(reverse("thread", args=["rma", thread.pk])).content.decode()
    # A signed-in person's saved language (French) wins over the browser...
    assert "Répondre" in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # ...until they pick one with the switcher.
    html = client.get(reverse("thread", args=["rma", thread.pk])).content.decode()
    assert '<html lang="en">' in html and "Reply" in html and "Répondre" not in html
    error = client.post(reverse("thread", args=["rma", thread.pk]), {"body": ""})
    assert "The message is empty." in error.content.decode()


def test_thread_page_in_english(web: Personas, people: People, thread: Thread) -> None:
    client = web.member
    client.cookies["django_language"] = "en"
    html = client.get(reverse("thread", args=["rma", thread.pk])).content.decode()
    assert "Reply" in html and "Edit" in html and "Add a reaction" in html
    assert "Répondre" not in html and "Modifier" not in html


def test_language_switcher_sets_the_cookie(web: Personas, people: People) -> None:
    client = web.member
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "My spaces" in client.get("/").content.decode()


def _unquote(lines: str) -> str:
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', lines))


def test_english_catalogue_is_complete() -> None:
    text = PO_FILE.read_text(encoding="utf-8")
    assert not re.search(r"^#,.*\bfuzzy\b", text, re.M), "fuzzy entries left"
    pairs = re.findall(r'^msgid ((?:".*"\n)+)(?:msgid_plural (?:".*"\n)+)?'
                       r'((?:msgstr(?:\[\d\])? (?:".*"\n)+)+)', text + "\n", re.M)
    entries = [(_unquote(msgid), re.split(r"^msgstr", strs, flags=re.M)[1:])
               for msgid, strs in pairs]
    translated = [(msgid, strs) for msgid, strs in entries if msgid]  # skip the header
    assert len(translated) > 150
    empty = [msgid for msgid, strs in translated
             if any(not _unquote(s.split(" ", 1)[1]) for s in strs)]
    assert not empty, empty
    # Spot-check that the English really is English.
    assert dict((m, _unquote(s[0].split(" ", 1)[1])) for m, s in translated)[
        "Le message est vide."] == "The message is empty."
