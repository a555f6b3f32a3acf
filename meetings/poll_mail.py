"""The date poll's reminder email to members who have not answered. Sent by a background task
queued after commit (a rolled-back reminder sends nothing, and a slow SMTP server does not hold
up the facilitator's click), one message per person, in that person's language."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from communities.models import User
from meetings.models.polls import DatePoll

logger = logging.getLogger(__name__)


def send_reminders_after_commit(*, poll: DatePoll, user_ids: list[int]) -> None:
    poll_id = poll.pk
    transaction.on_commit(lambda: send_poll_reminders.enqueue(poll_id=poll_id,
                                                              user_ids=user_ids))


@task()
def send_poll_reminders(*, poll_id: int, user_ids: list[int]) -> int:
    """Returns how many messages left. A person who answered or left the space in the
    meantime is skipped: the reminder would be wrong for them."""
    poll = DatePoll.objects.select_related("space", "created_by").filter(pk=poll_id).first()
    if poll is None or poll.is_closed:
        return 0
    url = settings.SITE_URL.rstrip("/") + reverse("poll", args=[poll.space.slug, poll.pk])
    people = (User.objects.filter(pk__in=user_ids, is_active=True,
                                  memberships__space_id=poll.space_id)
              .exclude(poll_votes__slot__poll=poll).distinct())
    sent = 0
    for user in people:
        with translation.override(user.language):
            subject = _("Vos disponibilités pour « %(title)s »") % {"title": poll.title}
            body = render_to_string("meetings/email/poll_reminder.txt", {
                "poll": poll, "space": poll.space, "user": user, "url": url,
                "slots": list(poll.slots.all()),
            })
        send_mail(subject, body, None, [user.email])
        sent += 1
    logger.info("poll %s: reminder sent to %s people", poll_id, sent)
    return sent
