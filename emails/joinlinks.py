"""Join-back links: one click from an email back into the right thread, document or page,
signed in, without a password.

A token is 256 random bits; only its SHA-256 is stored, bound to one member and one target.
It lasts seven days and works once, and only a POST from the landing page uses it, so a mail
security scanner that fetches every link uses nothing up. It never signs in anyone but its
owner and never opens a space the owner has left.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from functools import lru_cache

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import Membership, Space, User
from communities.secrets import hash_secret, new_secret
from emails.models import JoinLink
from emails.outgoing import absolute, compose, deliver, in_language, language_of

# A dead link's page may email a fresh one; this many per member per hour at most, so the
# form cannot be used to flood someone's inbox.
FRESH_LINKS_PER_HOUR = 5


class Refusal(Enum):
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    LEFT_SPACE = "left_space"
    INACTIVE = "inactive"


@dataclass(frozen=True)
class Checked:
    """What the landing page knows about a token: the link when it exists, and why it cannot
    be used, if it cannot."""

    link: JoinLink | None
    refusal: Refusal | None

    @property
    def usable(self) -> bool:
        return self.refusal is None


def validity() -> timedelta:
    return timedelta(days=settings.JOIN_LINK_DAYS)


def _safe_target(target: str) -> str:
    # Only paths on this site: a link must never become an open redirect.
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        raise ValueError(f"join link target must be a local path, not {target!r}")
    return target


def new_link(*, user: User, target: str, space: Space | None,
             action: str = "") -> tuple[JoinLink, str]:
    """An unsaved link and its raw token (for batches that bulk-create them)."""
    raw, digest = new_secret()
    now = timezone.now()
    link = JoinLink(user=user, token_hash=digest, target=_safe_target(target), space=space,
                    created_at=now, expires_at=now + validity(), action=action)
    return link, raw


@lru_cache(maxsize=1)
def _landing_pattern() -> tuple[str, str]:
    # Built by hand from one reverse(): a digest batch needs thousands of these.
    head, _marker, tail = reverse("emails:join", args=["TOKEN"]).partition("TOKEN")
    return head, tail


def landing_url(raw_token: str) -> str:
    head, tail = _landing_pattern()
    return absolute(f"{head}{raw_token}{tail}")


class LinkBatch:
    """The links of a whole send, stored in one INSERT: ``add`` hands out each landing URL at
    once (it depends only on the raw token), ``save`` stores them all; call it before any of
    the messages leave, so no email carries a link that does not exist yet."""

    def __init__(self) -> None:
        self._pending: list[JoinLink] = []

    def add(self, *, user: User, target: str, space: Space | None, action: str = "") -> str:
        link, raw = new_link(user=user, target=target, space=space, action=action)
        self._pending.append(link)
        return landing_url(raw)

    def __len__(self) -> int:
        return len(self._pending)

    def save(self) -> None:
        JoinLink.objects.bulk_create(self._pending)
        self._pending = []


def issue_link(*, user: User, target: str, space: Space | None,
               requested: bool = False) -> str:
    """Store a link and return its absolute landing URL."""
    link, raw = new_link(user=user, target=target, space=space)
    link.requested = requested
    link.save()
    return landing_url(raw)


def _refusal_of(link: JoinLink, *, now: object) -> Refusal | None:
    if link.used_at is not None:
        return Refusal.USED
    if link.expires_at <= now:  # type: ignore[operator]
        return Refusal.EXPIRED
    if not link.user.is_active:
        return Refusal.INACTIVE
    if link.space_id is not None and not Membership.objects.filter(
        user_id=link.user_id, space_id=link.space_id
    ).exists():
        return Refusal.LEFT_SPACE
    return None


def check(raw_token: str) -> Checked:
    """Look a token up without using it (what a GET of the landing page does)."""
    link = (JoinLink.objects.select_related("user", "space")
            .filter(token_hash=hash_secret(raw_token or "")).first())
    if link is None:
        return Checked(link=None, refusal=Refusal.UNKNOWN)
    return Checked(link=link, refusal=_refusal_of(link, now=timezone.now()))


def consume(raw_token: str) -> Checked:
    """Use a token: mark it used, once, under a row lock (two clicks cannot both win).
    The caller signs ``link.user`` in only when the result is usable."""
    with transaction.atomic():
        link = (JoinLink.objects.select_for_update(of=("self",))
                .select_related("user", "space")
                .filter(token_hash=hash_secret(raw_token or "")).first())
        if link is None:
            return Checked(link=None, refusal=Refusal.UNKNOWN)
        refusal = _refusal_of(link, now=timezone.now())
        if refusal is None:
            link.used_at = timezone.now()
            link.save(update_fields=["used_at"])
        return Checked(link=link, refusal=refusal)


def send_fresh_link(*, raw_token: str, email: str) -> None:
    """From a dead link's page: if ``email`` is the address of the link's owner (or, for a
    token we do not know, of any active account), email a new link to the same place.
    Says nothing either way, so the form cannot tell whether an address has an account."""
    email = (email or "").strip().lower()
    if not email:
        return
    checked = check(raw_token)
    if checked.link is not None:
        user = checked.link.user
        if user.email.lower() != email or not user.is_active:
            return
        target, space = checked.link.target, checked.link.space
        if space is not None and not Membership.objects.filter(user=user, space=space).exists():
            target, space = reverse("my-spaces"), None
    else:
        found = User.objects.filter(email=email, is_active=True).first()
        if found is None:
            return
        user, target, space = found, reverse("my-spaces"), None
    recent = JoinLink.objects.filter(user=user, requested=True,
                                     created_at__gte=timezone.now() - timedelta(hours=1))
    if recent.count() >= FRESH_LINKS_PER_HOUR:
        return
    url = issue_link(user=user, target=target, space=space, requested=True)
    language = language_of(user)
    with in_language(language):
        subject = _("Votre nouveau lien vers l'Espace collaboratif")
    deliver([compose(to=user.email, language=language, subject=subject,
                     template="emails/mail/fresh_link",
                     context={"user": user, "url": url, "days": settings.JOIN_LINK_DAYS})])
