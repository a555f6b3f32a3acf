"""Trying a mail task again after the server said "later" (a 4xx reply, a dropped connection).

A task that sent part of its batch queues a copy of itself for the recipients still owed a
message only, so nobody gets one twice, with a growing delay and a bounded number of
attempts: a server that is down for an hour is waited for, one that never comes back ends in
an error in the log rather than in a loop.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import timedelta
from typing import Any

from django.utils import timezone
from django_tasks.base import Task

logger = logging.getLogger(__name__)

#: Wait before attempt 2, 3, ...; the attempt after the last delay is the final one.
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30),
                timedelta(hours=2))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


def retry_later(task: Task[Any, Any], *, attempt: int, owed: Collection[Any], what: str,
                **arguments: Any) -> bool:
    """Queue ``task`` again with ``arguments`` and ``attempt + 1`` for the ``owed``
    recipients. Returns False, with an error in the log naming them, once the attempts are
    used up."""
    if not owed:
        return False
    if attempt >= MAX_ATTEMPTS:
        logger.error("%s: still refused after %d attempts, given up for %s", what, attempt,
                     sorted(owed))
        return False
    delay = RETRY_DELAYS[attempt - 1]
    # The immediate backend (a one-off script) cannot defer: it tries again at once, still
    # within the same bound.
    if task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + delay)
    task.enqueue(**arguments, attempt=attempt + 1)
    logger.warning("%s: %d recipient(s) refused for now, attempt %d in %s", what, len(owed),
                   attempt + 1, delay)
    return True
