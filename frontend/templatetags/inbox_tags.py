"""The bell: the unread count of the inbox, and what its live script follows."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from communities.models import Membership, User
from inbox.models import InboxItem

register = template.Library()

#: Spaces a page follows live for their counts: within the socket's subscribe allowance
#: (REALTIME_SUBSCRIBE_RATE, 20 a minute) with room for the page's own space and reconnects.
FOLLOWED_SPACES = 12


@register.simple_tag(takes_context=True)
def inbox_bell(context: template.Context) -> dict[str, Any] | None:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    me: User = user
    shell = context.get("shell")
    if shell is not None:
        # Read with the side menu's spaces, in the shell's one query.
        rows = [(space.slug, space.event_head, space.unread) for space in shell.bell]
    else:
        # One query: every space of mine with its stream head and my unread items there.
        unread_there = (InboxItem.objects.filter(recipient=me, space=OuterRef("space_id"),
                                                 read_at__isnull=True)
                        .order_by().values("space").annotate(n=Count("pk")).values("n")[:1])
        rows = list(Membership.objects.filter(user=me)
                    .annotate(unread=Coalesce(Subquery(unread_there), 0))
                    .values_list("space__slug", "space__event_head", "unread"))
    unread = sum(row[2] for row in rows)
    busiest = sorted(rows, key=lambda row: -row[1])[:FOLLOWED_SPACES]
    heads = [(slug, head) for slug, head, _n in busiest]
    strings = {
        "none": _("Notifications : aucune non lue"),
        "one": _("Notifications : 1 non lue"),
        "many": _("Notifications : {n} non lues"),
    }
    label = strings["none" if unread == 0 else "one" if unread == 1 else "many"]
    return {
        "unread": unread, "label": label.replace("{n}", str(unread)),
        "live": {
            "me": me.pk, "after": me.stream_head, "spaces": dict(heads),
            "counts_url": reverse("inbox-counts"), "inbox_url": reverse("inbox"),
            "strings": strings,
        },
    }
