"""The only writers of member profiles: the fields, the areas of expertise and the photo.

Each write is one transaction that emits ``profile.updated`` on the member's own stream with
ids and field names only (never the values: the event log keeps no personal data that a
later edit would have to chase). A name or organisation that changes may make two members of
a space namesakes, so the namesake marks are recomputed for each of their spaces."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import IO

from django.db import transaction
from django.utils.translation import gettext as _

from communities import photos
from communities.access import may_edit_profile
from communities.errors import Forbidden, ServiceError
from communities.events import emit
from communities.mentions import fold
from communities.models import ExpertiseTag, Language, MemberKind, Membership, User
from communities.regions import QUEBEC_REGIONS
from communities.services.namesakes import tell_apart
from communities.text import require_storable

MAX_NAME = 120
MAX_ORGANISATION = 200
MAX_PLACE = 120
MAX_TITLE = 200
MAX_BIO = 1000
MAX_TAGS = 10
MAX_TAG_CHARS = 60
#: What the expertise field may hold as typed, before it is split: 10 tags of 60 characters
#: and their separators. Beyond it the input is refused whole, not cut.
MAX_TAGS_INPUT = MAX_TAGS * (MAX_TAG_CHARS + 2)

REGION_CODES = frozenset(code for code, _name in QUEBEC_REGIONS)
_TAG_SEPARATORS = re.compile(r"[,;\n]")


@dataclass
class ProfileInput:
    """What a member says about themselves; every field as typed."""

    display_name: str
    organisation: str = ""
    municipality: str = ""
    mrc: str = ""
    region: str = ""
    kind: str = ""
    title: str = ""
    bio: str = ""
    expertise: list[str] = field(default_factory=list)
    language: str = Language.FRENCH
    email_visible: bool = False


def _text(value: str, *, limit: int, code: str, label: str) -> str:
    value = " ".join(require_storable(value).split())
    if len(value) > limit:
        raise ServiceError(code, _("%(label)s : au plus %(max)s caractères (vous en avez saisi "
                                   "%(count)s).") % {"label": label, "max": limit,
                                                     "count": len(value)})
    return value


def split_tags(raw: str) -> list[str]:
    """Tags typed in one field, separated by commas, semicolons or new lines. Refuses an
    input longer than any acceptable list, so a pasted book gets a message, not a cut."""
    if len(raw) > MAX_TAGS_INPUT:
        raise ServiceError("tags_too_long", _(
            "Domaines d'expertise : au plus %(tags)s domaines de %(chars)s caractères chacun "
            "(vous avez saisi %(count)s caractères).")
            % {"tags": MAX_TAGS, "chars": MAX_TAG_CHARS, "count": len(raw)})
    return [part for part in (" ".join(p.split()) for p in _TAG_SEPARATORS.split(raw)) if part]


def clean_profile(data: ProfileInput) -> ProfileInput:
    """The profile as it will be stored, or a ServiceError naming the field at fault."""
    name = _text(data.display_name, limit=MAX_NAME, code="name_too_long", label=_("Nom"))
    if not name:
        raise ServiceError("name_missing", _("Indiquez le nom à afficher aux autres membres."))
    region = data.region.strip()
    if region and region not in REGION_CODES:
        raise ServiceError("invalid_region", _(
            "Cette région ne fait pas partie des 17 régions administratives du Québec : "
            "choisissez-en une dans la liste."))
    kind = data.kind.strip()
    if kind and kind not in MemberKind.values:
        raise ServiceError("invalid_kind", _("Choisissez un type de membre dans la liste."))
    if data.language not in Language.values:
        raise ServiceError("invalid_language", _("Choisissez le français ou l'anglais."))
    bio = require_storable(data.bio).strip()
    if len(bio) > MAX_BIO:
        raise ServiceError("bio_too_long", _(
            "Présentation : au plus %(max)s caractères (vous en avez saisi %(count)s).")
            % {"max": MAX_BIO, "count": len(bio)})
    tags: list[str] = []
    seen: set[str] = set()
    for raw_tag in data.expertise:
        tag = _text(raw_tag, limit=MAX_TAG_CHARS, code="tag_too_long",
                    label=_("Domaine d'expertise"))
        if tag and fold(tag) not in seen:
            seen.add(fold(tag))
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise ServiceError("too_many_tags", _(
            "Domaines d'expertise : au plus %(max)s (vous en avez indiqué %(count)s).")
            % {"max": MAX_TAGS, "count": len(tags)})
    return ProfileInput(
        display_name=name,
        organisation=_text(data.organisation, limit=MAX_ORGANISATION,
                           code="organisation_too_long", label=_("Organisation")),
        municipality=_text(data.municipality, limit=MAX_PLACE, code="municipality_too_long",
                           label=_("Municipalité")),
        mrc=_text(data.mrc, limit=MAX_PLACE, code="mrc_too_long", label=_("MRC")),
        region=region, kind=kind,
        title=_text(data.title, limit=MAX_TITLE, code="title_too_long", label=_("Fonction")),
        bio=bio, expertise=tags, language=data.language,
        email_visible=bool(data.email_visible),
    )


def _tags_for(names: list[str]) -> list[ExpertiseTag]:
    """The tags named, the staff's listed ones matched by folded name, new free ones made."""
    keys = {fold(name)[:MAX_TAG_CHARS]: name for name in names}
    existing = {tag.key: tag for tag in ExpertiseTag.objects.filter(key__in=keys)}
    tags = []
    for key, name in keys.items():
        tag = existing.get(key)
        if tag is None:
            tag, _created = ExpertiseTag.objects.get_or_create(key=key, defaults={"name": name})
        tags.append(tag)
    return tags


