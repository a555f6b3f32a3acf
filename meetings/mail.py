"""Every email about meetings leaves through ``send_meeting_mail``: invitations, updates,
cancellations, reminders and seats given from the waiting list. One message per person, in
their language (User.language), with a text and an HTML part and, for calendar messages, the
meeting as an iTIP part (text/calendar; method=REQUEST or CANCEL) plus the same .ics as an
attachment, so mail clients offer "add to calendar".

Built by the shared outgoing-mail module (``emails.outgoing.compose``: Message-ID, Date, From,
language, parts), like every email of the product, and a notification like the others: every
link is a join-back link of its recipient (signs them in on "Continuer" and lands on the
meeting; the "Oui / Non / Peut-être" buttons also record the answer), stored in one INSERT per
send, and each message carries the space's one-click unsubscribe, which this module honours.
The calendar parts keep their plain meeting URL: they are filed in calendars and shared.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import StrEnum

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from communities.models import Membership, User
from emails import preferences, unsubscribe
from emails.joinlinks import LinkBatch
from emails.outgoing import Attachment, Delivery, compose, in_language, language_of, send_each
from meetings.calendar import ItipMethod, meeting_calendar
from meetings.formatting import format_span
from meetings.models import Answer, Meeting
from meetings.rsvp_links import rsvp_effect


class MailKind(StrEnum):
    INVITATION = "invitation"
    UPDATE = "update"
    CANCELLATION = "cancellation"
    REMINDER = "reminder"
    PROMOTED = "promoted"


_METHOD = {
    MailKind.INVITATION: ItipMethod.REQUEST,
    MailKind.UPDATE: ItipMethod.REQUEST,
    MailKind.PROMOTED: ItipMethod.REQUEST,
    MailKind.REMINDER: ItipMethod.REQUEST,
    MailKind.CANCELLATION: ItipMethod.CANCEL,
}


def _subject(kind: MailKind, meeting: Meeting) -> str:
    values = {"title": meeting.title, "space": meeting.space.name}
    if kind == MailKind.INVITATION:
        return _("Invitation : %(title)s (%(space)s)") % values
    if kind == MailKind.UPDATE:
        return _("Rencontre modifiée : %(title)s (%(space)s)") % values
    if kind == MailKind.CANCELLATION:
        return _("Rencontre annulée : %(title)s (%(space)s)") % values
    if kind == MailKind.REMINDER:
        return _("Rappel : %(title)s (%(space)s)") % values
    return _("Une place s'est libérée : %(title)s (%(space)s)") % values


def _change_labels(changes: Sequence[str]) -> list[str]:
    """What an update email says changed, in the reader's words and language."""
    labels = {
        "title": _("le titre"), "agenda": _("l'ordre du jour"),
        "starts_at": _("l'horaire"), "ends_at": _("l'horaire"), "mode": _("la formule"),
        "address": _("l'adresse"), "video_url": _("le lien de visioconférence"),
    }
    said: list[str] = []
    for change in changes:
        label = labels.get(change)
        if label and label not in said:
            said.append(label)
    return said


def _links(batch: LinkBatch, *, kind: MailKind, meeting: Meeting, user: User,
           unsubscribe_url: str) -> dict[str, object]:
    """The recipient's own join-back links (in the current language, for the labels)."""
    space = meeting.space
    page = reverse("meeting", args=[space.slug, meeting.pk])
    rsvp = [] if kind == MailKind.CANCELLATION else [
        {"label": str(label).capitalize(),
         "url": batch.add(user=user, target=page, space=space,
                          action=rsvp_effect(answer=value, meeting_id=meeting.pk))}
        for value, label in Answer.choices]
    return {
        "url": batch.add(user=user, target=page, space=space),
        "rsvp_links": rsvp,
        "space_meetings_url": batch.add(user=user, target=reverse("meetings", args=[space.slug]),
                                        space=space),
        "preferences_url": batch.add(user=user, target=reverse("emails:preferences"),
                                     space=None),
        "unsubscribe_url": unsubscribe_url,
        "days": settings.JOIN_LINK_DAYS,
    }


def _message(batch: LinkBatch, *, kind: MailKind, meeting: Meeting, user: User,
             changes: Sequence[str]) -> EmailMultiAlternatives:
    language = language_of(user)
    # One signature per recipient, for the footer link and the List-Unsubscribe headers.
    unsubscribe_links = unsubscribe.links_for(user=user, space=meeting.space)
    with in_language(language):
        context = {
            "kind": str(kind), "meeting": meeting, "recipient": user,
            "when": format_span(meeting.starts_at, meeting.ends_at,
                                language=translation.get_language()),
            "changes": _change_labels(changes),
            **_links(batch, kind=kind, meeting=meeting, user=user,
                     unsubscribe_url=unsubscribe_links.url),
        }
        subject = _subject(kind, meeting)
    method = _METHOD[kind]
    ics = meeting_calendar(meeting, method=method, attendee=user).to_ical().decode()
    # The iTIP part: Outlook and Gmail look for text/calendar with a method parameter inside
    # the alternatives; Apple Mail and others use the attached file.
    # Django builds text/* alternatives as MIMEText(content, subtype): the subtype carries the
    # method parameter into the Content-Type header (checked by parsing it in the tests).
    return compose(to=user.email, language=language, subject=subject,
                   template="meetings/email/meeting", context=context,
                   unsubscribe=unsubscribe_links,
                   alternatives=[(ics, f"text/calendar; method={method}")],
                   attachments=[Attachment("invitation.ics", ics.encode(), "application/ics")])


def send_meeting_mail(*, kind: MailKind, meeting_id: int, user_ids: Sequence[int],
                      changes: Sequence[str] = (),
                      on_sent: Callable[[int], None] | None = None,
                      still_ours: Callable[[int], bool] | None = None) -> Delivery:
    """Send ``kind`` about the meeting to those of ``user_ids`` who are still active members
    of its space and have not unsubscribed from its notifications, over one SMTP connection.
    Returns, by user id, whose message the mail server accepted, refused for now and refused
    for good (``emails.outgoing.send_each``, which also explains the two hooks). A failure for
    one recipient is logged and does not stop the others."""
    meeting = (Meeting.objects.select_related("space", "created_by")
               .prefetch_related("documents").get(pk=meeting_id))
    still_members = Membership.objects.filter(space=meeting.space, user_id__in=list(user_ids),
                                              user__is_active=True).values("user_id")
    opted_out = preferences.opted_out_of(space_id=meeting.space_id, user_ids=user_ids)
    recipients = list(User.objects.filter(pk__in=still_members).exclude(pk__in=opted_out)
                      .order_by("pk"))
    batch = LinkBatch()
    messages = [(user.pk, _message(batch, kind=kind, meeting=meeting, user=user,
                                   changes=changes))
                for user in recipients]
    batch.save()  # every link of the send in one INSERT, before any message leaves
    return send_each(messages, what=f"meeting mail {kind} for meeting {meeting.pk}",
                     on_sent=on_sent, still_ours=still_ours)
