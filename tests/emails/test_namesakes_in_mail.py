"""Notification emails and digests tell namesakes of a space apart: "X vous mentionne"
and "lancé par X" name the person with what distinguishes them from someone of the same name."""

from __future__ import annotations

import pytest

from communities.services.discussion import start_thread
from emails import notifications
from tests.communities.test_namesakes import twin_of
from tests.conftest import People
from tests.emails.helpers import html_of, send_weekly, text_of
from tests.smtp import Mailbox

pytestmark = pytest.mark.django_db


def test_the_notification_subject_and_body_name_the_right_marc(people: People,
                                                               smtp_server: Mailbox) -> None:
    twin = twin_of(people)
    start_thread(actor=twin, space=people.space, title="Parcs inclusifs",
                 body="@**Noémie Membre**, avez-vous des plans ?")
    notifications.collect()
    notifications.send_due()
    [message] = smtp_server.wait_for(1)
    expected = f"Marc Membre (membre n° {twin.pk}) vous mentionne dans « Parcs inclusifs »"
    assert message["Subject"] == expected
    assert expected in text_of(message)
    assert "autre.marc" not in text_of(message) + html_of(message)


def test_the_digest_names_each_marc_with_what_tells_them_apart(people: People,
                                                               smtp_server: Mailbox) -> None:
    twin = twin_of(people)
    start_thread(actor=people.member, space=people.space, title="Budget 2027",
                 body="Quelles sommes prévoyez-vous ?")
    start_thread(actor=twin, space=people.space, title="Parcs inclusifs",
                 body="@**Noémie Membre**, avez-vous des plans ?")
    send_weekly([people.other_member.pk])
    text = text_of(smtp_server.wait_for(1)[0])
    assert "lancé par Marc Membre (Ville de Laval)" in text
    assert f"lancé par Marc Membre (membre n° {twin.pk})" in text
    assert f"Marc Membre (membre n° {twin.pk}) vous mentionne" in text
    assert "autre.marc" not in text
