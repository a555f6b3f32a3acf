"""realtime.gather: questions asked together go in one batch, a lone one waits for nothing,
and no question joins a batch already under way (its answer must be read after it was
asked)."""

from __future__ import annotations

import asyncio

import pytest

from realtime.gather import Gathered


class Database:
    """Answers each question with its double, each batch held until released."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.release: list[asyncio.Event] = []
        self.fail: Exception | None = None
        self.arrived = asyncio.Condition()

    async def many(self, questions: list[int]) -> list[int]:
        gate = asyncio.Event()
        self.release.append(gate)
        self.batches.append(list(questions))
        async with self.arrived:
            self.arrived.notify_all()
        await gate.wait()
        if self.fail is not None:
            raise self.fail
        return [q * 2 for q in questions]

    async def until_batches(self, count: int) -> None:
        async with self.arrived:
            await asyncio.wait_for(
                self.arrived.wait_for(lambda: len(self.batches) >= count), timeout=2)


async def test_questions_asked_together_go_in_one_batch():
    database = Database()
    ask = Gathered(database.many, in_flight=1)
    answers = asyncio.gather(*(ask(n) for n in range(5)))
    await database.until_batches(1)
    database.release[0].set()
    assert await answers == [0, 2, 4, 6, 8]
    assert database.batches == [[0, 1, 2, 3, 4]]


async def test_questions_asked_during_a_batch_wait_for_the_next_one_all_together():
    database = Database()
    ask = Gathered(database.many, in_flight=1)
    first = asyncio.ensure_future(ask(1))
    await database.until_batches(1)
    later = asyncio.gather(*(ask(n) for n in (2, 3, 4)))
    for _ in range(5):
        await asyncio.sleep(0)
    assert database.batches == [[1]]  # never added to the batch under way
    database.release[0].set()
    assert await first == 2
    await database.until_batches(2)
    database.release[1].set()
    assert await later == [4, 6, 8]
    assert database.batches == [[1], [2, 3, 4]]


async def test_a_second_batch_starts_while_the_first_is_under_way_up_to_the_limit():
    database = Database()
    ask = Gathered(database.many, in_flight=2, most=2)
    first = asyncio.ensure_future(ask(1))
    await database.until_batches(1)
    rest = asyncio.gather(*(ask(n) for n in (2, 3, 4)))
    await database.until_batches(2)
    for _ in range(5):
        await asyncio.sleep(0)
    assert database.batches == [[1], [2, 3]]  # two under way; 4 waits for one to end
    database.release[0].set()
    await database.until_batches(3)
    database.release[1].set()
    database.release[2].set()
    assert (await first, await rest) == (2, [4, 6, 8])
    assert database.batches == [[1], [2, 3], [4]]


async def test_a_failure_fails_every_question_of_its_batch_and_the_next_batch_still_runs():
    database = Database()
    ask = Gathered(database.many, in_flight=1)
    database.fail = RuntimeError("la base est partie")
    doomed = [asyncio.ensure_future(ask(n)) for n in (1, 2)]
    await database.until_batches(1)
    database.release[0].set()
    for question in doomed:
        with pytest.raises(RuntimeError, match="la base est partie"):
            await question
    database.fail = None
    later = asyncio.ensure_future(ask(3))
    await database.until_batches(2)
    database.release[1].set()
    assert await later == 6


async def test_a_question_whose_connection_went_away_is_not_asked():
    database = Database()
    ask = Gathered(database.many, in_flight=1)
    first = asyncio.ensure_future(ask(1))
    await database.until_batches(1)
    gone = asyncio.ensure_future(ask(2))
    kept = asyncio.ensure_future(ask(3))
    await asyncio.sleep(0)
    gone.cancel()
    database.release[0].set()
    await first
    await database.until_batches(2)
    database.release[1].set()
    assert await kept == 6
    assert database.batches == [[1], [3]]
