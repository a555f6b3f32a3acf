"""Database reads and claims that many connections ask for at the same moment, made in one
statement for all of them.

In a reconnect storm a server process takes hundreds of websockets a second, and each asks
the database the same kind of question: redeem my ticket, may I read this space. One at a
time, each is a hop to a database thread, a round trip and, for a ticket, a commit waiting
for the disk. ``Gathered`` sends the first question at once and, while that batch is in the
database, queues the next ones; when a batch comes back, every question queued meanwhile
goes in the next one. A lone question waits for nothing, and a storm costs a few statements
per batch instead of a few per connection.

Every answer still comes from a read made after its question was asked: a question never
joins a batch already under way, so no one is served an answer read before they asked (an
access check must see a removal that committed before the subscribe).
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

Question = TypeVar("Question")
Answer = TypeVar("Answer")


@dataclass
class _Queue(Generic[Question, Answer]):
    """One event loop's questions not yet sent, and how many batches are under way."""

    waiting: list[tuple[Question, asyncio.Future[Answer]]] = field(default_factory=list)
    running: int = 0
    scheduled: bool = False
    #: The batches under way: a task nothing refers to may be collected before it ends.
    tasks: set[asyncio.Task[None]] = field(default_factory=set)


class Gathered(Generic[Question, Answer]):
    """``await gathered(question)`` answers like ``(await many([question]))[0]``.

    ``many`` answers a list of questions with a list of answers in the same order; a failure
    fails every question of its batch, as each would have failed alone. At most
    ``in_flight`` batches are under way at once, each of at most ``most`` questions."""

    def __init__(self, many: Callable[[list[Question]], Awaitable[list[Answer]]], *,
                 in_flight: int = 2, most: int = 200) -> None:
        self.many = many
        self.in_flight = in_flight
        self.most = most
        # Per event loop: a future belongs to one loop, and tests run many loops in turn.
        self._queues: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop,
                                                _Queue[Question, Answer]] = (
            weakref.WeakKeyDictionary())

    async def __call__(self, question: Question) -> Answer:
        loop = asyncio.get_running_loop()
        queue = self._queues.get(loop)
        if queue is None:
            queue = self._queues[loop] = _Queue()
        answer: asyncio.Future[Answer] = loop.create_future()
        queue.waiting.append((question, answer))
        if not queue.scheduled and queue.running < self.in_flight:
            # On the next turn of the loop: questions asked in this one go together.
            queue.scheduled = True
            loop.call_soon(self._start, loop, queue)
        return await answer

    def _start(self, loop: asyncio.AbstractEventLoop, queue: _Queue[Question, Answer]) -> None:
        queue.scheduled = False
        while queue.waiting and queue.running < self.in_flight:
            batch, queue.waiting = queue.waiting[:self.most], queue.waiting[self.most:]
            # Questions whose connection went away meanwhile are not asked.
            batch = [(q, a) for q, a in batch if not a.done()]
            if batch:
                queue.running += 1
                task = loop.create_task(self._run(loop, queue, batch))
                queue.tasks.add(task)
                task.add_done_callback(queue.tasks.discard)

    async def _run(self, loop: asyncio.AbstractEventLoop, queue: _Queue[Question, Answer],
                   batch: list[tuple[Question, asyncio.Future[Answer]]]) -> None:
        try:
            answers = await self.many([question for question, _ in batch])
        except asyncio.CancelledError:
            # The server is stopping: so are the questions.
            for _, answer in batch:
                answer.cancel()
            raise
        except Exception as error:
            # Each question fails as it would have alone (the database gone, say).
            for _, answer in batch:
                if not answer.done():
                    answer.set_exception(error)
        else:
            for (_, answer), value in zip(batch, answers, strict=True):
                if not answer.done():
                    answer.set_result(value)
        finally:
            queue.running -= 1
            if queue.waiting and not queue.scheduled:
                queue.scheduled = True
                loop.call_soon(self._start, loop, queue)

