"""Reply-by-email addresses for what we send. The addresses themselves, and reading the mail
that comes back, belong to the ``replies`` app; this is the one place emails asks for them."""

from __future__ import annotations

from collections.abc import Iterable

from communities.models import Message, Thread, User
from replies.addresses import reply_address, reply_addresses


def address_for(*, user: User, thread: Thread, message: Message | None = None) -> str:
    """``reply+<token>@<REPLY_DOMAIN>``: mail to it from ``user`` is posted in ``thread``
    (as a reply to ``message`` when given). One query."""
    return reply_address(user=user, thread=thread, message=message)


def addresses_for(pairs: Iterable[tuple[User, int]]) -> dict[tuple[int, int], str]:
    """Addresses for many (member, thread id) pairs in one INSERT, for a batch of digests."""
    return reply_addresses(pairs=[(user, Thread(pk=thread_id)) for user, thread_id in pairs])
