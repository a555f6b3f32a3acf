"""Committees: private spaces inside a space, with members chosen among the space's members.

A committee is a ``Space`` whose ``parent`` is the space it belongs to, so its discussion,
documents, meetings and event stream are a space's. Its events go on its own stream, which
only its members read; the parent's stream learns of a committee only when the facilitators
show its existence (``committee.shown``), so its name never reaches anyone outside it
otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from communities.access import require_committee_governor, require_manager
from communities.errors import Conflict, NotFound, ServiceError
from communities.events import emit
from communities.ids import parse_id
from communities.models import MANAGING_ROLES, Membership, Role, Space, User
from communities.serializers import committee_data, person
from communities.text import require_storable

MAX_NAME_CHARS = 200
MAX_DESCRIPTION_CHARS = 2000


def _clean_name(name: str) -> str:
    name = require_storable(" ".join((name or "").split()))
    if not name:
        raise ServiceError("empty_name", _("Donnez un nom au comité."))
    if len(name) > MAX_NAME_CHARS:
        raise ServiceError("name_too_long", _("Le nom du comité dépasse %(max)s caractères.")
                           % {"max": MAX_NAME_CHARS})
    return name


def _clean_description(description: str) -> str:
    description = require_storable((description or "").strip())
    if len(description) > MAX_DESCRIPTION_CHARS:
        raise ServiceError("description_too_long",
                           _("La description du comité dépasse %(max)s caractères.")
                           % {"max": MAX_DESCRIPTION_CHARS})
    return description


def _free_slug(space: Space, name: str) -> str:
    base = slugify(f"{space.slug}-{name}")[:52].strip("-") or f"{space.slug}-comite"
    taken = set(Space.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _space_members(space: Space, ids: Iterable[object]) -> dict[int, Membership]:
    """The parent memberships of the people chosen, refusing anyone who is not in the space
    (the whole request, so nothing is half done)."""
    wanted: set[int] = set()
    for raw in ids:
        user_id = parse_id(str(raw))
        if user_id is None:
            raise ServiceError("invalid_member", _("Membre inconnu : « %(id)s ».") % {"id": raw})
        wanted.add(user_id)
    found = {m.user_id: m for m in Membership.objects.filter(space=space, user_id__in=wanted)
             .select_related("user")}
    missing = wanted - found.keys()
    if missing:
        raise ServiceError("not_space_member", _(
            "Un comité ne réunit que des membres de l'espace « %(space)s » : %(n)s des "
            "personnes choisies n'en font pas partie. Rien n'a été changé.")
            % {"space": space.name, "n": len(missing)})
    return found


def _committee_role(parent_membership: Membership | None) -> str:
    # The space's facilitators keep their role inside the committees they join.
    if parent_membership is not None and parent_membership.role in MANAGING_ROLES:
        return Role.FACILITATOR
    return Role.MEMBER


def _add(*, actor: User, committee: Space, user: User, parent_membership: Membership | None,
         ) -> bool:
    role = _committee_role(parent_membership)
    _, created = Membership.objects.get_or_create(space=committee, user=user,
                                                  defaults={"role": role})
    if created:
        emit(kind="committee.member_added", actor=actor, space=committee,
             data={"member": person(user), "role": role, "by": person(actor)})
    return created


def create_committee(*, actor: User, space: Space, name: str, description: str = "",
                     members: Iterable[object] = (), existence_visible: bool = False) -> Space:
    """Create a committee in ``space`` with the members chosen (its creator among them, so it
    is never without someone to read it)."""
    parent_membership = require_manager(user=actor, space=space)
    if space.parent_id is not None:
        raise ServiceError("nested_committee", _("Un comité ne peut pas contenir d'autre "
                                                 "comité."))
    name = _clean_name(name)
    description = _clean_description(description)
    chosen = _space_members(space, members)
    if Space.objects.filter(parent=space, name__iexact=name).exists():
        raise Conflict("name_taken", _("L'espace a déjà un comité nommé « %(name)s ».")
                       % {"name": name})
    try:
        with transaction.atomic():
            committee = Space.objects.create(
                slug=_free_slug(space, name), name=name, description=description,
                is_private=True, parent=space, existence_visible=existence_visible)
            emit(kind="committee.created", actor=actor, space=committee,
                 data={"committee": committee_data(committee), "by": person(actor)})
            if parent_membership is not None:
                _add(actor=actor, committee=committee, user=actor,
                     parent_membership=parent_membership)
            for membership in chosen.values():
                _add(actor=actor, committee=committee, user=membership.user,
                     parent_membership=membership)
            if existence_visible:
                emit(kind="committee.shown", actor=actor, space=space,
                     data={"committee": _public(committee)})
    except IntegrityError:  # a concurrent creation took the same slug
        raise Conflict("name_taken", _("Un comité du même nom vient d'être créé : choisissez "
                                       "un autre nom.")) from None
    return committee


def _public(committee: Space) -> dict[str, object]:
    """What every member of the space may know of a committee shown to them."""
    return {"id": committee.pk, "slug": committee.slug, "name": committee.name,
            "archived": committee.archived_at is not None}


def add_committee_members(*, actor: User, committee: Space,
                          members: Iterable[object]) -> list[User]:
    """Add members of the space to the committee; returns those who were not in it yet."""
    require_committee_governor(user=actor, committee=committee)
    parent = committee.parent
    assert parent is not None
    chosen = _space_members(parent, members)
    if not chosen:
        raise ServiceError("no_member", _("Choisissez au moins un membre de l'espace."))
    added = []
    with transaction.atomic():
        for membership in chosen.values():
            if _add(actor=actor, committee=committee, user=membership.user,
                    parent_membership=membership):
                added.append(membership.user)
    return added


def _end(*, actor: User, committee: Space, member: User, reason: str) -> None:
    emit(kind="committee.member_removed", actor=actor, space=committee,
         data={"member": person(member), "reason": reason, "by": person(actor)})
    emit(kind="membership.ended", actor=actor, owner=member,
         data={"space": committee.slug, "reason": reason})


def remove_committee_member(*, actor: User, committee: Space, member: User) -> None:
    require_committee_governor(user=actor, committee=committee)
    with transaction.atomic():
        deleted, _rows = Membership.objects.filter(space=committee, user=member).delete()
        if not deleted:
            raise NotFound("not_member", _("Cette personne ne fait pas partie du comité."))
        _end(actor=actor, committee=committee, member=member, reason="removed")


def end_committee_memberships(*, actor: User, space: Space, member: User, reason: str) -> None:
    """Someone who leaves or is removed from a space leaves all its committees with it, in
    the same transaction (the realtime audit then ends their committee streams too)."""
    rows = list(Membership.objects.filter(space__parent=space, user=member)
                .select_related("space"))
    if not rows:
        return
    Membership.objects.filter(pk__in=[m.pk for m in rows]).delete()
    for membership in rows:
        _end(actor=actor, committee=membership.space, member=member, reason=reason)


def _set_archived(*, actor: User, committee: Space, archived: bool) -> Space:
    require_committee_governor(user=actor, committee=committee)
    with transaction.atomic():
        locked = Space.objects.select_for_update(of=("self",)).select_related("parent").get(
            pk=committee.pk)
        if (locked.archived_at is not None) == archived:
            raise Conflict("unchanged", _("Ce comité est déjà archivé.") if archived
                           else _("Ce comité n'est pas archivé."))
        locked.archived_at = timezone.now() if archived else None
        locked.save(update_fields=["archived_at"])
        emit(kind="committee.archived" if archived else "committee.unarchived", actor=actor,
             space=locked, data={"committee": committee_data(locked), "by": person(actor)})
        if locked.existence_visible:
            emit(kind="committee.shown", actor=actor, space=locked.parent,
                 data={"committee": _public(locked)})
    committee.archived_at = locked.archived_at
    return locked


def archive_committee(*, actor: User, committee: Space) -> Space:
    """Make a committee read-only: it stays readable by its members."""
    return _set_archived(actor=actor, committee=committee, archived=True)


def unarchive_committee(*, actor: User, committee: Space) -> Space:
    return _set_archived(actor=actor, committee=committee, archived=False)


def set_committee_visibility(*, actor: User, committee: Space, visible: bool) -> Space:
    """Show (or hide again) a committee's name to every member of its space."""
    require_committee_governor(user=actor, committee=committee)
    with transaction.atomic():
        locked = Space.objects.select_for_update(of=("self",)).select_related("parent").get(
            pk=committee.pk)
        if locked.existence_visible == visible:
            return locked
        locked.existence_visible = visible
        locked.save(update_fields=["existence_visible"])
        emit(kind="committee.visibility_changed", actor=actor, space=locked,
             data={"committee": committee_data(locked), "by": person(actor)})
        if visible:
            emit(kind="committee.shown", actor=actor, space=locked.parent,
                 data={"committee": _public(locked)})
        else:
            emit(kind="committee.hidden", actor=actor, space=locked.parent,
                 data={"committee": {"id": locked.pk}})
    committee.existence_visible = visible
    return locked
