"""The digest's "Questions sans réponse": questions of the member's spaces still waiting for
their answer, oldest first, so the one asked longest ago gets seen. One query per batch."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from communities.models import Event, Space, Thread
from emails.digest.content import Item, Recipient
from emails.digest.sections import Batch, Section, shown, thread_target


class UnansweredQuestions(Section):
    key = "unanswered_questions"
    order = 45
    heading = gettext_lazy("Questions sans réponse")
    limit = 5
    # Oldest first already: the longest wait comes first.
    ranked = True

    def prepare(self, *, recipients: Sequence[Recipient], batch: Batch) -> None:
        super().prepare(recipients=recipients, batch=batch)
        self.by_space: dict[int, list[Thread]] = defaultdict(list)
        space_ids = {s.pk for r in recipients for s in r.spaces}
        if not space_ids:
            return
        for thread in (Thread.objects.filter(space_id__in=space_ids, is_question=True,
                                             answer__isnull=True)
                       .select_related("author").order_by("created_at", "pk")):
            self.by_space[thread.space_id].append(thread)

    def items(self, *, recipient: Recipient, space: Space, events: list[Event]) -> list[Item]:
        found = []
        for thread in self.by_space.get(space.pk, ()):
            if thread.author_id == recipient.user.pk or thread.created_at > recipient.until:
                continue
            replies = thread.message_count - 1
            found.append(Item(
                title=thread.title, target=thread_target(space, thread.pk),
                detail=_("posée par %(name)s — %(replies)s") % {
                    "name": shown({"label": thread.author.label}),
                    "replies": ngettext("%(n)s réponse", "%(n)s réponses", replies)
                    % {"n": replies} if replies else _("aucune réponse encore")},
                thread_id=thread.pk))
        return found
