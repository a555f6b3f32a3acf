"""An announcement by email: sent at once (a task queued after the post commits) to every
member who has not turned announcements off, one message each in their language, with their
own join-back link to the thread, a reply address that posts in it, and the announcements'
own one-click unsubscribe. The send's queries do not grow with its recipients: one read of
them, one INSERT of the links, one of the reply addresses."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from communities.mentions import plain_mentions
from communities.models import Message, Thread
from emails import preferences, unsubscribe
from emails.digest.sections import thread_target
from emails.joinlinks import LinkBatch
from emails.outgoing import Delivery, compose, in_language, language_of, send_each
from emails.replying import addresses_for
from emails.retry import retry_later


def send_announcement(*, thread_id: int, user_ids: Sequence[int] | None = None,
                      on_sent: Callable[[int], None] | None = None) -> Delivery:
    """Send the announcement to its recipients (or to those of ``user_ids`` still among them,
    for a retry)."""
    thread = (Thread.objects.select_related("space", "author")
              .filter(pk=thread_id, announced_at__isnull=False).first())
    if thread is None:
        return Delivery()
    first = (Message.objects.filter(thread=thread, deleted_at__isnull=True)
             .order_by("pk").first())
    if first is None:
        return Delivery()  # deleted before it went out: nothing left to announce
    recipients = preferences.announcement_recipients(space_id=thread.space_id)
    recipients = [user for user in recipients if user.pk != thread.author_id]
    if user_ids is not None:
        wanted = set(user_ids)
        recipients = [user for user in recipients if user.pk in wanted]
    space = thread.space
    target = thread_target(space, thread.pk)
    replies = addresses_for((user, thread.pk) for user in recipients)
    batch = LinkBatch()
    messages = []
    for user in recipients:
        language = language_of(user)
        links = unsubscribe.announcement_links_for(user=user)
        with in_language(language):
            subject = _("Annonce : %(title)s (%(space)s)") % {"title": thread.title,
                                                             "space": space.name}
            context = {
                "thread": thread, "message": first, "body": plain_mentions(first.body),
                "space": space, "recipient": user,
                "author": thread.author.label,
                "url": batch.add(user=user, target=target, space=space),
                "preferences_url": batch.add(user=user, target=reverse("emails:preferences"),
                                             space=None),
                "unsubscribe_url": links.url, "days": settings.JOIN_LINK_DAYS,
            }
        messages.append((user.pk, compose(
            to=user.email, language=language, subject=subject,
            template="emails/mail/announcement", context=context, unsubscribe=links,
            reply_to=replies.get((user.pk, thread.pk)))))
    batch.save()  # every link of the send in one INSERT, before any message leaves
    return send_each(messages, what=f"announcement {thread.pk}", on_sent=on_sent)


@task()
def deliver_announcement(thread_id: int, user_ids: list[int] | None = None,
                         attempt: int = 1) -> int:
    """Arguments are plain JSON: the task row outlives the request. Those the mail server
    refused for now are queued again, alone (emails/retry.py)."""
    delivery = send_announcement(thread_id=thread_id, user_ids=user_ids)
    retry_later(deliver_announcement, attempt=attempt, owed=delivery.transient,
                what=f"announcement {thread_id}", thread_id=thread_id,
                user_ids=sorted(delivery.transient))
    return len(delivery.sent)


def queue_announcement(thread_id: int) -> None:
    """The announcer installed in ``communities.announcing``: runs after the post commits."""
    deliver_announcement.enqueue(thread_id=thread_id)
