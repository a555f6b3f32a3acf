"""The digest knows committees and questions: a committee's activity reaches its members'
digests only, and "Questions sans réponse" lists the questions still waiting, oldest first."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from communities.models import Thread
from communities.services.committees import create_committee
from communities.services.discussion import post_message, start_thread
from communities.services.questions import mark_answer
from tests.conftest import People
from tests.emails.helpers import send_weekly, text_of
from tests.smtp import Mailbox


def by_recipient(mailbox: Mailbox, count: int) -> dict[str, str]:
    return {m["To"]: text_of(m) for m in mailbox.wait_for(count)}


def test_committee_activity_reaches_its_members_only(people: People,
                                                     smtp_server: Mailbox) -> None:
    committee = create_committee(actor=people.facilitator, space=people.space,
                                 name="Comité de planification", members=[people.member.pk])
    start_thread(actor=people.facilitator, space=committee, title="Budget confidentiel",
                 body="Les chiffres")
    start_thread(actor=people.facilitator, space=people.space, title="Nouvelles publiques",
                 body="Pour tous")
    send_weekly([people.member.pk, people.other_member.pk])
    texts = by_recipient(smtp_server, 2)
    assert "Budget confidentiel" in texts[people.member.email]
    assert "== Comité de planification (Réseau Municipalités accessibles) ==" in texts[
        people.member.email]
    other = texts[people.other_member.email]
    assert "Nouvelles publiques" in other
    assert "Budget confidentiel" not in other and "planification" not in other


def test_unanswered_questions_oldest_first_and_answered_ones_leave(
        people: People, smtp_server: Mailbox) -> None:
    old = start_thread(actor=people.facilitator, space=people.space, title="Question ancienne",
                       body="Qui sait ?", is_question=True).thread
    Thread.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=20))
    start_thread(actor=people.other_member, space=people.space, title="Question récente",
                 body="Et ceci ?", is_question=True)
    settled = start_thread(actor=people.facilitator, space=people.space,
                           title="Question réglée", body="Déjà ?", is_question=True).thread
    reply = post_message(actor=people.other_member, thread=settled, body="Oui.").message
    mark_answer(actor=people.facilitator, thread=settled, message_id=reply.pk)
    send_weekly([people.member.pk])
    text = text_of(smtp_server.wait_for(1)[0])
    section = text.split("-- Questions sans réponse --", 1)[1]
    assert section.index("Question ancienne") < section.index("Question récente")
    assert "Question réglée" not in section.split("--", 1)[0]
    assert "posée par Florence Animatrice — aucune réponse encore" in section
