"""A password change made on one server process closes, on another process, the websockets
of the person's other browser session and of their API token, within two seconds, with the
default audit interval."""

from __future__ import annotations

import asyncio
import json
import time

import pytest
import requests
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Origin

from tests.conftest import People
from tests.integration.helpers import PASSWORD, Api, Subscriber
from tests.servers import ServerProcess, running_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(90)]

NEW_PASSWORD = "un-tout-nouveau-secret-2027"
DEFAULT_AUDIT = {"REALTIME_AUDIT_SECONDS": "1"}


def browser_session(server: ServerProcess, email: str) -> requests.Session:
    """Sign in through the sign-in page, CSRF token and all, as a browser does."""
    session = requests.Session()
    session.get(f"{server.http}/connexion/", timeout=10)
    answer = session.post(f"{server.http}/connexion/", timeout=10, allow_redirects=False, data={
        "username": email, "password": PASSWORD,
        "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": f"{server.http}/connexion/"})
    assert answer.status_code == 302, answer.text[:500]
    return session


def change_password(server: ServerProcess, session: requests.Session) -> int:
    url = f"{server.http}/compte/mot-de-passe/"
    session.get(url, timeout=10)
    return session.post(url, timeout=10, allow_redirects=False, headers={"Referer": url}, data={
        "old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD,
        "csrfmiddlewaretoken": session.cookies["csrftoken"]}).status_code


async def closed_at(ws, deadline: float) -> float:  # type: ignore[no-untyped-def]
    """When (monotonic) the server sent ``unauthenticated`` then closed with 4001."""
    told = False
    try:
        while True:
            left = deadline - time.monotonic()
            assert left > 0, "still open after the password change"
            frame = json.loads(await asyncio.wait_for(ws.recv(), left))
            if frame.get("type") == "error":
                assert frame["code"] == "unauthenticated"
                told = True
    except ConnectionClosed as closed:
        assert told and closed.rcvd is not None and closed.rcvd.code == 4001
    return time.monotonic()


async def test_a_password_change_on_one_process_closes_old_doors_on_another(
        community: People, redis_url: str | None) -> None:
    with running_server(redis_url=redis_url, extra_env=DEFAULT_AUDIT) as a, \
            running_server(redis_url=redis_url, extra_env=DEFAULT_AUDIT) as b:
        old_browser = await asyncio.to_thread(browser_session, b, community.member.email)
        here = await asyncio.to_thread(browser_session, a, community.member.email)
        script = await Api.login(b, community.member.email)
        cookie = f"sessionid={old_browser.cookies['sessionid']}"
        async with connect(b.ws, origin=Origin(b.http), additional_headers={"Cookie": cookie},
                           open_timeout=5, close_timeout=1) as old_ws, \
                Subscriber.connect(b, script) as token_client:
            await Subscriber(old_ws).subscribe("rma")
            await token_client.subscribe("rma")
            # Listen from before the change: the close may come before its answer does.
            watching = [asyncio.create_task(closed_at(ws, time.monotonic() + 30))
                        for ws in (old_ws, token_client.ws)]
            asked = time.monotonic()
            assert await asyncio.to_thread(change_password, a, here) == 302
            answered = time.monotonic()
            closed = await asyncio.gather(*watching)
            # The change commits before its answer leaves, so "answered" is after the commit;
            # most of the request is hashing the old and the new password.
            print(f"password change request {answered - asked:.2f} s; closed on the other "
                  f"process {closed[0] - answered:+.2f} s (browser) and "
                  f"{closed[1] - answered:+.2f} s (API token) from its answer")
            assert all(at - answered < 2 for at in closed)
        refused = await asyncio.to_thread(
            requests.get, f"{b.http}/api/v1/spaces", timeout=10,
            headers={"Authorization": f"Bearer {script.token}"})
        assert refused.status_code == 401
        assert old_browser.get(f"{b.http}/", allow_redirects=False, timeout=10).status_code == 302
        assert here.get(f"{a.http}/", allow_redirects=False, timeout=10).status_code == 200
