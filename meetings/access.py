"""Who may do what with the meetings and date polls of a space, as plain answers: the
services refuse with these and the pages choose their controls with them. Facilitators and
admins of the space (and platform staff) organise; members answer."""

from __future__ import annotations

from django.utils.translation import gettext as _

from communities.access import may_manage, membership_of, require_writable
from communities.errors import Forbidden
from communities.models import Membership, Space, User


def may_organise(membership: Membership | None, user: User) -> bool:
    """Schedule, edit, cancel, remind, record attendance, open and settle date polls."""
    return may_manage(membership, user)


def require_organiser(*, actor: User, space: Space) -> None:
    if not may_organise(membership_of(user=actor, space=space), actor):
        raise Forbidden("forbidden", _("Seules les personnes qui animent cet espace peuvent "
                                       "organiser ses rencontres."))
    require_writable(space)


def may_answer(membership: Membership | None, user: User) -> bool:
    """Only members answer meetings and polls: staff who are not members read the answers but
    have none to give."""
    return user.is_active and membership is not None


def require_answerer(*, actor: User, space: Space) -> Membership:
    membership = membership_of(user=actor, space=space) if actor.is_active else None
    if membership is None or not may_answer(membership, actor):
        raise Forbidden("forbidden", _("Seuls les membres de l'espace répondent à ses "
                                       "rencontres."))
    return membership
