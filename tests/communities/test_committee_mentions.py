"""Mentions inside a committee reach its members only: naming a member of the space who is
not in it binds nobody, and @espace from a committee's facilitator tells its members alone."""

from __future__ import annotations

from communities.models import Event
from communities.services.committees import create_committee
from communities.services.discussion import start_thread


def mentioned(kind_owner: int) -> int:
    return Event.objects.filter(kind="mention.created", owner_id=kind_owner).count()


def test_mentions_in_a_committee_stay_inside_it(people):
    committee = create_committee(actor=people.facilitator, space=people.space,
                                 name="Comité de planification", members=[people.member.pk])
    start_thread(actor=people.member, space=committee, title="Ordre du jour",
                 body=f"@**Noémie Membre|{people.other_member.pk}** pourrait venir ?")
    assert mentioned(people.other_member.pk) == 0
    start_thread(actor=people.facilitator, space=committee, title="Rappel",
                 body="@espace la rencontre est jeudi.")
    assert mentioned(people.member.pk) == 1
    assert mentioned(people.other_member.pk) == 0
    payloads = str(list(Event.objects.filter(owner=people.other_member)
                        .values_list("payload", flat=True)))
    assert "planification" not in payloads and "Ordre du jour" not in payloads
