"""A password reset from the emailed link shuts every door the old password opened, like a
password change: the websockets of every session close within two seconds (the hubs' audit)
and the ones opened with API tokens too."""

from __future__ import annotations

import asyncio
import re

import pytest
from asgiref.sync import sync_to_async
from django.test import Client

from tests.realtime.test_session_end import (
    _fresh_hub,  # noqa: F401  (autouse: each test's hub is stopped)
    browser_socket,
    ended_within,
    signed_in,
    subscribed,
    token_socket,
)

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "un-tout-nouveau-secret-2027"


def reset_password(email: str, mailbox) -> int:  # type: ignore[no-untyped-def]
    client = Client()
    client.post("/mot-de-passe-oublie/", {"email": email})
    (mail,) = mailbox.wait_for(1)
    body = mail.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https?://[^/\s]+(/mot-de-passe-oublie/cle/\S+)", body)
    assert link, body
    form_url = client.get(link.group(1))["Location"]
    return client.post(form_url, {"password1": NEW_PASSWORD,
                                  "password2": NEW_PASSWORD}).status_code


async def test_a_reset_closes_every_socket_of_the_account_within_2s(people, smtp_server):
    browser = await browser_socket(await signed_in(people.member))
    scripted, _ = await token_socket(people.member.email)
    for ws in (browser, scripted):
        await subscribed(ws)
    started = asyncio.get_running_loop().time()
    assert await sync_to_async(reset_password)(people.member.email, smtp_server) == 302
    await ended_within(browser, 2, started)
    took = await ended_within(scripted, 2, started)
    print(f"sockets closed {took:.2f} s after the reset began")
