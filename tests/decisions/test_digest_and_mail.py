"""Action items in digests (the assignee's own, the facilitators' overdue ones) and the
reminder send, whose queries do not grow with its recipients."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from communities.models import Membership, User
from decisions.mail import send_action_reminders
from decisions.models import ActionItem
from decisions.services.overdue import flag_overdue_actions
from emails.models import JoinLink
from tests.conftest import People
from tests.decisions.helpers import an_action, held_meeting, in_days
from tests.emails.helpers import send_weekly, text_of
from tests.queries import count_queries
from tests.smtp import Mailbox

pytestmark = pytest.mark.django_db


def test_the_assignee_s_digest_lists_their_open_actions(people: People,
                                                        smtp_server: Mailbox) -> None:
    an_action(people, held_meeting(people), what="Réserver la salle", due_on=in_days(4))
    smtp_server.clear()
    send_weekly([people.member.pk, people.other_member.pk])
    messages = smtp_server.wait_for(1)
    mine = [m for m in messages if people.member.email in m["To"]]
    assert mine, [m["To"] for m in messages]
    text = text_of(mine[0])
    assert "-- Vos suivis --" in text
    assert "Réserver la salle" in text
    others = [text_of(m) for m in messages if people.other_member.email in m["To"]]
    assert all("Vos suivis" not in t for t in others)


def test_facilitators_see_overdue_actions_in_their_digest(people: People,
                                                          smtp_server: Mailbox) -> None:
    action = an_action(people, held_meeting(people), what="Envoyer le bilan",
                       due_on=in_days(1))
    ActionItem.objects.filter(pk=action.pk).update(due_on=in_days(-1))
    assert flag_overdue_actions() == 1
    smtp_server.clear()
    send_weekly([people.facilitator.pk, people.other_member.pk])
    messages = smtp_server.wait_for(1)
    by_reader = {m["To"]: text_of(m) for m in messages}
    assert "-- Suivis en retard --" in by_reader[people.facilitator.email]
    assert "Envoyer le bilan" in by_reader[people.facilitator.email]
    assert all("Suivis en retard" not in text for to, text in by_reader.items()
               if to != people.facilitator.email)


def test_the_reminder_send_costs_the_same_queries_for_one_or_many(people: People) -> None:
    many = [User.objects.create_user(f"m{i}@exemple.qc.ca", "x", display_name=f"Membre {i}")
            for i in range(5)]
    for user in many:
        Membership.objects.create(space=people.space, user=user)
    action = an_action(people, held_meeting(people), due_on=in_days(1),
                       assignee_ids=[u.pk for u in many] + [people.member.pk])
    with count_queries() as alone:
        send_action_reminders(action_id=action.pk, user_ids=[people.member.pk])
    with count_queries() as everyone:
        sent = send_action_reminders(action_id=action.pk,
                                     user_ids=[u.pk for u in many] + [people.member.pk]).sent
    assert len(sent) == 6
    assert len(alone.captured_queries) == len(everyone.captured_queries)
    assert JoinLink.objects.filter(created_at__gt=timezone.now() - timedelta(minutes=5)
                                   ).count() == 2 * 7
