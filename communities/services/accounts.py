"""Accounts and credentials: API tokens, websocket tickets, passwords and sessions,
deactivation."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.access import is_platform_staff
from communities.errors import Forbidden, NotFound, ServiceError
from communities.events import emit
from communities.models import ApiToken, RealtimeTicket, User
from communities.secrets import hash_secret, new_secret
from communities.serializers import api_token_data, person
from communities.statements import Statement

LABEL_MAX = 100
#: How stale a token's "last used" may be.
LAST_USE_PRECISION = timedelta(minutes=5)
# Every API request reads it.
_LIVE_TOKEN: Statement[ApiToken] = Statement(
    lambda key_hash, now: ApiToken.objects.select_related("user")
    .filter(key_hash=key_hash, expires_at__gt=now)[:1],
    key_hash=str, now=datetime)


def create_api_token(*, email: str, password: str, label: str = "",
                     request: HttpRequest | None = None) -> tuple[str, ApiToken]:
    """Check the credentials and issue a bearer token; returns the secret (shown once, stored
    hashed) and the token. It works for API_TOKEN_DAYS, until revoked or a password change.

    ``request`` is the HTTP request the credentials came in, when there is one: the sign-in
    throttle counts failures per account and per address from it."""
    email = (email or "").strip().lower()
    if not (_storable(email) and _storable(password or "")):
        # No account can have it, and neither PostgreSQL nor the hasher can even compare it.
        raise ServiceError("invalid_credentials", _("Courriel ou mot de passe incorrect."),
                           status=401)
    user = authenticate(request, username=email, password=password or "")
    if user is None or not user.is_active:
        raise ServiceError("invalid_credentials", _("Courriel ou mot de passe incorrect."),
                           status=401)
    label = (label or "").strip()
    if len(label) > LABEL_MAX:
        raise ServiceError("invalid_label", _("Le nom du jeton doit tenir en 100 caractères."))
    if not _storable(label):
        raise ServiceError("invalid_label", _("Le nom du jeton contient des caractères non "
                                              "valides."))
    raw, digest = new_secret()
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, key_hash=digest, label=label)
        emit(kind="api_token.created", actor=user, owner=user,
             data={"token": api_token_data(token)})
    return raw, token


def _storable(text: str) -> bool:
    """Text PostgreSQL can hold: no NUL, no lone surrogate (valid JSON can carry both)."""
    if "\x00" in text:
        return False
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def issue_api_token(*, email: str, password: str, request: HttpRequest | None = None) -> str:
    """The secret of a new token, for scripts that need nothing else."""
    return create_api_token(email=email, password=password, request=request)[0]


def api_token_for(raw: str) -> ApiToken | None:
    """The live token with this secret (its user loaded), or None when it is unknown,
    revoked, expired or its owner's account is closed."""
    now = timezone.now()
    token = _LIVE_TOKEN.first(key_hash=hash_secret(raw), now=now)
    if token is None or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USE_PRECISION:
        # Coarse on purpose: one write per token every few minutes, not one per request.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def user_for_api_token(raw: str) -> User | None:
    token = api_token_for(raw)
    return None if token is None else token.user


def revoke_api_token(*, user: User, token_id: int) -> None:
    """Someone revokes one of their own tokens; it stops working at once, and the websocket
    it opened closes on its hub's next audit."""
    with transaction.atomic():
        deleted, _counts = ApiToken.objects.filter(pk=token_id, user=user).delete()
        if not deleted:
            # Someone else's token answers exactly like one that does not exist.
            raise NotFound("not_found", _("Ce jeton n'existe pas ou a déjà été révoqué."))
        emit(kind="api_token.revoked", actor=user, owner=user, data={"token": token_id})


def change_password(*, user: User, new_password: str,
                    keep_session_key: str | None = None) -> None:
    """Set a new password (already checked by the form's validators) and close every other
    door: the other sessions end, their websockets close on the next audit, every API token
    is revoked. ``keep_session_key`` is the session the change was made from."""
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        _end_everything_else(user, keep_session_key, reason="password_changed")


def sign_out_everywhere(*, user: User, keep_session_key: str | None = None) -> None:
    """End every session of this person but ``keep_session_key`` and revoke all their API
    tokens, for a lost phone or a shared computer left signed in."""
    with transaction.atomic():
        _end_everything_else(user, keep_session_key, reason="signed_out_everywhere")


def _end_everything_else(user: User, keep_session_key: str | None, *, reason: str) -> None:
    revoked = list(ApiToken.objects.filter(user=user).order_by("pk").values_list("pk", flat=True))
    ApiToken.objects.filter(pk__in=revoked).delete()
    _end_sessions_of(user, keep=keep_session_key)
    emit(kind="account.sessions_ended", actor=user, owner=user,
         data={"reason": reason, "tokens_revoked": revoked})


