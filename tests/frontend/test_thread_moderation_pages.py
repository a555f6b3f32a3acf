"""Pinning, locking and renaming a thread from its page: facilitators do all three, a member
renames only a thread of their own."""

from __future__ import annotations

from html import unescape

from django.urls import reverse

from communities.models import Event, Thread
from tests.clients import Personas
from tests.conftest import People
from tests.frontend.helpers import thread_page


def test_facilitator_pins_locks_and_renames(web: Personas, people: People, thread: Thread) -> None:
    client = web.facilitator
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


def test_a_member_may_not_pin_or_lock_and_renames_only_own(
        web: Personas, people: People, thread: Thread) -> None:
    other = web.other_member
    for name, field in (("thread-pin", "pinned"), ("thread-lock", "locked")):
        response = other.post(reverse(name, args=["rma", thread.pk]), {field: "1"})
        assert response.status_code == 403
        assert "Réservé à l'animation" in unescape(response.content.decode())
    rename = other.post(reverse("thread-rename", args=["rma", thread.pk]), {"title": "Pris"})
    assert rename.status_code == 403 and "renommer" in rename.content.decode()
    thread.refresh_from_db()
    assert not thread.pinned_at and not thread.locked_at and thread.title == "Bancs accessibles"
    html = thread_page(other, thread)
    assert "Épingler" not in html and "Verrouiller</button>" not in html
    # The author renames their own thread.
    assert web.member.post(reverse("thread-rename", args=["rma", thread.pk]),
                                          {"title": "Bancs"}).status_code == 302
    empty = web.member.post(reverse("thread-rename", args=["rma", thread.pk]),
                                           {"title": "  "})
    assert empty.status_code == 400 and "Le titre doit compter" in empty.content.decode()
