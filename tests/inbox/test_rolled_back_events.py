"""Only committed events reach the inbox: one written in a savepoint rolled back, before or
after a committed one of the same transaction, leaves no item; a transaction with a single
event is taken as committed without asking the database again."""

from __future__ import annotations

import pytest
from django.db import transaction

from communities.models import Thread
from communities.services.discussion import post_message, start_thread
from inbox import dispatch
from tests.conftest import People

pytestmark = pytest.mark.django_db(transaction=True)


class Undone(Exception):
    pass


def _threads(people: People) -> list[Thread]:
    return [start_thread(actor=people.other_member, space=people.space, title=title,
                         body="Qui a un guide ?").thread for title in ("Bancs", "Rampes")]


@pytest.mark.parametrize("undone_first", [False, True])
def test_a_reply_rolled_back_in_a_savepoint_leaves_no_item(people: People,
                                                           undone_first: bool) -> None:
    kept, undone = _threads(people)

    def undo() -> None:
        with pytest.raises(Undone), transaction.atomic():
            post_message(actor=people.facilitator, thread=undone, body="Finalement non")
            raise Undone

    with transaction.atomic():
        if undone_first:
            undo()
        post_message(actor=people.member, thread=kept, body="Oui, le voici")
        if not undone_first:
            undo()
    items = list(people.other_member.inbox_items.values_list("title", "snippet"))
    assert items == [("Bancs", "Oui, le voici")]


def test_a_transaction_with_one_event_is_not_checked_again(people: People,
                                                           monkeypatch) -> None:
    kept, _other = _threads(people)
    asked: list[object] = []
    real = dispatch._COMMITTED.rows

    def rows(**values: object) -> list[tuple[int, str, int]]:
        asked.append(values)
        return real(**values)

    monkeypatch.setattr(dispatch._COMMITTED, "rows", rows)
    post_message(actor=people.member, thread=kept, body="Oui, le voici")
    assert asked == []
    assert people.other_member.inbox_items.count() == 1
    with transaction.atomic():
        post_message(actor=people.member, thread=kept, body="Et encore")
        post_message(actor=people.facilitator, thread=_other, body="Moi aussi")
    assert len(asked) == 1  # the second event of the batch was checked
    assert people.other_member.inbox_items.count() == 2
