"""Who may do what with the documents of a space, as plain answers. The services refuse with
these, the selectors hide with them (a trashed document is seen only by those who may restore
it), and the pages choose their controls with them: one rule, three users."""

from __future__ import annotations

from django.utils.translation import gettext as _

from communities.access import (
    is_platform_staff,
    may_manage,
    may_read_space,
    membership_of,
    require_member,
)
from communities.errors import Forbidden
from communities.models import Membership, Role, Space, User
from docs_store.models import Document, SpaceDocumentSettings, UploadsBy


def settings_for(space: Space) -> SpaceDocumentSettings:
    found = SpaceDocumentSettings.objects.filter(space=space).first()
    if found is None and space.parent_id is not None:
        # A committee is a small working group: every member shares its documents until its
        # facilitators decide otherwise.
        return SpaceDocumentSettings(space=space, uploads_by=UploadsBy.MEMBERS)
    return found or SpaceDocumentSettings(space=space)


def may_read(*, user: User, space_id: int) -> bool:
    """Members and staff read a space's documents, while their account is active."""
    return bool(user.is_active and may_read_space(user=user, space_id=space_id))


def may_upload(*, user: User, space: Space) -> bool:
    try:
        membership = require_member(user=user, space=space)
    except Forbidden:
        return False
    if may_manage(membership, user):
        return True
    return settings_for(space).uploads_by == UploadsBy.MEMBERS


def is_space_admin(*, user: User, space: Space) -> bool:
    """Staff, or the space's admin role (facilitators are not: emptying the trash is final)."""
    if not user.is_active:
        return False
    return is_platform_staff(user) or Membership.objects.filter(user=user, space=space,
                                                                role=Role.ADMIN).exists()


def may_edit(*, user: User, document: Document) -> bool:
    """A facilitator, or the document's uploader while still allowed to upload."""
    membership = membership_of(user=user, space=document.space)
    if membership is None and not is_platform_staff(user):
        return False
    if may_manage(membership, user):
        return True
    return document.uploader_id == user.pk and may_upload(user=user, space=document.space)


def not_an_editor() -> Forbidden:
    """The refusal for someone who may not edit a document, for services and pages alike."""
    return Forbidden("forbidden", _("Seules la personne qui a déposé ce document et "
                                    "l'animation peuvent le modifier."))


def may_restore(*, user: User, document: Document) -> bool:
    """Who may take a document out of the trash, and so who still sees it there."""
    return may_edit(user=user, document=document) or is_space_admin(user=user,
                                                                    space=document.space)
