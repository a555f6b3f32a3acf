"""Who tells the members about an announcement. The base app writes announcements but sits
below ``emails``, which installs its announcer here when it is ready (as it installs the mail
sender of ``communities.mailing``)."""

from __future__ import annotations

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

#: Called after commit with the announcement thread's id; must not hold up the request (the
#: one ``emails`` installs queues a task).
Announcer = Callable[[int], None]

_announcer: Announcer | None = None


def install_announcer(announcer: Announcer | None) -> Announcer | None:
    global _announcer
    previous, _announcer = _announcer, announcer
    return previous


def announce(thread_id: int) -> None:
    if _announcer is None:
        # The thread is posted and pinned; only the email is lost: say so loudly.
        logger.error("no announcer installed (is 'emails' in INSTALLED_APPS?): announcement "
                     "%s not emailed", thread_id)
        return
    _announcer(thread_id)
