"""Each space's posting address, ``<slug>+<token>@<REPLY_DOMAIN>``: mail a member sends to it
from their own verified address starts a thread (``replies.starting``).

The token is 20 lower-case base32 characters (100 bits) computed from the site's secret key
and a random nonce kept with the space, so members can be shown their space's address at
any time while the database alone (which keeps the nonce and the token's SHA-256, never the
token) lets nobody forge one. The slug is only there for people to recognise the address: the
token alone finds the space, and a slug cut to fit RFC 5321's 64 characters still matches.
Rotating draws a new nonce: the previous address stops working at once.
"""

from __future__ import annotations

import base64
import re
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from communities.access import require_manager
from communities.events import emit
from communities.models import Space, User
from communities.secrets import hash_secret
from communities.serializers import person
from replies.models import PostingAddress

TOKEN_CHARS = 20
MAX_LOCAL_PART = 64
_SALT = "replies.posting"
_LOCAL = re.compile(rf"^([a-z0-9_-]{{1,60}})\+([a-z2-7]{{{TOKEN_CHARS}}})$")


def _token(space_id: int, nonce: str) -> str:
    digest = salted_hmac(_SALT, f"{space_id}:{nonce}", algorithm="sha256").digest()
    return base64.b32encode(digest).decode().lower()[:TOKEN_CHARS]


def _slug_part(space: Space) -> str:
    return space.slug.lower()[: MAX_LOCAL_PART - 1 - TOKEN_CHARS]


def _row(space: Space) -> PostingAddress:
    found = PostingAddress.objects.filter(space=space).first()
    if found is not None:
        return found
    nonce = secrets.token_hex(16)
    try:
        with transaction.atomic():
            return PostingAddress.objects.create(
                space=space, nonce=nonce, token_hash=hash_secret(_token(space.pk, nonce)))
    except IntegrityError:  # created meanwhile by another request
        return PostingAddress.objects.get(space=space)


def address_of(space: Space) -> str:
    """The space's current posting address (created the first time it is asked for)."""
    row = _row(space)
    return f"{_slug_part(space)}+{_token(space.pk, row.nonce)}@{settings.REPLY_DOMAIN}"


def rotate(*, actor: User, space: Space) -> str:
    """A new posting address for the space, the old one refused from now on (facilitators
    only, for instance after the address reached someone it should not have)."""
    require_manager(user=actor, space=space)
    _row(space)
    nonce = secrets.token_hex(16)
    with transaction.atomic():
        PostingAddress.objects.filter(space=space).update(
            nonce=nonce, token_hash=hash_secret(_token(space.pk, nonce)),
            rotated_at=timezone.now())
        # The address itself never goes into the event log: members ask the page for it.
        emit(kind="posting_address.rotated", actor=actor, space=space,
             data={"by": person(actor)})
    return address_of(space)


def looks_like_posting(local: str) -> bool:
    """Whether a local part has the shape of a posting address (``<slug>+<token>``)."""
    return _LOCAL.match(local.strip().lower()) is not None


def space_for(local: str) -> Space | None:
    """The space whose current posting address this local part is, or None."""
    match = _LOCAL.match(local.strip().lower())
    if match is None:
        return None
    row = (PostingAddress.objects.select_related("space")
           .filter(token_hash=hash_secret(match[2])).first())
    if row is None or _slug_part(row.space) != match[1]:
        return None
    return row.space
