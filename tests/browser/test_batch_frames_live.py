"""In Chromium, the page's socket core speaks the protocol's version 2 and applies a ``batch``
frame's events one by one, in order, through the same seq check as single events: an event
already applied is skipped, the others show up in the thread, and the last seq remembered for
resuming is the batch's last.

The server only batches events that wait together, which a test cannot arrange through a real
post; so the page's socket is routed through Playwright, which forwards every frame except
the events of the real server, held back and then handed over as one batch."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from communities.services.discussion import post_message, start_thread
from tests.browser.conftest import WAIT_MS, new_page, open_live, sign_in
from tests.conftest import People

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Records the subprotocol the server chose, once the page's socket is open.
RECORD_PROTOCOL = """(() => {
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(url, protocols) {
      super(url, protocols);
      this.addEventListener("open", () => { window.__wsProtocol = this.protocol; });
    }
  };
})();"""


def _messages(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [text.strip() for text in page.locator(".message .message-body").all_inner_texts()]


def test_the_page_speaks_v2_and_applies_a_batch_in_order_once(
        people: People, server: str, browser) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    thread = start_thread(actor=people.facilitator, space=people.space, title="Déneigement",
                          body="Qui s'occupe du trottoir ?").thread
    path = reverse("thread", args=[people.space.slug, thread.pk])

    # The real server accepts the version the page asks for.
    plain = new_page(browser, server)
    plain.add_init_script(RECORD_PROTOCOL)
    sign_in(plain, people.member.email)
    open_live(plain, path)
    assert plain.evaluate("window.__wsProtocol") == "espace.v2"

    page = new_page(browser, server)
    sign_in(page, people.member.email)
    held: list[str] = []
    holding = {"on": False}
    routes = []

    def route(ws) -> None:  # type: ignore[no-untyped-def]
        routes.append(ws)
        upstream = ws.connect_to_server()

        def from_server(message: str | bytes) -> None:
            frame = json.loads(message)
            if holding["on"] and frame.get("type") in ("event", "batch"):
                events = frame["events"] if frame["type"] == "batch" else [frame]
                held.extend(json.dumps(event, ensure_ascii=False) for event in events)
            else:
                ws.send(message)

        upstream.on_message(from_server)

    page.route_web_socket(re.compile(r"/ws/"), route)
    open_live(page, path)
    holding["on"] = True
    for body in ("Premier déneigement", "Deuxième passage", "Sel sur les marches"):
        post_message(actor=people.other_member, thread=thread, body=body)
    for _ in range(WAIT_MS // 100):
        if len(held) == 3:
            break
        page.wait_for_timeout(100)  # lets Playwright hand the route what the server sent
    assert len(held) == 3, held
    seqs = [json.loads(event)["seq"] for event in held]
    assert seqs == list(range(seqs[0], seqs[0] + 3))

    # The first event alone, then a batch that repeats it before the two others.
    routes[-1].send(held[0])
    expect(page.locator(".message")).to_have_count(2, timeout=WAIT_MS)
    routes[-1].send('{"type":"batch","space":"rma","events":[' + ",".join([held[0], *held])
                    + "]}")
    expect(page.locator(".message")).to_have_count(4, timeout=WAIT_MS)
    page.wait_for_timeout(300)  # a duplicate would show up now
    assert page.locator(".message").count() == 4
    posted = ["Premier déneigement", "Deuxième passage", "Sel sur les marches"]
    assert [body for body in _messages(page) if body in posted] == posted
    assert page.evaluate(
        "() => sessionStorage.getItem('espace-collaboratif:last-seq:rma')") == str(seqs[-1])
