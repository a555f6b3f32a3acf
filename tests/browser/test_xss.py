"""The sanitiser in a real browser: a corpus of XSS vectors, posted as messages, executes
nothing — neither in the server-rendered page nor in the copy live.js inserts when the
message arrives over the websocket.

The page is opened with the Content-Security-Policy bypassed, so what is tested is the
sanitiser alone; a second page keeps the CSP and must not even report a blocked attempt."""

from __future__ import annotations

import pytest
from django.urls import reverse

from communities.models import Thread
from communities.services.discussion import post_message, start_thread
from tests.browser.conftest import WAIT_MS, new_page, open_live, sign_in
from tests.conftest import People

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SET = "window.__xss=1"
VECTORS = [
    f"<script>{SET}</script>",
    f"<SCRIPT SRC=data:text/javascript,{SET}></SCRIPT>",
    f'<img src=x onerror="{SET}">',
    f"<img src=x onerror={SET}//",
    f'<svg onload="{SET}"></svg>',
    f"<svg><script>{SET}</script></svg>",
    f'<svg><a xlink:href="javascript:{SET}"><text y="20">svg</text></a></svg>',
    f'<math><mtext><table><mglyph><style><img src=x onerror="{SET}"></style></mglyph>',
    f'<math href="javascript:{SET}">math</math>',
    f'<noscript><p title="</noscript><img src=x onerror={SET}>"></noscript>',
    f'<form><math><mtext></form><form><mglyph><style></math><img src onerror={SET}>',
    f'<a href="javascript:{SET}">raw link</a>',
    f'<a href="jav&#x09;ascript:{SET}">tab link</a>',
    f'<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;:{SET}">entities</a>',
    f"[md link](javascript:{SET})",
    f"[md upper](JaVaScRiPt:{SET})",
    f"[md tab](java\tscript:{SET})",
    f"<javascript:{SET}>",
    "[data](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg==)",
    "<data:text/html,<script>window.__xss=1</script>>",
    f"![img](javascript:{SET})",
    f'![img](x" onerror="{SET})',
    f'<iframe src="javascript:{SET}"></iframe>',
    f'<iframe srcdoc="<script>parent.{SET}</script>"></iframe>',
    f'<object data="javascript:{SET}"></object>',
    f'<embed src="javascript:{SET}">',
    f'<details open ontoggle="{SET}">d</details>',
    f'<body onload="{SET}">',
    f'<input autofocus onfocus="{SET}">',
    f'<video><source onerror="{SET}"></video>',
    f'<style>@import "javascript:{SET}";</style>',
    f'<div style="background:url(javascript:{SET})">style</div>',
    f'<meta http-equiv="refresh" content="0;url=javascript:{SET}">',
    f'<base href="javascript:{SET}//">',
    f'<a href="#" title="x\'><img src=x onerror={SET}>">attr break</a>',
    f"`<img src=x onerror={SET}>` and ```\n<script>{SET}</script>\n```",
    f"> <img src=x onerror={SET}>",
    f"@**<img src=x onerror={SET}>**",
    f'<span class="mention" data-user="1" onclick="{SET}">@forged</span>',
    f"<template><img src=x onerror={SET}></template>",
    f'<a href="https://exemple.qc.ca" onmouseover="{SET}">hover</a>',
]

WATCH = """
window.__dialogs = [];
window.__csp = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__csp.push(e.violatedDirective + " " + e.blockedURI));
"""


def post_all(thread: Thread, people: People, label: str) -> None:
    for number, vector in enumerate(VECTORS):
        post_message(actor=people.member, thread=thread, body=f"{label} {number}\n\n{vector}")


def record(dialog, dialogs: list[str]) -> None:  # type: ignore[no-untyped-def]
    dialogs.append(dialog.message)
    dialog.dismiss()


def assert_nothing_ran(page, dialogs: list[str]) -> None:  # type: ignore[no-untyped-def]
    # Give load/error handlers and timers a moment to fire if anything slipped through.
    page.wait_for_timeout(500)
    assert dialogs == []
    assert page.evaluate("window.__xss") is None
    links = page.eval_on_selector_all(
        ".message-body a[href]", "els => els.map(a => a.getAttribute('href'))")
    assert all(href.startswith(("http:", "https:", "mailto:", "#")) for href in links), links
    handlers = page.evaluate("""() => [...document.querySelectorAll('.message-body *')]
        .flatMap(el => [...el.attributes].map(a => a.name)).filter(n => n.startsWith('on'))""")
    assert handlers == []
    assert page.locator(".message-body :is(script, img, svg, math, iframe, object, embed, "
                        "style, form, input, video, base, meta)").count() == 0


def test_xss_corpus_executes_nothing(people: People, server: str, browser) -> None:  # type: ignore[no-untyped-def]
    thread = start_thread(actor=people.member, space=people.space, title="Vecteurs",
                          body="Corpus XSS").thread
    post_all(thread, people, "Rendu serveur")
    path = reverse("thread", args=["rma", thread.pk])

    # Sanitiser alone: the browser ignores the page's Content-Security-Policy.
    bare = new_page(browser, server, bypass_csp=True)
    dialogs: list[str] = []
    bare.on("dialog", lambda dialog: record(dialog, dialogs))
    bare.add_init_script(WATCH)
    sign_in(bare, people.other_member.email)
    open_live(bare, path)
    assert bare.locator(".message").count() == len(VECTORS) + 1
    assert_nothing_ran(bare, dialogs)

    # The same vectors arriving live are inserted by live.js; still nothing runs.
    post_all(thread, people, "Reçu en direct")
    from playwright.sync_api import expect

    expect(bare.locator(".message")).to_have_count(2 * len(VECTORS) + 1, timeout=WAIT_MS)
    assert bare.locator(".message.is-new").count() == len(VECTORS)
    assert_nothing_ran(bare, dialogs)
    assert bare.evaluate("window.__csp") == []

    # With the policy on, nothing even had to be blocked.
    guarded = new_page(browser, server)
    guarded.on("dialog", lambda dialog: record(dialog, dialogs))
    guarded.add_init_script(WATCH)
    sign_in(guarded, people.other_member.email)
    open_live(guarded, path)
    assert_nothing_ran(guarded, dialogs)
    assert guarded.evaluate("window.__csp") == []

    # Control: the harness does notice a handler that runs, on the page without the policy.
    bare.evaluate("document.body.insertAdjacentHTML('beforeend', "
                  "'<img src=x onerror=\"window.__xss=1\">')")
    bare.wait_for_function("window.__xss === 1", timeout=WAIT_MS)
