"""A mention stored bound to its person (``@**Name|id**``) reads as ``@Name`` in the
notification and the digest excerpts: the id is for the server, not for the reader."""

from __future__ import annotations

import pytest

from communities.services.discussion import start_thread
from emails import notifications
from emails.digest.sections import excerpt
from tests.conftest import People
from tests.emails.helpers import html_of, text_of
from tests.smtp import Mailbox

pytestmark = pytest.mark.django_db


def test_the_notification_shows_the_name_without_the_id(people: People,
                                                        smtp_server: Mailbox) -> None:
    posted = start_thread(actor=people.facilitator, space=people.space, title="Parcs inclusifs",
                          body="@**Marc Membre**, pouvez-vous partager vos plans ?")
    assert posted.message.body.startswith(f"@**Marc Membre|{people.member.pk}**")
    notifications.collect()
    notifications.send_due()
    [message] = smtp_server.wait_for(1)
    assert "@Marc Membre, pouvez-vous partager vos plans ?" in text_of(message)
    assert f"|{people.member.pk}" not in text_of(message) + html_of(message)


def test_digest_excerpts_read_bound_mentions_as_names() -> None:
    assert excerpt("Merci @**Noémie Membre|12** et @**Marc|3**") == "Merci @Noémie Membre et @Marc"
