"""Date polls: open, answer, remind once, pick a slot (which schedules the meeting).

Answers and closing both lock the poll's row first, so an answer that arrives while the
facilitator picks a slot is either counted before the poll closes or refused after it; it is
never silently lost."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.errors import Conflict, ServiceError
from communities.events import emit
from communities.models import Membership, Space, User
from communities.serializers import person
from meetings.access import require_answerer, require_organiser
from meetings.models import Meeting
from meetings.models.polls import DatePoll, PollAnswer, PollSlot, PollVote
from meetings.polls import mail as poll_mail
from meetings.polls.selectors import not_answered
from meetings.polls.serializers import poll_data, slot_data, tally_data
from meetings.services import validation
from meetings.services.scheduling import schedule_meeting

MIN_SLOTS = 2
MAX_SLOTS = 20


def _closed_error() -> Conflict:
    return Conflict("poll_closed", _("Ce sondage est fermé : une date a été retenue et les "
                                     "réponses ne peuvent plus être modifiées."))


def _check_slots(slots: Sequence[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    if len(slots) < MIN_SLOTS:
        raise ServiceError("too_few_slots", _("Proposez au moins %(min)d créneaux : un sondage "
                                              "sert à choisir entre plusieurs dates.")
                           % {"min": MIN_SLOTS})
    if len(slots) > MAX_SLOTS:
        raise ServiceError("too_many_slots", _("Proposez au plus %(max)d créneaux.")
                           % {"max": MAX_SLOTS})
    seen: set[tuple[datetime, datetime]] = set()
    for number, (starts_at, ends_at) in enumerate(slots, start=1):
        try:
            validation.check_times(starts_at=starts_at, ends_at=ends_at, must_be_future=True)
        except ServiceError as error:
            # Which slot is wrong matters when there are ten of them.
            raise ServiceError(error.code, _("Créneau %(n)d : %(problem)s")
                               % {"n": number, "problem": error.message}) from None
        if (starts_at, ends_at) in seen:
            raise ServiceError("duplicate_slot", _("Créneau %(n)d : ce créneau est déjà "
                                                   "proposé.") % {"n": number})
        seen.add((starts_at, ends_at))
    return sorted(seen)


def open_poll(*, actor: User, space: Space, title: str, slots: Sequence[tuple[datetime, datetime]],
              mode: str, agenda: str = "", address: str = "", video_url: str = "",
              notify_members: bool = True) -> DatePoll:
    """Propose slots (aware datetimes) for a meeting described once, here. Members are told by
    email unless ``notify_members`` is off (a poll for a small committee announced in person)."""
    require_organiser(actor=actor, space=space)
    title = validation.clean_title(title)
    agenda = validation.clean_agenda(agenda)
    address, video_url = validation.clean_place(mode=mode, address=address, video_url=video_url)
    times = _check_slots(slots)
    with transaction.atomic():
        poll = DatePoll.objects.create(space=space, title=title, agenda=agenda, mode=mode,
                                       address=address, video_url=video_url, created_by=actor)
        created = PollSlot.objects.bulk_create(
            [PollSlot(poll=poll, starts_at=start, ends_at=end) for start, end in times])
        emit(kind="poll.opened", actor=actor, space=space,
             data={"poll": poll_data(poll, created), "by": person(actor)})
        if notify_members:
            poll_mail.send_after_commit(
                kind=poll_mail.PollMail.OPENED, poll=poll,
                user_ids=list(Membership.objects.filter(space=space, user__is_active=True)
                              .exclude(user=actor).values_list("user_id", flat=True)))
    return poll


def _locked(poll: DatePoll) -> DatePoll:
    return DatePoll.objects.select_for_update().select_related("space").get(pk=poll.pk)


def _clean_answers(slots: list[PollSlot], answers: Mapping[int, str]) -> dict[int, str]:
    ids = {slot.pk for slot in slots}
    if set(answers) - ids:
        raise ServiceError("unknown_slot", _("Un des créneaux n'appartient pas à ce sondage : "
                                             "rechargez la page."))
    if set(answers) != ids:
        raise ServiceError("incomplete_answers", _(
            "Répondez pour chaque créneau proposé : oui, si nécessaire ou non."))
    if any(answer not in PollAnswer.values for answer in answers.values()):
        raise ServiceError("invalid_answer", _("Réponse inconnue : choisissez oui, si "
                                               "nécessaire ou non."))
    return dict(answers)


def vote(*, actor: User, poll: DatePoll, answers: Mapping[int, str]) -> DatePoll:
    """Give or change one's answers (slot id -> yes / if_needed / no), every slot at once.
    Answers that change nothing write and emit nothing."""
    require_answerer(actor=actor, space=poll.space)
    with transaction.atomic():
        current = _locked(poll)
        if current.is_closed:
            raise _closed_error()
        slots = list(current.slots.all())
        wanted = _clean_answers(slots, answers)
        mine = {given.slot_id: given.answer
                for given in PollVote.objects.filter(slot__poll=current, user=actor)}
        if mine == wanted:
            return current
        now = timezone.now()
        PollVote.objects.bulk_create(
            [PollVote(slot_id=slot_id, user=actor, answer=answer, updated_at=now)
             for slot_id, answer in wanted.items()],
            update_conflicts=True, unique_fields=["slot", "user"],
            update_fields=["answer", "updated_at"],
        )
        votes = list(PollVote.objects.filter(slot__poll=current))
        emit(kind="poll.voted", actor=actor, space=current.space, data={
            "poll": current.pk, "voter": person(actor),
            "answers": {str(slot_id): answer for slot_id, answer in wanted.items()},
            "first_answer": not mine,
            "tally": tally_data(slots, votes),
            "respondents": len({given.user_id for given in votes}),
        })
    return current


def respondents(poll: DatePoll) -> list[User]:
    return list(User.objects.filter(poll_votes__slot__poll=poll).distinct().order_by("pk"))


def pick_slot(*, actor: User, poll: DatePoll, slot_id: int) -> Meeting:
    """Close the poll on one slot and schedule the meeting, inviting everyone who answered
    (whatever they answered: a "no" may still want the minutes and the calendar entry)."""
    require_organiser(actor=actor, space=poll.space)
    with transaction.atomic():
        current = _locked(poll)
        if current.is_closed:
            raise _closed_error()
        slot = current.slots.filter(pk=slot_id).first()
        if slot is None:
            raise ServiceError("unknown_slot", _("Ce créneau n'appartient pas à ce sondage."))
        meeting = schedule_meeting(
            actor=actor, space=current.space, title=current.title, agenda=current.agenda,
            starts_at=slot.starts_at, ends_at=slot.ends_at, mode=current.mode,
            address=current.address, video_url=current.video_url,
            invitees=respondents(current),
        )
        current.closed_at = timezone.now()
        current.chosen_slot = slot
        current.meeting = meeting
        current.save(update_fields=["closed_at", "chosen_slot", "meeting"])
        emit(kind="poll.closed", actor=actor, space=current.space, data={
            "poll": poll_data(current, current.slots.all()), "slot": slot_data(slot),
            "meeting": meeting.pk, "by": person(actor)})
    return meeting


def close_without_date(*, actor: User, poll: DatePoll) -> DatePoll:
    """Close the poll without scheduling anything (no slot suits, or the meeting is off):
    answers stop, nobody is invited, and ``poll.closed`` carries no slot and no meeting."""
    require_organiser(actor=actor, space=poll.space)
    with transaction.atomic():
        current = _locked(poll)
        if current.is_closed:
            raise _closed_error()
        current.closed_at = timezone.now()
        current.save(update_fields=["closed_at"])
        emit(kind="poll.closed", actor=actor, space=current.space, data={
            "poll": poll_data(current, current.slots.all()), "slot": None, "meeting": None,
            "by": person(actor)})
    return current


def remind_non_respondents(*, actor: User, poll: DatePoll) -> list[User]:
    """Email the members who have not answered, once per poll: the reminder is claimed with
    a conditional UPDATE, so a second click, another tab or a retried request is refused
    instead of emailing people twice."""
    require_organiser(actor=actor, space=poll.space)
    with transaction.atomic():
        current = _locked(poll)
        if current.is_closed:
            raise _closed_error()
        recipients = not_answered(current, besides=actor)
        if not recipients:
            raise ServiceError("everyone_answered", _("Tous les membres ont déjà répondu : "
                                                      "personne à relancer."))
        claimed = DatePoll.objects.filter(pk=current.pk, reminded_at__isnull=True).update(
            reminded_at=timezone.now(), reminded_by=actor)
        if not claimed:
            raise Conflict("already_reminded", _("Le rappel a déjà été envoyé pour ce "
                                                 "sondage : un seul rappel est permis."))
        poll_mail.send_after_commit(kind=poll_mail.PollMail.REMINDER, poll=current,
                                    user_ids=[u.pk for u in recipients])
    return recipients

