"""A space's document rules as its facilitators set them: who may upload."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from communities.access import may_manage, require_member
from communities.errors import Forbidden, ServiceError
from communities.events import emit
from communities.models import Space, User
from communities.serializers import person
from docs_store.models import SpaceDocumentSettings, UploadsBy


def change_upload_rule(*, actor: User, space: Space, uploads_by: str) -> SpaceDocumentSettings:
    """Facilitators only; announces ``document_settings.changed`` when the rule changes."""
    membership = require_member(user=actor, space=space)
    if not may_manage(membership, actor):
        raise Forbidden("forbidden", _("Seule l'animation peut changer les réglages des "
                                       "documents."))
    if uploads_by not in UploadsBy.values:
        raise ServiceError("invalid_rule", _("Choisissez qui peut déposer des documents."))
    with transaction.atomic():
        rules, _created = SpaceDocumentSettings.objects.get_or_create(space=space)
        rules = SpaceDocumentSettings.objects.select_for_update().get(pk=rules.pk)
        if rules.uploads_by == uploads_by:
            return rules
        rules.uploads_by = uploads_by
        rules.save(update_fields=["uploads_by"])
        emit(kind="document_settings.changed", actor=actor, space=space,
             data={"uploads_by": uploads_by, "by": person(actor)})
    return rules
