"""The one-click actions meetings offer in emails, registered with ``emails.actions`` when the
app is ready: answering a meeting from its "Oui / Non / Peut-être" buttons. Doing it goes
through the RSVP service with the member's own permissions, like the web form."""

from __future__ import annotations

from django.utils.translation import gettext as _

from communities.errors import ServiceError
from communities.models import User
from emails.actions import Outcome
from emails.models import JoinLink
from meetings.models import Answer, Meeting
from meetings.rsvp_links import parse_rsvp
from meetings.services.rsvp import answer_meeting


class AnswerMeeting:
    def describe(self, *, link: JoinLink, argument: str) -> str:
        parsed = parse_rsvp(argument)
        if parsed is None:
            return ""
        answer, meeting_id = parsed
        meeting = Meeting.objects.filter(pk=meeting_id, space_id=link.space_id or 0).first()
        if meeting is None or answer not in Answer.values:
            return ""
        return _("Votre réponse « %(answer)s » à la rencontre « %(title)s » sera "
                 "enregistrée.") % {"answer": Answer(answer).label, "title": meeting.title}

    def perform(self, *, link: JoinLink, user: User, argument: str) -> Outcome | None:
        parsed = parse_rsvp(argument)
        if parsed is None:
            return None
        answer, meeting_id = parsed
        meeting = Meeting.objects.select_related("space").filter(
            pk=meeting_id, space_id=link.space_id or 0).first()
        if meeting is None:
            return Outcome(ok=False, message=_("Cette rencontre n'existe plus."))
        try:
            given = answer_meeting(actor=user, meeting=meeting, answer=answer)
        except ServiceError as error:
            return Outcome(ok=False, message=str(error.message))
        if given.waitlisted_at is not None:
            return Outcome(ok=True, message=_("La rencontre est complète : vous êtes sur la "
                                              "liste d'attente et recevrez un courriel si une "
                                              "place se libère."))
        return Outcome(ok=True, message=_("Votre réponse est enregistrée."))
