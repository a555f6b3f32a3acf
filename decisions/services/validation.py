"""The checks every write of a decision or an action goes through, with their French
refusals. Dates are days in America/Toronto, the time zone the communities live in."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from communities.errors import ServiceError
from communities.ids import storable_ids
from communities.models import Membership, Space, User
from communities.text import require_storable
from decisions.models import ActionStatus
from decisions.models.records import TEXT_MAX, WHAT_MAX
from meetings.timezones import local

#: An action is due within this horizon: beyond it the date is surely a typo.
FURTHEST_DUE = timedelta(days=2 * 365)
#: A decision is dated at most this far back (minutes typed up late) and never in the future.
EARLIEST_DECISION = timedelta(days=20 * 365)
MAX_ASSIGNEES = 20


def today() -> date:
    return local(timezone.now()).date()


def clean_text(text: str) -> str:
    text = require_storable((text or "").strip())
    if not text:
        raise ServiceError("empty_text", _("Écrivez la décision."))
    if len(text) > TEXT_MAX:
        raise ServiceError("text_too_long", _("Une décision tient en %(max)d caractères au plus "
                                              "(la vôtre en a %(count)d).")
                           % {"max": TEXT_MAX, "count": len(text)})
    return text


def clean_what(what: str) -> str:
    what = require_storable(" ".join((what or "").split()))
    if not what:
        raise ServiceError("empty_what", _("Écrivez ce qu'il faut faire."))
    if len(what) > WHAT_MAX:
        raise ServiceError("what_too_long", _("Une action tient en %(max)d caractères au plus "
                                              "(la vôtre en a %(count)d).")
                           % {"max": WHAT_MAX, "count": len(what)})
    return what


def check_decided_on(decided_on: date) -> date:
    now = today()
    if decided_on > now:
        raise ServiceError("decided_in_future", _("Une décision ne peut pas être datée dans "
                                                  "l'avenir."))
    if decided_on < now - EARLIEST_DECISION:
        raise ServiceError("decided_too_long_ago", _("Cette date est trop ancienne : vérifiez "
                                                     "l'année."))
    return decided_on


def check_due_on(due_on: date) -> date:
    now = today()
    if due_on < now:
        raise ServiceError("due_in_past", _("L'échéance est déjà passée : choisissez "
                                            "aujourd'hui ou une date à venir."))
    if due_on > now + FURTHEST_DUE:
        raise ServiceError("due_too_far", _("L'échéance est à plus de deux ans : vérifiez "
                                            "l'année."))
    return due_on


def check_status(status: str) -> str:
    if status not in ActionStatus.values:
        raise ServiceError("invalid_status", _("État inconnu : choisissez « à faire », « en "
                                               "cours » ou « fait »."))
    return status


def assignees_of(*, space: Space, user_ids: Iterable[int]) -> list[User]:
    """The members named, all of them active members of the space, or a refusal naming none
    of the others (an id that is not a member says nothing about who it is)."""
    given = set(user_ids)
    wanted = set(storable_ids(given))
    if not given:
        raise ServiceError("no_assignee", _("Choisissez au moins une personne responsable."))
    if len(given) > MAX_ASSIGNEES:
        raise ServiceError("too_many_assignees", _("Au plus %(max)d personnes responsables par "
                                                   "action.") % {"max": MAX_ASSIGNEES})
    members = list(User.objects.filter(
        pk__in=Membership.objects.filter(space=space, user_id__in=wanted,
                                         user__is_active=True).values("user_id"))
        .order_by("pk"))
    if len(members) != len(given):
        raise ServiceError("assignee_not_member", _("Une action ne peut être confiée qu'à des "
                                                    "membres de l'espace."))
    return members
