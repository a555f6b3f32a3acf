"""One-click unsubscribe (RFC 8058) by https or by mail.

The token names the member and the scope (one space, or everything) and is signed with the
site's secret key: it needs no row, never expires, and using it twice changes nothing. It is
lowercase hex so it survives in an address's local part, which some mail systems lowercase.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

from communities.models import Space, User
from emails import preferences
from emails.outgoing import Unsubscribe, absolute

_SALT = "emails.unsubscribe"
_TOKEN = re.compile(r"^(\d{1,18})-(\d{1,18})-(?:(a)-)?([0-9a-f]{32})$")
#: The marker of an announcements token: ``<user>-0-a-<signature>``.
ANNOUNCEMENTS = "a"
#: Local part of the mailto address: ``unsubscribe+<token>@<REPLY_DOMAIN>``.
MAILTO_PREFIX = "unsubscribe+"


@dataclass(frozen=True)
class Scope:
    user: User
    space: Space | None  # None = every email from every space
    #: Only the announcements, from every space (their own link, kept apart from the rest).
    announcements: bool = False


def _inbound_domain() -> str:
    # The domain the MTA routes to the inbound mail commands of the replies app.
    return str(settings.REPLY_DOMAIN)


def _signature(user_id: int, space_id: int, marker: str = "") -> str:
    value = f"{user_id}:{space_id}" + (f":{marker}" if marker else "")
    return salted_hmac(_SALT, value, algorithm="sha256").hexdigest()[:32]


def token_for(*, user: User, space: Space | None = None) -> str:
    space_id = space.pk if space is not None else 0
    return f"{user.pk}-{space_id}-{_signature(user.pk, space_id)}"


def announcements_token_for(*, user: User) -> str:
    return f"{user.pk}-0-{ANNOUNCEMENTS}-{_signature(user.pk, 0, ANNOUNCEMENTS)}"


def announcement_links_for(*, user: User) -> Unsubscribe:
    """The one-click unsubscribe of an announcement: stops announcements only."""
    return _links(announcements_token_for(user=user))


def links_for(*, user: User, space: Space | None = None) -> Unsubscribe:
    return _links(token_for(user=user, space=space))


def _links(token: str) -> Unsubscribe:
    return Unsubscribe(url=absolute(reverse("emails:unsubscribe", args=[token])),
                       mailto=f"{MAILTO_PREFIX}{token}@{_inbound_domain()}")


def scope_of(token: str) -> Scope | None:
    """The member and scope a token stands for, or None for a forged, mangled or stale one
    (the account or the space is gone)."""
    match = _TOKEN.match((token or "").strip().lower())
    if match is None:
        return None
    user_id, space_id, marker, signature = int(match[1]), int(match[2]), match[3] or "", match[4]
    if marker and space_id:
        return None
    if not constant_time_compare(signature, _signature(user_id, space_id, marker)):
        return None
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return None
    space = None
    if space_id:
        space = Space.objects.filter(pk=space_id).first()
        if space is None:
            return None
    return Scope(user=user, space=space, announcements=bool(marker))


def apply(scope: Scope) -> None:
    if scope.announcements:
        preferences.stop_announcements(user=scope.user)
    elif scope.space is None:
        preferences.stop_everything(user=scope.user)
    else:
        preferences.stop_space(user=scope.user, space=scope.space)


def from_token(token: str) -> Scope | None:
    """Unsubscribe at once; idempotent. None when the token is not ours."""
    scope = scope_of(token)
    if scope is not None:
        apply(scope)
    return scope


def token_in_address(address: str) -> str | None:
    """The token in ``unsubscribe+<token>@<our domain>``, or None for any other address."""
    local, _at, domain = (address or "").strip().strip("<>").rpartition("@")
    if domain.lower() != _inbound_domain().lower() or not local.lower().startswith(MAILTO_PREFIX):
        return None
    return local[len(MAILTO_PREFIX):]


def from_mailto(*, recipient: str) -> Scope | None:
    """For the inbound mail path: a message to ``unsubscribe+<token>@<domain>`` unsubscribes
    whatever it says and whoever it comes from (RFC 8058 §3.2: the address is the secret).
    Returns None when the address is not an unsubscribe address or its token is not valid."""
    token = token_in_address(recipient)
    return from_token(token) if token is not None else None
