"""The Reply-To addresses of outgoing mail: ``reply+<token>@<REPLY_DOMAIN>``.

The token is 256 random bits written in lower-case base32 (52 characters), so the local part
``reply+<token>`` is 58 characters, under RFC 5321's 64, and survives mail systems that change
the case of addresses. Only its SHA-256 is stored.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from communities.models import Message, Thread, User
from communities.secrets import hash_secret
from replies.models import ReplyAddress

REPLY_PREFIX = "reply+"
UNSUBSCRIBE_PREFIX = "unsubscribe+"
MAX_LOCAL_PART = 64
TOKEN_CHARS = 52


def new_token() -> str:
    return base64.b32encode(secrets.token_bytes(32)).decode().rstrip("=").lower()


def _address(token: str) -> str:
    local = f"{REPLY_PREFIX}{token}"
    # A guard, not validation: the format above always fits.
    assert len(local) <= MAX_LOCAL_PART
    return f"{local}@{settings.REPLY_DOMAIN}"


def _row(*, user_id: int, thread_id: int, token: str,
         reply_to_id: int | None = None) -> ReplyAddress:
    now = timezone.now()
    return ReplyAddress(token_hash=hash_secret(token), user_id=user_id, thread_id=thread_id,
                        reply_to_id=reply_to_id, created_at=now,
                        expires_at=now + timedelta(days=settings.REPLY_ADDRESS_DAYS))


def reply_address(*, user: User, thread: Thread, message: Message | None = None) -> str:
    """A fresh Reply-To address for one email to ``user`` about ``thread``: mail sent to it by
    that member is posted in the thread as them (see ``replies.inbound``), as a reply to
    ``message`` when the email was about one. One query."""
    token = new_token()
    _row(user_id=user.pk, thread_id=thread.pk, token=token,
         reply_to_id=message.pk if message is not None else None).save(force_insert=True)
    return _address(token)


def reply_addresses(*, pairs: Iterable[tuple[User, Thread]]) -> dict[tuple[int, int], str]:
    """Addresses for many (member, thread) pairs in one INSERT, for a batch of digests:
    ``{(user_id, thread_id): address}``."""
    tokens = {(user.pk, thread.pk): new_token() for user, thread in pairs}
    ReplyAddress.objects.bulk_create(
        [_row(user_id=user_id, thread_id=thread_id, token=token)
         for (user_id, thread_id), token in tokens.items()]
    )
    return {key: _address(token) for key, token in tokens.items()}


def token_from_local_part(local: str, *, prefix: str) -> str | None:
    """The token in ``<prefix><token>`` (case-insensitive), or None when it is not one."""
    local = local.strip().lower()
    if not local.startswith(prefix):
        return None
    token = local[len(prefix):]
    if len(token) != TOKEN_CHARS or not token.isascii() or not token.isalnum():
        return None
    return token


def find_reply_address(token: str) -> ReplyAddress | None:
    """The address a token names, expired or not (the caller tells the two apart)."""
    return (ReplyAddress.objects.select_related("user", "thread__space")
            .filter(token_hash=hash_secret(token)).first())