PROFILE_FIELDS = ("display_name", "organisation", "municipality", "mrc", "region", "kind",
                  "title", "bio", "language", "email_visible")


def apply_profile(user: User, data: ProfileInput) -> list[str]:
    """Write a cleaned profile onto ``user`` inside the caller's transaction; returns the
    names of what changed. Used by ``update_profile`` and by the invitation sign-up."""
    changed = [name for name in PROFILE_FIELDS if getattr(user, name) != getattr(data, name)]
    for name in changed:
        setattr(user, name, getattr(data, name))
    if changed:
        user.save(update_fields=changed)
    tags = _tags_for(data.expertise)
    before = set(user.expertise.values_list("pk", flat=True)) if user.pk else set()
    if {tag.pk for tag in tags} != before:
        user.expertise.set(tags)
        changed.append("expertise")
    if {"display_name", "organisation"} & set(changed):
        for membership in Membership.objects.filter(user=user).select_related("space"):
            tell_apart(space=membership.space, user=user)
    return changed


def update_profile(*, actor: User, user: User, data: ProfileInput) -> User:
    if not may_edit_profile(actor=actor, person=user):
        raise Forbidden("forbidden", _("Vous ne pouvez modifier que votre propre profil."))
    cleaned = clean_profile(data)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        changed = apply_profile(user, cleaned)
        if changed:
            emit(kind="profile.updated", owner=user, actor=actor,
                 data={"user": user.pk, "fields": changed})
    return user


def set_photo(*, actor: User, user: User, upload: IO[bytes], size: int | None = None) -> User:
    """Re-encode and store a new photo; the previous one is deleted once the change commits
    (and the new file if it does not)."""
    if not may_edit_profile(actor=actor, person=user):
        raise Forbidden("forbidden", _("Vous ne pouvez modifier que votre propre profil."))
    jpeg = photos.reencode(upload, size=size)
    name = photos.store(user_id=user.pk, jpeg=jpeg)
    try:
        with transaction.atomic():
            user = User.objects.select_for_update().get(pk=user.pk)
            previous = user.photo
            user.photo = name
            user.save(update_fields=["photo"])
            emit(kind="profile.updated", owner=user, actor=actor,
                 data={"user": user.pk, "fields": ["photo"]})
            transaction.on_commit(lambda: photos.forget(previous))
    except BaseException:
        photos.forget(name)
        raise
    return user


def remove_photo(*, actor: User, user: User) -> User:
    if not may_edit_profile(actor=actor, person=user):
        raise Forbidden("forbidden", _("Vous ne pouvez modifier que votre propre profil."))
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        previous = user.photo
        if not previous:
            return user
        user.photo = ""
        user.save(update_fields=["photo"])
        emit(kind="profile.updated", owner=user, actor=actor,
             data={"user": user.pk, "fields": ["photo"]})
        transaction.on_commit(lambda: photos.forget(previous))
    return user
