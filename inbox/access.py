"""Who sees an inbox item: its recipient, while they still belong to its space (leaving a
space takes its items out of the inbox and out of the count)."""

from __future__ import annotations

from django.db.models import F, Q, QuerySet

from communities.models import Membership, User
from inbox.models import InboxItem


def still_member() -> Q:
    """Items whose recipient is still a member of the item's space (one join, no query per
    item); usable for any set of recipients at once."""
    return Q(space__memberships__user_id=F("recipient_id"))


def visible_items(user: User) -> QuerySet[InboxItem]:
    spaces = Membership.objects.filter(user=user).values("space_id")
    return InboxItem.objects.filter(recipient=user, space_id__in=spaces)


def may_see(user: User, item: InboxItem) -> bool:
    return (item.recipient_id == user.pk
            and Membership.objects.filter(user=user, space_id=item.space_id).exists())
