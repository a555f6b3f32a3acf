"""Background work of meetings, through Django's Tasks API (django-tasks; the database
backend by default, run by ``manage.py db_worker``). Sending the emails of a meeting change
to a whole space would otherwise hold up the facilitator's request for as long as the mail
server takes."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django_tasks import task

from emails.retry import retry_later
from meetings.mail import MailKind, send_meeting_mail
from meetings.models import Meeting


@task()
def deliver_meeting_mail(kind: str, meeting_id: int, user_ids: list[int],
                         changes: list[str], attempt: int = 1) -> int:
    """Arguments are plain JSON: the task row outlives the request. Returns how many
    messages the mail server accepted. Those it refused for now are queued again, alone
    (emails/retry.py); those it refused for good are in the error log."""
    mail = MailKind(kind)
    meeting = Meeting.objects.filter(pk=meeting_id).only("cancelled_at").first()
    # Deleted, or cancelled before this (late or retried) send: an invitation or an update
    # would announce a meeting that will not take place; the cancellation is its own mail.
    if meeting is None or (meeting.cancelled_at is not None
                           and mail != MailKind.CANCELLATION):
        return 0
    delivery = send_meeting_mail(kind=mail, meeting_id=meeting_id, user_ids=user_ids,
                                 changes=changes)
    retry_later(deliver_meeting_mail, attempt=attempt, owed=delivery.transient,
                what=f"meeting mail {mail} for meeting {meeting_id}", kind=kind,
                meeting_id=meeting_id, user_ids=sorted(delivery.transient), changes=changes)
    return len(delivery.sent)


def send_after_commit(*, kind: MailKind, meeting: Meeting, user_ids: Sequence[int],
                      changes: Sequence[str] = ()) -> None:
    """Queue the send once the transaction commits, never for a rolled-back
    change. ``robust``: a failure to queue is logged, not raised into a request whose change
    is already committed."""
    if not user_ids:
        return
    meeting_id, user_ids, changes = meeting.pk, list(user_ids), list(changes)

    # A named function, not functools.partial: Django logs a robust callback's failure by its
    # __qualname__, which a partial lacks, so the logging itself raised into the request.
    def enqueue_meeting_mail() -> None:
        deliver_meeting_mail.enqueue(kind=str(kind), meeting_id=meeting_id, user_ids=user_ids,
                                     changes=changes)

    transaction.on_commit(enqueue_meeting_mail, robust=True)