def issue_realtime_ticket(*, user: User, api_token: ApiToken | None = None) -> tuple[str, int]:
    """A single-use ticket for ``/ws/?ticket=...``; returns it and its lifetime in seconds.
    Asked with an API token, the connection it opens lasts only as long as that token."""
    raw, digest = new_secret()
    lifetime = settings.REALTIME_TICKET_SECONDS
    RealtimeTicket.objects.create(
        user=user, api_token=api_token, key_hash=digest,
        expires_at=timezone.now() + timedelta(seconds=lifetime),
    )
    return raw, lifetime


def redeem_realtime_ticket(*, raw: str) -> tuple[User, int | None] | None:
    """Consume a ticket: its person and the API token it was asked with, if any."""
    return redeem_realtime_tickets(raws=[raw])[0]


def redeem_realtime_tickets(*, raws: list[str]) -> list[tuple[User, int | None] | None]:
    """Consume tickets presented together (a reconnect storm): for each, in order, its person
    and API token, or None. The conditional update makes each ticket single-use even when
    connections race with the same one, within one call as across calls (only the first
    occurrence of a ticket here gets it); a ticket whose token was revoked went with it, one
    whose token expired is refused. Two statements and one commit for any number of tickets:
    each claim used to wait for a commit of its own to reach the disk."""
    # Written out: every websocket an API client opens comes through here, and building
    # these queries with the ORM cost more CPU than a storm of a thousand connections had to
    # spare. RETURNING names bare columns: SQLite refuses the table's alias there.
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    ticket, token, user = (connection.ops.quote_name(m._meta.db_table)
                           for m in (RealtimeTicket, ApiToken, User))
    hashes = [hash_secret(raw) for raw in raws]
    # Sorted: concurrent claims then lock shared rows in the same order.
    wanted = sorted(set(hashes))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE {ticket} AS t SET used_at = %s
                WHERE t.key_hash {_any_of(connection.vendor)} AND t.used_at IS NULL
                  AND t.expires_at > %s
                  AND (t.api_token_id IS NULL OR EXISTS (
                       SELECT 1 FROM {token} a WHERE a.id = t.api_token_id
                                                 AND a.expires_at > %s))
                RETURNING key_hash, user_id, api_token_id""",  # noqa: S608 - names from the models
            [now, _values(connection.vendor, wanted), now, now])
        claimed = {key_hash: (user_id, api_token_id)
                   for key_hash, user_id, api_token_id in cursor.fetchall()}
        people: dict[int, User] = {}
        if claimed:
            fields = [f.attname for f in User._meta.concrete_fields]
            columns = ", ".join(connection.ops.quote_name(str(f.column))
                                for f in User._meta.concrete_fields)
            cursor.execute(f"SELECT {columns} FROM {user} "  # noqa: S608
                           f"WHERE id {_any_of(connection.vendor)}",
                           [_values(connection.vendor, sorted({u for u, _ in claimed.values()}))])
            for row in cursor.fetchall():
                person_row = User.from_db(connection.alias, fields, row)
                people[person_row.pk] = person_row
    redeemed: list[tuple[User, int | None] | None] = []
    for key_hash in hashes:
        claim = claimed.pop(key_hash, None)  # popped: a repeat of it gets nothing
        if claim is None:
            redeemed.append(None)
            continue
        found = people.get(claim[0])
        redeemed.append((found, claim[1]) if found is not None and found.is_active else None)
    return redeemed


def _any_of(vendor: str) -> str:
    """``= ANY(array)`` on PostgreSQL, a JSON list elsewhere (SQLite): one SQL text for any
    number of values."""
    return "= ANY(%s)" if vendor == "postgresql" else "IN (SELECT value FROM json_each(%s))"


def _values(vendor: str, values: list[Any]) -> Any:
    return values if vendor == "postgresql" else json.dumps(values)


def deactivate_user(*, actor: User, user: User) -> None:
    """Platform staff close an account: it can no longer sign in, its sessions and tokens are
    revoked, and its live streams end (hubs close them on their next audit)."""
    if not is_platform_staff(actor):
        raise Forbidden("forbidden",
                        _("Seul le personnel de la plateforme peut désactiver un compte."))
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(is_active=False)
        user.is_active = False
        ApiToken.objects.filter(user=user).delete()
        _end_sessions_of(user)
        emit(kind="account.deactivated", actor=actor, owner=user, data={"by": person(actor)})


def _end_sessions_of(user: User, *, keep: str | None = None) -> None:
    # Database sessions do not say whose they are without decoding them; decoding each live
    # one is acceptable for rare actions (a password change, a deactivation). Deleting the
    # row is what the hubs' audit sees.
    ended = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now())
        .exclude(session_key=keep or "").iterator()
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk)
    ]
    Session.objects.filter(session_key__in=ended).delete()
