"""Accounts and credentials: API tokens, websocket tickets, profile, deactivation."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.access import is_platform_staff
from communities.errors import Forbidden, ServiceError
from communities.events import emit
from communities.models import ApiToken, RealtimeTicket, User
from communities.secrets import hash_secret, new_secret
from communities.serializers import person


def issue_api_token(*, email: str, password: str) -> str:
    """Check the credentials and return a new bearer token (shown once, stored hashed)."""
    user = authenticate(username=(email or "").strip().lower(), password=password or "")
    if user is None or not user.is_active:
        raise ServiceError("invalid_credentials", _("Courriel ou mot de passe incorrect."),
                           status=401)
    raw, digest = new_secret()
    ApiToken.objects.create(user=user, key_hash=digest)
    return raw


def user_for_api_token(raw: str) -> User | None:
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_secret(raw)).first()
    if token is None or not token.user.is_active:
        return None
    return token.user


def issue_realtime_ticket(*, user: User) -> tuple[str, int]:
    """A single-use ticket for ``/ws/?ticket=...``; returns it and its lifetime in seconds."""
    raw, digest = new_secret()
    lifetime = settings.REALTIME_TICKET_SECONDS
    RealtimeTicket.objects.create(
        user=user, key_hash=digest, expires_at=timezone.now() + timedelta(seconds=lifetime)
    )
    return raw, lifetime


def redeem_realtime_ticket(*, raw: str) -> User | None:
    """Consume a ticket. The conditional update makes it single-use even when two
    connections race with the same ticket."""
    now = timezone.now()
    claimed = RealtimeTicket.objects.filter(
        key_hash=hash_secret(raw), used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    if claimed != 1:
        return None
    ticket = RealtimeTicket.objects.select_related("user").get(key_hash=hash_secret(raw))
    return ticket.user if ticket.user.is_active else None


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


def _end_sessions_of(user: User) -> None:
    # Database sessions are the default; decoding each live one is acceptable for a rare,
    # staff-only action.
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
