"""Reply-To addresses: random, bound to a member and a thread, stored only as a hash."""

from __future__ import annotations

import re

from communities.secrets import hash_secret
from communities.services.discussion import start_thread
from replies.addresses import (
    REPLY_PREFIX,
    find_reply_address,
    reply_address,
    reply_addresses,
    token_from_local_part,
)
from replies.models import ReplyAddress
from tests.queries import count_queries


def _thread(people):  # type: ignore[no-untyped-def]
    return start_thread(actor=people.facilitator, space=people.space, title="Accessibilité",
                        body="Bonjour à toutes et à tous").thread


def test_it_gives_a_reply_plus_token_address_on_the_reply_domain(people, settings):
    settings.REPLY_DOMAIN = "reponses.exemple.qc.ca"
    address = reply_address(user=people.member, thread=_thread(people))
    local, domain = address.split("@")
    assert domain == "reponses.exemple.qc.ca"
    assert re.fullmatch(r"reply\+[a-z2-7]{52}", local)
    assert len(local) <= 64


def test_it_stores_only_the_hash_bound_to_the_member_and_the_thread(people):
    thread = _thread(people)
    address = reply_address(user=people.member, thread=thread)
    token = address.split("@")[0].removeprefix(REPLY_PREFIX)
    row = ReplyAddress.objects.get()
    assert row.token_hash == hash_secret(token)
    assert token not in str(ReplyAddress.objects.values().get())
    assert (row.user, row.thread) == (people.member, thread)
    assert row.expires_at > row.created_at


def test_each_email_gets_its_own_address(people):
    thread = _thread(people)
    assert reply_address(user=people.member, thread=thread) != reply_address(
        user=people.member, thread=thread)


def test_a_batch_of_addresses_costs_one_query(people):
    thread = _thread(people)
    pairs = [(people.member, thread), (people.other_member, thread), (people.facilitator, thread)]
    with count_queries(exactly=1):
        addresses = reply_addresses(pairs=pairs)
    assert len(set(addresses.values())) == 3
    token = addresses[(people.other_member.pk, thread.pk)].split("@")[0].removeprefix(
        REPLY_PREFIX)
    found = find_reply_address(token)
    assert found is not None and found.user == people.other_member


def test_the_token_is_read_back_whatever_the_case_of_the_address(people):
    address = reply_address(user=people.member, thread=_thread(people))
    token = token_from_local_part(address.split("@")[0].upper(), prefix=REPLY_PREFIX)
    assert token is not None
    found = find_reply_address(token)
    assert found is not None and found.user == people.member


def test_anything_else_is_not_a_token():
    assert token_from_local_part("reply+court", prefix=REPLY_PREFIX) is None
    assert token_from_local_part("postmaster", prefix=REPLY_PREFIX) is None
    assert token_from_local_part("reply+" + "é" * 52, prefix=REPLY_PREFIX) is None
