"""A notice about a committee's message names the committee with its space, and goes to
members of the committee only."""

from __future__ import annotations

import pytest

from communities.services.committees import create_committee
from communities.services.discussion import start_thread
from emails import notifications
from tests.conftest import People
from tests.emails.helpers import html_of, text_of
from tests.smtp import Mailbox

pytestmark = pytest.mark.django_db


def test_a_committee_mention_names_the_committee_with_its_space(people: People,
                                                                smtp_server: Mailbox) -> None:
    committee = create_committee(actor=people.facilitator, space=people.space,
                                 name="Comité de planification", members=[people.member.pk])
    start_thread(actor=people.facilitator, space=committee, title="Ordre du jour",
                 body="@**Marc Membre**, pouvez-vous préparer le tour de table ?")
    notifications.collect()
    notifications.send_due()
    [message] = smtp_server.wait_for(1)
    assert message["To"] == people.member.email
    heading = "Comité de planification (Réseau Municipalités accessibles)"
    assert heading in text_of(message)
    assert heading in html_of(message)
