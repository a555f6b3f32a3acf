"""Background work of meetings, through Django's Tasks API (django-tasks; the database
backend by default, run by ``manage.py db_worker``). Sending the emails of a meeting change
to a whole space would otherwise hold up the facilitator's request for as long as the mail
server takes."""

from __future__ import annotations

from django_tasks import task


@task()
def deliver_meeting_mail(kind: str, meeting_id: int, user_ids: list[int],
                         changes: list[str]) -> int:
    """Arguments are plain JSON: the task row outlives the request. Returns how many
    messages the mail server accepted."""
    from meetings.mail import MailKind, send_meeting_mail

    return len(send_meeting_mail(kind=MailKind(kind), meeting_id=meeting_id,
                                 user_ids=user_ids, changes=changes))
