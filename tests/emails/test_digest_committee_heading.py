"""A committee's block in the digest is headed with its space's name too, in French and in
English, and follows its space's block instead of standing alone in alphabetical order."""

from __future__ import annotations

import pytest

from communities.services.committees import create_committee
from communities.services.discussion import start_thread
from tests.conftest import People
from tests.emails.helpers import html_of, send_weekly, text_of
from tests.smtp import Mailbox

pytestmark = pytest.mark.django_db
HEADING = "Comité de planification (Réseau Municipalités accessibles)"


def _activity(people: People) -> None:
    committee = create_committee(actor=people.facilitator, space=people.space,
                                 name="Comité de planification", members=[people.member.pk])
    start_thread(actor=people.facilitator, space=committee, title="Ordre du jour d'automne",
                 body="Vos idées ?")
    start_thread(actor=people.facilitator, space=people.space, title="Nouvelles du réseau",
                 body="Pour tous")


@pytest.mark.parametrize(("language", "opening"), [("fr", "Ouvrir « "), ("en", "Open “")])
def test_the_committee_block_is_headed_with_its_space(people: People, smtp_server: Mailbox,
                                                      language: str, opening: str) -> None:
    people.member.language = language
    people.member.save(update_fields=["language"])
    _activity(people)
    send_weekly([people.member.pk])
    message = smtp_server.wait_for(1)[0]
    text, html = text_of(message), html_of(message)
    assert f"== {HEADING} ==" in text
    assert f">{HEADING}</h2>" in html
    assert f"{opening}{HEADING}" in text
    # The space's own block comes first, its committee's right after it.
    assert text.index("== Réseau Municipalités accessibles ==") < text.index(f"== {HEADING} ==")
    assert text.index("Nouvelles du réseau") < text.index("Ordre du jour d'automne")
