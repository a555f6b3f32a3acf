"""Tickets presented together are claimed in one statement, still once each; access checks
of subscribes arriving together are one query, still one answer per person and space; and
through the endpoint, a crowd connecting and subscribing at once costs fewer batches than
connections, each answered as if alone."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections
from django.utils import timezone

from collab.routing import websocket_application
from communities.models import ApiToken, RealtimeTicket
from communities.services.accounts import (
    create_api_token,
    issue_realtime_ticket,
    redeem_realtime_ticket,
    redeem_realtime_tickets,
)
from communities.services.spaces import remove_member
from realtime import auth, store
from realtime.hub import stop_hub
from tests.clients import PASSWORD
from tests.queries import count_queries
from tests.realtime.ws_helper import connect, frame


def ticket(user, **extra) -> str:
    return issue_realtime_ticket(user=user, **extra)[0]


def test_tickets_presented_together_are_claimed_in_two_queries_once_each(people):
    member, other = ticket(people.member), ticket(people.other_member)
    used = ticket(people.facilitator)
    assert redeem_realtime_ticket(raw=used) is not None
    expired = ticket(people.staff)
    RealtimeTicket.objects.filter(expires_at__gt=timezone.now()).filter(
        user=people.staff).update(expires_at=timezone.now() - timedelta(seconds=1))
    with count_queries(exactly=2):
        redeemed = redeem_realtime_tickets(raws=[member, "inconnu", other, used, member,
                                                 expired])
    people_of = [None if r is None else r[0].pk for r in redeemed]
    # In order; the repeat of a ticket gets nothing, like a second connection racing it.
    assert people_of == [people.member.pk, None, people.other_member.pk, None, None, None]
    assert redeem_realtime_tickets(raws=[member, other]) == [None, None]


def test_a_ticket_of_a_revoked_or_expired_token_is_refused_among_others(people):
    _raw, token = create_api_token(email=people.member.email, password=PASSWORD)
    kept = ticket(people.other_member)
    of_token = ticket(people.member, api_token=token)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    redeemed = redeem_realtime_tickets(raws=[of_token, kept])
    assert redeemed[0] is None
    assert redeemed[1] is not None and redeemed[1][0].pk == people.other_member.pk


def test_a_deactivated_persons_ticket_is_refused_among_others(people):
    gone, kept = ticket(people.outsider), ticket(people.member)
    type(people.outsider).objects.filter(pk=people.outsider.pk).update(is_active=False)
    redeemed = redeem_realtime_tickets(raws=[gone, kept])
    assert redeemed[0] is None and redeemed[1] is not None


def test_access_of_many_people_and_spaces_is_one_query_answered_in_order(people):
    questions = [(people.member.pk, "rma"), (people.outsider.pk, "rma"),
                 (people.staff.pk, "rma"), (people.member.pk, "nulle-part"),
                 (people.member.pk, "rma"), (people.other_member.pk, "rma")]
    with count_queries(exactly=1):
        answers = store.spaces_access(questions)
    keys = [a and a.key for a in answers]
    space = ("space", people.space.pk)
    assert keys == [space, None, space, None, space, space]
    first = answers[0]
    assert first is not None and first.bounds.head == people.space.event_head
    remove_member(actor=people.facilitator, space=people.space, member=people.other_member)
    assert store.spaces_access([(people.other_member.pk, "rma")]) == [None]


@pytest.mark.django_db(transaction=True)
class TestACrowdAtOnce:
    @pytest.fixture(autouse=True)
    async def _fresh_hub(self):
        yield
        await stop_hub()
        await sync_to_async(connections.close_all)()

    @staticmethod
    def counted(monkeypatch, gathered) -> list[int]:
        sizes: list[int] = []
        many = gathered.many

        async def counting(questions):
            sizes.append(len(questions))
            # A batch under way for a moment, as on a busy database: what is asked meanwhile
            # waits for the next one, whatever the speed of this machine.
            await asyncio.sleep(0.05)
            return await many(questions)

        monkeypatch.setattr(gathered, "many", counting)
        return sizes

    async def test_connecting_and_subscribing_together_goes_in_batches(self, people,
                                                                      monkeypatch):
        claims = self.counted(monkeypatch, auth.redeem_ticket)
        checks = self.counted(monkeypatch, store.space_access)
        crowd = [people.member, people.other_member, people.facilitator, people.staff] * 3
        # Every ticket first (issuing them goes one at a time), then the crowd at once.
        tickets = [(await sync_to_async(issue_realtime_ticket)(user=user))[0] for user in crowd]
        sockets = [WebsocketCommunicator(websocket_application, f"/ws/?ticket={ticket}")
                   for ticket in tickets]
        assert all(ok for ok, _ in await asyncio.gather(*(ws.connect(timeout=5)
                                                          for ws in sockets)))
        await asyncio.gather(*(ws.send_json_to({"type": "subscribe", "space": "rma"})
                               for ws in sockets))
        answers = [await frame(ws) for ws in sockets]
        assert [a["type"] for a in answers] == ["subscribed"] * len(crowd)
        assert sum(claims) == sum(checks) == len(crowd)
        assert len(claims) < len(crowd) and len(checks) < len(crowd)
        for ws in sockets:
            await ws.disconnect()

    async def test_an_outsider_in_the_crowd_is_refused_alone(self, people):
        crowd = [people.member, people.outsider, people.other_member]
        sockets = await asyncio.gather(*(connect(user) for user in crowd))
        await asyncio.gather(*(ws.send_json_to({"type": "subscribe", "space": "rma"})
                               for ws in sockets))
        answers = [await frame(ws) for ws in sockets]
        assert [(a["type"], a.get("code")) for a in answers] == [
            ("subscribed", None), ("error", "not_found"), ("subscribed", None)]
        for ws in sockets:
            await ws.disconnect()
