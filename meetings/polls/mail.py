"""The date poll's emails: the announcement when a poll opens (so a member who only reads email
hears of it) and the one reminder to those who have not answered. Sent by a background task
queued after commit (a rolled-back change sends nothing, and a slow SMTP server does not hold
up the facilitator's click), one message per person, in that person's language."""

from __future__ import annotations

import logging
from enum import StrEnum

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from communities.models import User
from emails.outgoing import compose, in_language, language_of
from meetings.models.polls import DatePoll

logger = logging.getLogger(__name__)


class PollMail(StrEnum):
    OPENED = "opened"
    REMINDER = "reminder"


def send_after_commit(*, kind: PollMail, poll: DatePoll, user_ids: list[int]) -> None:
    if not user_ids:
        return
    poll_id = poll.pk
    transaction.on_commit(lambda: send_poll_mail.enqueue(kind=str(kind), poll_id=poll_id,
                                                         user_ids=user_ids))


def _subject(kind: PollMail, poll: DatePoll) -> str:
    if kind == PollMail.OPENED:
        return _("Quelles dates vous conviennent pour « %(title)s » ?") % {"title": poll.title}
    return _("Vos disponibilités pour « %(title)s »") % {"title": poll.title}


@task()
def send_poll_mail(*, kind: str, poll_id: int, user_ids: list[int]) -> int:
    """Returns how many messages left. People who answered, left the space or were
    deactivated in the meantime are skipped (the message would be wrong for them), and so is
    everyone once the poll is closed. One failed address is logged and does not stop the
    others."""
    mail = PollMail(kind)
    poll = DatePoll.objects.select_related("space", "created_by").filter(pk=poll_id).first()
    if poll is None or poll.is_closed:
        return 0
    url = settings.SITE_URL.rstrip("/") + reverse("poll", args=[poll.space.slug, poll.pk])
    slots = list(poll.slots.all())
    people = (User.objects.filter(pk__in=user_ids, is_active=True,
                                  memberships__space_id=poll.space_id)
              .exclude(poll_votes__slot__poll=poll).distinct().order_by("pk"))
    sent = 0
    with get_connection() as connection:
        for user in people:
            language = language_of(user)
            with in_language(language):
                subject = _subject(mail, poll)
            # Through the one outgoing path (Message-ID, Date, From, text and HTML parts).
            message = compose(to=user.email, language=language, subject=subject,
                              template=f"meetings/email/poll_{mail}",
                              context={"poll": poll, "space": poll.space, "user": user,
                                       "url": url, "slots": slots})
            message.connection = connection
            try:
                sent += message.send()
            except Exception:
                logger.exception("poll mail %s for poll %s to user %s failed", mail, poll_id,
                                 user.pk)
    logger.info("poll %s: %s sent to %s people", poll_id, mail, sent)
    return sent
