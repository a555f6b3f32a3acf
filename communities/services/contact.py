"""Writing to a member through the platform: the message goes by email to the member's
address, which the sender never sees. The sender's own address is given to the member in the
message so they can answer (the form says so before sending). Each sending is an event on the
sender's stream (ids only), which is also what the rate limit counts."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from communities import mailing
from communities.access import may_see_profile
from communities.errors import NotFound, ServiceError
from communities.events import emit
from communities.models import Event, User
from communities.text import require_storable

logger = logging.getLogger(__name__)

MAX_SUBJECT = 150
MAX_BODY = 4000


def contact_member(*, actor: User, person: User, subject: str, body: str) -> None:
    if actor.pk == person.pk or not may_see_profile(viewer=actor, person=person):
        raise NotFound("not_found", _("Cette personne n'est pas dans vos espaces."))
    subject = " ".join(require_storable(subject).split())
    body = require_storable(body).strip()
    if not subject:
        raise ServiceError("subject_missing", _("Indiquez l'objet de votre message."))
    if len(subject) > MAX_SUBJECT:
        raise ServiceError("subject_too_long", _("Objet : au plus %(max)s caractères.")
                           % {"max": MAX_SUBJECT})
    if not body:
        raise ServiceError("body_missing", _("Écrivez votre message."))
    if len(body) > MAX_BODY:
        raise ServiceError("body_too_long", _(
            "Message : au plus %(max)s caractères (vous en avez saisi %(count)s).")
            % {"max": MAX_BODY, "count": len(body)})
    limit = settings.CONTACT_RATE_LIMIT
    with transaction.atomic():
        sender = User.objects.select_for_update().get(pk=actor.pk)
        if limit:
            since = timezone.now() - timedelta(hours=1)
            sent = Event.objects.filter(owner=sender, kind="contact.sent",
                                        created_at__gte=since).count()
            if sent >= limit:
                raise ServiceError("rate_limited", _(
                    "Vous avez écrit à %(n)s personnes dans la dernière heure, le maximum : "
                    "réessayez plus tard. Votre message est conservé ci-dessous.")
                    % {"n": limit}, status=429)
        emit(kind="contact.sent", owner=sender, actor=actor, data={"to": person.pk})
        profile_url = settings.SITE_URL.rstrip("/") + reverse("profile", args=[actor.pk])
        mail = mailing.Mail(
            to=person.email, template="communities/email/contact", reader=person,
            context={"sender": actor, "sender_email": actor.email, "body": body,
                     "subject": subject, "profile_url": profile_url},
            subject=lambda: _("%(name)s vous écrit : %(subject)s")
            % {"name": actor.display_name, "subject": subject})
    try:
        mailing.send(mail)
    except Exception as error:  # SMTP refusal, unreachable server: say so, keep the text
        logger.exception("contact message from %s to %s not sent", actor.pk, person.pk)
        raise ServiceError("mail_failed", _(
            "Le courriel n'a pas pu partir (serveur de courriel injoignable). Votre message est "
            "conservé ci-dessous : réessayez dans quelques minutes."), status=503) from error
