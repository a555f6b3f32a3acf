"""What decisions add to every digest, registered with ``emails.digest.sections`` when the app
is ready: the member's own open actions, soonest due first, and, for those who run the space,
the actions that became overdue in the digest's window. Each reads a whole batch in
``prepare`` (one query) and picks per member without a query."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.models import MANAGING_ROLES, Event, Membership, Space
from decisions.models import ActionItem, ActionStatus
from decisions.services.validation import today
from emails.digest.content import Item, Recipient
from emails.digest.sections import Batch, Section, names, shown
from meetings.formatting import format_day
from meetings.timezones import MEETING_TIME_ZONE


def _day(value: str) -> str:
    return format_day(datetime.combine(date.fromisoformat(value), time(12),
                                       tzinfo=MEETING_TIME_ZONE))


class MyActions(Section):
    """Actions assigned to the member that are not done yet, soonest due first."""

    key = "my_actions"
    order = 25
    heading = gettext_lazy("Vos suivis")
    ranked = True

    def prepare(self, *, recipients: Sequence[Recipient], batch: Batch) -> None:
        super().prepare(recipients=recipients, batch=batch)
        self.mine: dict[tuple[int, int], list[ActionItem]] = defaultdict(list)
        if not recipients:
            return
        through = ActionItem.assignees.through
        rows = (through.objects.filter(
            user_id__in=[r.user.pk for r in recipients],
            actionitem__space_id__in={s.pk for r in recipients for s in r.spaces},
            actionitem__status__in=[ActionStatus.TODO, ActionStatus.DOING])
            .select_related("actionitem").order_by("actionitem__due_on", "actionitem_id"))
        for row in rows:
            action = row.actionitem
            self.mine[(row.user_id, action.space_id)].append(action)
        self.today = today()

    def items(self, *, recipient: Recipient, space: Space, events: list[Event]) -> list[Item]:
        target = reverse("decisions:register", args=[space.slug])
        found = []
        for action in self.mine.get((recipient.user.pk, space.pk), ()):
            due = _("Échéance : %(day)s") % {"day": _day(action.due_on.isoformat())}
            if action.due_on < self.today:
                due = _("En retard — %(due)s") % {"due": due}
            found.append(Item(title=action.what,
                              target=f"{target}?assignee={recipient.user.pk}#action-{action.pk}",
                              detail=f"{due} — {ActionStatus(action.status).label}"))
        return found


class OverdueActions(Section):
    """For facilitators and admins: the actions that passed their due date undone during the
    window (each flagged once, by ``decisions.services.overdue``)."""

    key = "overdue_actions"
    order = 26
    heading = gettext_lazy("Suivis en retard")
    kinds = frozenset({"action.overdue"})

    def prepare(self, *, recipients: Sequence[Recipient], batch: Batch) -> None:
        super().prepare(recipients=recipients, batch=batch)
        self.managing: set[tuple[int, int]] = set()
        if not recipients:
            return
        self.managing = set(Membership.objects.filter(
            user_id__in=[r.user.pk for r in recipients],
            space_id__in={s.pk for r in recipients for s in r.spaces},
            role__in=list(MANAGING_ROLES)).values_list("user_id", "space_id"))

    def items(self, *, recipient: Recipient, space: Space, events: list[Event]) -> list[Item]:
        if (recipient.user.pk, space.pk) not in self.managing:
            return []
        target = reverse("decisions:register", args=[space.slug])
        found = []
        for event in events:
            if event.kind != "action.overdue":
                continue
            action = event.payload["action"]
            who = names([shown(p) for p in action.get("assignees", [])])
            found.append(Item(title=action["what"],
                              target=f"{target}?overdue=1#action-{action['id']}",
                              detail=_("Attendue le %(day)s — %(who)s")
                              % {"day": _day(action["due_on"]), "who": who}))
        return found
