"""Announcements: a thread a facilitator posts for every member, pinned at the top of the
space and emailed at once (after commit, through the announcer ``emails`` installs) to every
member who has not turned announcements off."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from communities import announcing
from communities.access import require_manager
from communities.attachments import NewFile
from communities.events import emit
from communities.models import Space, Thread, User
from communities.serializers import person, thread_data
from communities.services.discussion import Posted, start_thread


def post_announcement(*, actor: User, space: Space, title: str, body: str,
                      attachments: Sequence[object] = (),
                      files: Sequence[NewFile] = ()) -> Posted:
    """Start the thread (same checks and ``thread.created`` as any thread), flag and pin it
    in the same transaction (``thread.announced``), then email it."""
    require_manager(user=actor, space=space)
    with transaction.atomic():
        posted = start_thread(actor=actor, space=space, title=title, body=body,
                              attachments=attachments, files=files)
        thread = posted.thread
        now = timezone.now()
        thread.announced_at = thread.pinned_at = now
        Thread.objects.filter(pk=thread.pk).update(announced_at=now, pinned_at=now)
        emit(kind="thread.announced", actor=actor, space=space,
             data={"thread": thread_data(thread), "by": person(actor)})
        thread_id = thread.pk

        def email_it() -> None:
            announcing.announce(thread_id)

        transaction.on_commit(email_it, robust=True)
    return posted
