"""Who may record, change and remove decisions and action items.

Any member may record from a thread of the space (they can read it, and a thread is where
members agree things among themselves); only those who organise the space's meetings record
from a meeting, since they keep its minutes. A record's author or a facilitator edits it; only
facilitators delete. The status of an action is changed by those it is assigned to, or by a
facilitator, so "fait" means something."""

from __future__ import annotations

from django.utils.translation import gettext as _

from communities.access import may_manage, membership_of
from communities.errors import Forbidden
from communities.models import Membership, Space, User


def _member(user: User, membership: Membership | None) -> bool:
    return user.is_active and membership is not None


def may_record_from_thread(membership: Membership | None, user: User) -> bool:
    return _member(user, membership) or may_manage(membership, user)


def may_record_from_meeting(membership: Membership | None, user: User) -> bool:
    return may_manage(membership, user)


def may_edit(membership: Membership | None, user: User, *, author_id: int | None) -> bool:
    return may_manage(membership, user) or (
        _member(user, membership) and author_id is not None and author_id == user.pk)


def may_delete(membership: Membership | None, user: User) -> bool:
    return may_manage(membership, user)


def may_change_status(membership: Membership | None, user: User, *,
                      assignee_ids: set[int]) -> bool:
    return may_manage(membership, user) or (
        _member(user, membership) and user.pk in assignee_ids)


def require_recorder(*, actor: User, space: Space, from_meeting: bool) -> Membership | None:
    membership = membership_of(user=actor, space=space) if actor.is_active else None
    if from_meeting:
        if not may_record_from_meeting(membership, actor):
            raise Forbidden("forbidden", _("Seules les personnes qui animent cet espace "
                                           "consignent les décisions et les suivis d'une "
                                           "rencontre."))
    elif not may_record_from_thread(membership, actor):
        raise Forbidden("forbidden", _("Seuls les membres de l'espace consignent ses décisions "
                                       "et ses suivis."))
    return membership


def require_editor(*, actor: User, space: Space, author_id: int | None) -> None:
    membership = membership_of(user=actor, space=space) if actor.is_active else None
    if not may_edit(membership, actor, author_id=author_id):
        raise Forbidden("forbidden", _("Seules la personne qui l'a consigné et les personnes "
                                       "qui animent l'espace peuvent le modifier."))


def require_deleter(*, actor: User, space: Space) -> None:
    if not may_delete(membership_of(user=actor, space=space), actor):
        raise Forbidden("forbidden", _("Seules les personnes qui animent l'espace peuvent "
                                       "supprimer une décision ou un suivi."))


def require_status_changer(*, actor: User, space: Space, assignee_ids: set[int]) -> None:
    membership = membership_of(user=actor, space=space) if actor.is_active else None
    if not may_change_status(membership, actor, assignee_ids=assignee_ids):
        raise Forbidden("forbidden", _("Seules les personnes responsables de ce suivi et celles "
                                       "qui animent l'espace en changent l'état."))
