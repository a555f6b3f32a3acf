"""The "Décisions et suivis" section of a meeting's or a thread's page, as one tag, so those
pages' views stay as they are: it reads what the source recorded and offers the forms to
whoever may record there."""

from __future__ import annotations

from typing import Any

from django import template

from communities.access import membership_of
from communities.models import Thread, User
from decisions import access, selectors
from decisions.services.validation import today
from frontend.decision_forms import ActionForm, DecisionForm
from meetings.models import Meeting

register = template.Library()


@register.inclusion_tag("frontend/decisions/includes/panel.html", takes_context=True)
def decisions_panel(context: template.Context, source: Meeting | Thread,
                    compact: bool = False) -> dict[str, Any]:
    """``compact`` (a thread's page, read far more often than it records anything) offers
    links to the recording forms instead of the forms, and so reads no member list."""
    request = context["request"]
    me: User = request.user
    space = source.space
    if isinstance(source, Meeting):
        decisions, actions = selectors.of_meeting(source)
        # The meeting page has already asked who organises (the same rule as who records
        # from a meeting): no second look-up of the membership.
        organises = context.get("can_manage")
        if organises is None:
            organises = access.may_record_from_meeting(membership_of(user=me, space=space), me)
        may_record = bool(organises) and source.cancelled_at is None
        kind = "meeting"
    else:
        decisions, actions = selectors.of_thread(source)
        # The thread's reader kept the membership on the space: no query.
        may_record = access.may_record_from_thread(membership_of(user=me, space=space), me)
        kind = "thread"
    # Which records this person may edit (their author, or those who run the space), for a
    # "Modifier" link each; an organiser of the meeting runs the space: no look-up.
    editable_decisions: set[int] = set()
    editable_actions: set[int] = set()
    if decisions or actions:
        runs = kind == "meeting" and bool(organises)
        membership = None if runs else membership_of(user=me, space=space)
        editable_decisions = {d.pk for d in decisions if runs or access.may_edit(
            membership, me, author_id=d.recorded_by_id)}
        editable_actions = {a.pk for a in actions if runs or access.may_edit(
            membership, me, author_id=a.created_by_id)}
    members = [m.user for m in space.memberships.select_related("user")
               .filter(user__is_active=True).order_by("user__display_name")
               ] if may_record and not compact else []
    return {
        "request": request, "csrf_token": context.get("csrf_token"), "space": space,
        "decisions": decisions, "actions": actions, "may_record": may_record,
        "source_kind": kind, "source_id": source.pk, "compact": compact,
        "editable_decisions": editable_decisions, "editable_actions": editable_actions,
        "back": request.path + "#decisions",
        "decision_form": DecisionForm(initial={"decided_on": today()}, prefix=None),
        "action_form": ActionForm(members=members, auto_id=f"id_{kind}_action_%s"),
    }
