"""Background work of meetings, through Django's Tasks API (django-tasks; the database
backend by default, run by ``manage.py db_worker``). Sending the emails of a meeting change
to a whole space would otherwise hold up the facilitator's request for as long as the mail
server takes."""

from __future__ import annotations

from django_tasks import task


@task()
def deliver_meeting_mail(kind: str, meeting_id: int, user_ids: list[int],
                         changes: list[str], attempt: int = 1) -> int:
    """Arguments are plain JSON: the task row outlives the request. Returns how many
    messages the mail server accepted. Those it refused for now are queued again, alone
    (emails/retry.py); those it refused for good are in the error log."""
    from emails.retry import retry_later
    from meetings.mail import MailKind, send_meeting_mail
    from meetings.models import Meeting

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
