"""The date poll's emails: the announcement when a poll opens (so a member who only reads email
hears of it) and the one reminder to those who have not answered. Sent by a background task
queued after commit (a rolled-back change sends nothing, and a slow SMTP server does not hold
up the facilitator's click), one message per person, in that person's language, built by
``emails.outgoing`` like every email: a notification whose links are the recipient's join-back
links (signed in on "Continuer", landing on the poll; all of a send's links in one INSERT) and
which carries the space's one-click unsubscribe, honoured here. Once a slot is picked, the
invitation is the meeting's own (meetings.mail)."""

from __future__ import annotations

import logging
from enum import StrEnum

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from communities.models import User
from emails import preferences, unsubscribe
from emails.joinlinks import LinkBatch
from emails.outgoing import compose, in_language, language_of, send_each
from emails.retry import retry_later
from meetings.models.polls import DatePoll

logger = logging.getLogger(__name__)


class PollMail(StrEnum):
    OPENED = "opened"
    REMINDER = "reminder"


def send_after_commit(*, kind: PollMail, poll: DatePoll, user_ids: list[int]) -> None:
    """Queued once the change commits; ``robust`` as for meeting mail: a failure to queue is
    logged, not raised into a request whose poll change is already committed."""
    if not user_ids:
        return
    poll_id = poll.pk
    transaction.on_commit(lambda: send_poll_mail.enqueue(kind=str(kind), poll_id=poll_id,
                                                         user_ids=user_ids), robust=True)


def _subject(kind: PollMail, poll: DatePoll) -> str:
    if kind == PollMail.OPENED:
        return _("Quelles dates vous conviennent pour « %(title)s » ?") % {"title": poll.title}
    return _("Vos disponibilités pour « %(title)s »") % {"title": poll.title}


@task()
def send_poll_mail(*, kind: str, poll_id: int, user_ids: list[int], attempt: int = 1) -> int:
    """Returns how many messages left. People who answered, left the space or were
    deactivated in the meantime are skipped (the message would be wrong for them), and so is
    everyone once the poll is closed. One failed address does not stop the others: refused
    for now, it is queued again alone (emails/retry.py); refused for good, it is logged."""
    mail = PollMail(kind)
    poll = DatePoll.objects.select_related("space", "created_by").filter(pk=poll_id).first()
    if poll is None or poll.is_closed:
        return 0
    page = reverse("poll", args=[poll.space.slug, poll.pk])
    slots = list(poll.slots.all())
    opted_out = preferences.opted_out_of(space_id=poll.space_id, user_ids=user_ids)
    people = (User.objects.filter(pk__in=user_ids, is_active=True,
                                  memberships__space_id=poll.space_id)
              .exclude(poll_votes__slot__poll=poll).exclude(pk__in=opted_out)
              .distinct().order_by("pk"))
    batch = LinkBatch()
    messages: list[tuple[int, EmailMultiAlternatives]] = []
    for user in people:
        language = language_of(user)
        with in_language(language):
            subject = _subject(mail, poll)
        space_unsubscribe = unsubscribe.links_for(user=user, space=poll.space)
        context = {
            "poll": poll, "space": poll.space, "user": user, "slots": slots,
            "url": batch.add(user=user, target=page, space=poll.space),
            "preferences_url": batch.add(user=user, target=reverse("emails:preferences"),
                                         space=None),
            "unsubscribe_url": space_unsubscribe.url, "days": settings.JOIN_LINK_DAYS}
        messages.append((user.pk, compose(
            to=user.email, language=language, subject=subject,
            template=f"meetings/email/poll_{mail}", context=context,
            unsubscribe=space_unsubscribe)))
    batch.save()  # every link of the send in one INSERT, before any message leaves
    what = f"poll mail {mail} for poll {poll_id}"
    delivery = send_each(messages, what=what)
    retry_later(send_poll_mail, attempt=attempt, owed=delivery.transient, what=what,
                kind=kind, poll_id=poll_id, user_ids=sorted(delivery.transient))
    logger.info("poll %s: %s sent to %s people", poll_id, mail, len(delivery.sent))
    return len(delivery.sent)
