"""What meetings add to every digest, registered with ``emails.digest.sections`` when the app
is ready: the coming meetings, each with one-click "Oui / Non / Peut-être" buttons, and the
open date polls the member has not answered. Each reads a whole batch in ``prepare`` (two
queries) and picks per member without a query, like the digest's own sections."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import timedelta

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from communities.models import Event, Space
from emails.digest.content import Action, Item, Recipient
from emails.digest.sections import Batch, Section
from meetings.formatting import format_span
from meetings.models import Answer, DatePoll, Meeting, PollVote, Rsvp
from meetings.rsvp_links import rsvp_effect

#: How far ahead a digest announces meetings.
MEETINGS_AHEAD = timedelta(days=21)


class UpcomingMeetings(Section):
    """Meetings of the coming weeks, each with the member's answer and "Oui / Non /
    Peut-être" buttons that record it in one click (through the landing page)."""

    key = "meetings"
    order = 20
    heading = gettext_lazy("Rencontres à venir")
    ranked = True

    def prepare(self, *, recipients: Sequence[Recipient], batch: Batch) -> None:
        super().prepare(recipients=recipients, batch=batch)
        self.by_space: dict[int, list[Meeting]] = defaultdict(list)
        self.answers: dict[tuple[int, int], str] = {}
        if not recipients:
            return
        start = min(r.until for r in recipients)
        for meeting in Meeting.objects.filter(
            space_id__in={s.pk for r in recipients for s in r.spaces}, cancelled_at__isnull=True,
            starts_at__gt=start, starts_at__lte=max(r.until for r in recipients) + MEETINGS_AHEAD,
        ).order_by("starts_at", "pk"):
            self.by_space[meeting.space_id].append(meeting)
        meeting_ids = [m.pk for found in self.by_space.values() for m in found]
        self.answers = {(r.user_id, r.meeting_id): r.answer for r in Rsvp.objects.filter(
            meeting_id__in=meeting_ids, user_id__in=[r.user.pk for r in recipients])}

    def items(self, *, recipient: Recipient, space: Space, events: list[Event]) -> list[Item]:
        found = []
        for meeting in self.by_space.get(space.pk, ()):
            if not recipient.until < meeting.starts_at <= recipient.until + MEETINGS_AHEAD:
                continue
            target = reverse("meeting", args=[space.slug, meeting.pk])
            given = self.answers.get((recipient.user.pk, meeting.pk))
            status = (_("Votre réponse : %(answer)s") % {"answer": Answer(given).label}
                      if given else _("Vous n'avez pas encore répondu."))
            found.append(Item(
                title=meeting.title, target=target,
                detail=f"{format_span(meeting.starts_at, meeting.ends_at)} — {status}",
                actions=[Action(label=str(label).capitalize(), target=target,
                                effect=rsvp_effect(answer=value, meeting_id=meeting.pk))
                         for value, label in Answer.choices if value != given]))
            if len(found) == self.limit:
                break
        return found


class WaitingPolls(Section):
    """Open date polls of the space in which the member has not answered yet."""

    key = "polls"
    order = 30
    heading = gettext_lazy("Sondages de dates qui attendent votre réponse")

    def prepare(self, *, recipients: Sequence[Recipient], batch: Batch) -> None:
        super().prepare(recipients=recipients, batch=batch)
        self.by_space: dict[int, list[DatePoll]] = defaultdict(list)
        self.answered: set[tuple[int, int]] = set()
        if not recipients:
            return
        for poll in (DatePoll.objects.filter(
                space_id__in={s.pk for r in recipients for s in r.spaces},
                closed_at__isnull=True).annotate(slot_count=Count("slots"))
                .order_by("created_at", "pk")):
            self.by_space[poll.space_id].append(poll)
        poll_ids = [p.pk for found in self.by_space.values() for p in found]
        self.answered = set(PollVote.objects.filter(
            slot__poll_id__in=poll_ids, user_id__in=[r.user.pk for r in recipients])
            .values_list("user_id", "slot__poll_id").distinct())

    def items(self, *, recipient: Recipient, space: Space, events: list[Event]) -> list[Item]:
        found = []
        for poll in self.by_space.get(space.pk, ()):
            if (recipient.user.pk, poll.pk) in self.answered:
                continue
            if poll.created_by_id == recipient.user.pk:
                continue
            count = poll.slot_count  # type: ignore[attr-defined]
            found.append(Item(title=poll.title,
                              target=reverse("poll", args=[space.slug, poll.pk]),
                              detail=ngettext("%(n)s date proposée", "%(n)s dates proposées",
                                              count) % {"n": count}))
        return found
