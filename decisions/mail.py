"""The reminder the day before an action is due, one message per assignee in their language,
with their own join-back link to the register and the space's one-click unsubscribe. Its
queries do not grow with the recipients: one read of them, one INSERT of every link."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, time

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from communities.models import Membership, User
from decisions.models import ActionItem
from emails import preferences, unsubscribe
from emails.joinlinks import LinkBatch
from emails.outgoing import Delivery, compose, in_language, language_of, send_each
from meetings.formatting import format_day
from meetings.timezones import MEETING_TIME_ZONE


def _due_text(action: ActionItem) -> str:
    noon = datetime.combine(action.due_on, time(12), tzinfo=MEETING_TIME_ZONE)
    return format_day(noon)


def send_action_reminders(*, action_id: int, user_ids: Sequence[int],
                          on_sent: Callable[[int], None] | None = None,
                          still_ours: Callable[[int], bool] | None = None) -> Delivery:
    action = (ActionItem.objects.select_related("space", "meeting", "thread")
              .get(pk=action_id))
    space = action.space
    still_members = Membership.objects.filter(space=space, user_id__in=list(user_ids),
                                              user__is_active=True).values("user_id")
    opted_out = preferences.opted_out_of(space_id=space.pk, user_ids=user_ids)
    recipients = list(User.objects.filter(pk__in=still_members).exclude(pk__in=opted_out)
                      .order_by("pk"))
    register = reverse("decisions:register", args=[space.slug])
    batch = LinkBatch()
    messages = []
    for user in recipients:
        language = language_of(user)
        links = unsubscribe.links_for(user=user, space=space)
        with in_language(language):
            subject = _("Rappel : « %(what)s » est attendu demain (%(space)s)") % {
                "what": action.what[:80], "space": space.name}
            context = {
                "action": action, "recipient": user, "space": space,
                "due": _due_text(action),
                "url": batch.add(user=user, target=register + f"?assignee={user.pk}",
                                 space=space),
                "preferences_url": batch.add(user=user, target=reverse("emails:preferences"),
                                             space=None),
                "unsubscribe_url": links.url, "days": settings.JOIN_LINK_DAYS,
            }
        messages.append((user.pk, compose(to=user.email, language=language, subject=subject,
                                          template="decisions/email/action_reminder",
                                          context=context, unsubscribe=links)))
    batch.save()  # every link of the send in one INSERT, before any message leaves
    return send_each(messages, what=f"action reminder for action {action.pk}",
                     on_sent=on_sent, still_ours=still_ours)
