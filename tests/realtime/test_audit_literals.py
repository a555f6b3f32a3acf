"""The audit tick hands PostgreSQL its arrays as ready-made literals, written once per roster:
psycopg would otherwise adapt every value of every array in Python at every tick. The
literals must read back as exactly the values, whatever a session key holds."""

from __future__ import annotations

import pytest
from django.db import connection

from realtime.store import Roster, _ints, _texts

pytestmark = pytest.mark.django_db


def test_literals_read_back_as_the_values():
    texts = ["abc", 'a"b', "a\\b", "a,b", "{x}", " sp ", "", "é"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::text[], %s::bigint[], %s::bigint[]",
                       [_texts(texts), _ints([1, 2, 3_000_000_000]), _ints([])])
        assert cursor.fetchone() == (texts, [1, 2, 3_000_000_000], [])


def test_a_roster_writes_its_literals_once():
    roster = Roster(users=[1, 2], sessions=["k"], tokens=[], pair_users=[1], pair_spaces=[9])
    assert roster.literals is roster.literals
    assert roster.literals == ("{1,2}", '{"k"}', "{}", "{1}", "{9}")
