"""Reading and changing what a member receives by email. The only writers of the preference
rows (the preferences page and unsubscribe both come through here)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.errors import ServiceError
from communities.models import Membership, Space, User
from emails.models import (
    DigestFrequency,
    EmailPreferences,
    NotificationMode,
    SpaceEmailPreferences,
)


@dataclass(frozen=True)
class SpaceChoice:
    """One space's line on the preferences page."""

    space: Space
    digest: str  # "" = the member's general choice
    notifications_muted: bool


@dataclass(frozen=True)
class Choices:
    digest: str
    notifications: str
    spaces: list[SpaceChoice]
    announcements: bool = True


def preferences_of(user: User) -> EmailPreferences:
    """The member's general choices (an unsaved row with the defaults when none is stored)."""
    found = EmailPreferences.objects.filter(user=user).first()
    return found or EmailPreferences(user=user)


def choices_of(user: User) -> Choices:
    general = preferences_of(user)
    overrides = {p.space_id: p for p in SpaceEmailPreferences.objects.filter(user=user)}
    spaces = []
    for membership in Membership.objects.filter(user=user).select_related("space").order_by(
        "space__name"
    ):
        override = overrides.get(membership.space_id)
        spaces.append(SpaceChoice(space=membership.space,
                                  digest=override.digest if override else "",
                                  notifications_muted=bool(override and
                                                           override.notifications_muted)))
    return Choices(digest=general.digest, notifications=general.notifications, spaces=spaces,
                   announcements=general.announcements)


def _check(value: str, allowed: Iterable[str], what: str) -> str:
    if value not in allowed:
        raise ServiceError("invalid_preference", _("Choix inconnu pour %(what)s : « %(value)s ».")
                           % {"what": what, "value": value})
    return value


def set_preferences(*, user: User, digest: str, notifications: str,
                    spaces: Mapping[int, tuple[str, bool]] | None = None,
                    announcements: bool | None = None) -> Choices:
    """Save the member's general choices and, per space id they belong to, the digest
    override ("" = general choice) and whether notifications are muted there;
    ``announcements`` None leaves that choice as it is."""
    _check(digest, DigestFrequency.values, _("le résumé"))
    _check(notifications, NotificationMode.values, _("les notifications"))
    spaces = spaces or {}
    for space_digest, _muted in spaces.values():
        _check(space_digest, ["", *DigestFrequency.values], _("le résumé d'un espace"))
    member_of = set(Membership.objects.filter(user=user, space_id__in=list(spaces))
                    .values_list("space_id", flat=True))
    with transaction.atomic():
        general: dict[str, object] = {"digest": digest, "notifications": notifications,
                                      "updated_at": timezone.now()}
        if announcements is not None:
            general["announcements"] = announcements
        EmailPreferences.objects.update_or_create(user=user, defaults=general)
        for space_id, (space_digest, muted) in spaces.items():
            if space_id not in member_of:
                continue  # a space left since the page was shown: nothing to keep for it
            SpaceEmailPreferences.objects.update_or_create(
                user=user, space_id=space_id,
                defaults={"digest": space_digest, "notifications_muted": muted})
    return choices_of(user)


def stop_everything(*, user: User) -> None:
    """No digest and no notification any more, from any space (one-click unsubscribe)."""
    EmailPreferences.objects.update_or_create(
        user=user, defaults={"digest": DigestFrequency.OFF,
                             "notifications": NotificationMode.OFF,
                             "updated_at": timezone.now()})


def stop_announcements(*, user: User) -> None:
    """No announcement by email any more, from any space (their one-click unsubscribe)."""
    EmailPreferences.objects.update_or_create(
        user=user, defaults={"announcements": False, "updated_at": timezone.now()})


def stop_space(*, user: User, space: Space) -> None:
    """No digest and no notification any more from one space."""
    SpaceEmailPreferences.objects.update_or_create(
        user=user, space=space,
        defaults={"digest": DigestFrequency.OFF, "notifications_muted": True})


def opted_out_of(*, space_id: int, user_ids: Iterable[int]) -> set[int]:
    """Those of ``user_ids`` who asked for no email from the space: the space muted (what the
    one-click unsubscribe of a meeting or poll email sets) or everything stopped (no digest and
    no notification, what unsubscribing from everything sets). The meeting and poll emails
    honour it. Turning off only the mention and reply notifications, as the preferences page
    words that choice, does not stop meeting invitations."""
    wanted = list(user_ids)
    everything = EmailPreferences.objects.filter(
        user_id__in=wanted, notifications=NotificationMode.OFF,
        digest=DigestFrequency.OFF).values("user_id")
    muted = SpaceEmailPreferences.objects.filter(user_id__in=wanted, space_id=space_id,
                                                 notifications_muted=True).values("user_id")
    return set(User.objects.filter(Q(pk__in=everything) | Q(pk__in=muted), pk__in=wanted)
               .values_list("pk", flat=True))


def announcement_recipients(*, space_id: int) -> list[User]:
    """The active members of a space who get its announcements by email: not those who turned
    announcements off, muted the space or stopped everything. One query, whatever their
    number."""
    stopped = Q(pk__in=EmailPreferences.objects.filter(announcements=False).values("user_id"))
    everything = Q(pk__in=EmailPreferences.objects.filter(
        notifications=NotificationMode.OFF, digest=DigestFrequency.OFF).values("user_id"))
    muted = Q(pk__in=SpaceEmailPreferences.objects.filter(
        space_id=space_id, notifications_muted=True).values("user_id"))
    return list(User.objects.filter(
        is_active=True, pk__in=Membership.objects.filter(space_id=space_id).values("user_id"))
        .exclude(stopped | everything | muted).order_by("pk"))
