"""Reply-by-email addresses for what we send. The addresses themselves, and reading the mail
that comes back, belong to the ``replies`` app."""

from __future__ import annotations

from communities.models import Thread, User


def address_for(*, user: User, thread: Thread) -> str:
    """``reply+<token>@<domain>`` for this member and thread, "" while replies are off."""
    try:
        from replies.addresses import reply_address
    except ImportError:  # the replies app is merged separately
        return ""
    return reply_address(user=user, thread=thread)
