"""Who may do what with meetings: facilitators and admins of the space (and platform staff)
organise; members answer."""

from __future__ import annotations

from django.utils.translation import gettext as _

from communities.errors import Forbidden
from communities.models import MANAGING_ROLES, Membership, Space, User
from communities.selectors import membership_of


def require_organiser(*, actor: User, space: Space) -> None:
    if actor.is_active and actor.is_staff:
        return
    membership = membership_of(user=actor, space=space)
    if membership is None or membership.role not in MANAGING_ROLES:
        raise Forbidden("forbidden", _("Seules les personnes qui animent cet espace peuvent "
                                       "organiser ses rencontres."))


def require_member(*, actor: User, space: Space) -> Membership:
    membership = membership_of(user=actor, space=space) if actor.is_active else None
    if membership is None:
        raise Forbidden("forbidden", _("Seuls les membres de l'espace répondent à ses "
                                       "rencontres."))
    return membership
