"""What a join-back link may do on its owner's behalf when it is used: answer a meeting from
the "Oui / Non / Peut-être" buttons of a digest. The landing page says what will be done
before the member presses "Continuer"; doing it goes through the meetings service, with the
member's own permissions, like the web form."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from communities.errors import ServiceError
from communities.models import User
from emails.models import JoinLink


@dataclass(frozen=True)
class Outcome:
    ok: bool
    message: str


def rsvp_effect(*, answer: str, meeting_id: int) -> str:
    return f"rsvp:{answer}:{meeting_id}"


def _parse(action: str) -> tuple[str, int] | None:
    kind, _sep, rest = action.partition(":")
    answer, _sep, meeting_id = rest.partition(":")
    if kind != "rsvp" or not meeting_id.isascii() or not meeting_id.isdigit():
        return None
    return answer, int(meeting_id)


def describe(link: JoinLink) -> str:
    """What the landing page announces ("" for a plain link)."""
    from meetings.models import Answer, Meeting

    parsed = _parse(link.action)
    if parsed is None:
        return ""
    answer, meeting_id = parsed
    meeting = Meeting.objects.filter(pk=meeting_id, space_id=link.space_id or 0).first()
    if meeting is None or answer not in Answer.values:
        return ""
    return _("Votre réponse « %(answer)s » à la rencontre « %(title)s » sera enregistrée.") % {
        "answer": Answer(answer).label, "title": meeting.title}


def perform(*, link: JoinLink, user: User) -> Outcome | None:
    """Do the link's action as ``user`` (its owner, just signed in); None for a plain link."""
    from meetings.models import Meeting
    from meetings.services.rsvp import answer_meeting

    parsed = _parse(link.action)
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
        return Outcome(ok=True, message=_("La rencontre est complète : vous êtes sur la liste "
                                          "d'attente et recevrez un courriel si une place se "
                                          "libère."))
    return Outcome(ok=True, message=_("Votre réponse est enregistrée."))
