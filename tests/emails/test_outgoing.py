"""The one outgoing path for mail written in code rather than a template (the replies app's
"not posted" answers): a text part, the same text as HTML, and the caller's headers."""

from __future__ import annotations

import pytest

from emails.outgoing import compose, deliver
from tests.smtp import Mailbox

pytestmark = pytest.mark.django_db


def test_a_text_only_message_gets_an_html_part_and_keeps_its_headers(
        smtp_server: Mailbox) -> None:
    deliver([compose(to="marc@exemple.qc.ca", language="fr-ca",
                     subject="Votre réponse n'a pas été publiée / Your reply was not posted",
                     text="Bonjour,\n\nVoyez https://exemple.qc.ca/fil/1 <b>ici</b>.",
                     headers={"Auto-Submitted": "auto-replied",
                              "Content-Language": "fr-CA, en"})])

    [message] = smtp_server.wait_for(1)
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    assert message["Subject"] == "Votre réponse n'a pas été publiée / Your reply was not posted"
    assert message["Auto-Submitted"] == "auto-replied"
    assert message["Content-Language"] == "fr-CA, en"
    assert message["Message-ID"].endswith("@localhost>")
    html = message.get_body(preferencelist=("html",)).get_content()  # type: ignore[union-attr]
    assert '<a href="https://exemple.qc.ca/fil/1"' in html
    assert "&lt;b&gt;ici&lt;/b&gt;" in html  # the text is escaped, never markup


def test_a_message_needs_a_template_or_a_text() -> None:
    with pytest.raises(ValueError):
        compose(to="marc@exemple.qc.ca", language="fr-ca", subject="Vide")


def test_a_template_without_html_still_gives_an_html_part(people: object,
                                                          smtp_server: Mailbox) -> None:
    from communities.models import Space

    space = Space.objects.get(slug="rma")
    # The poll announcement has only a text template.
    deliver([compose(to="marc@exemple.qc.ca", language="fr-ca", subject="Sondage",
                     template="meetings/email/poll_opened",
                     context={"poll": {"title": "Bilan annuel"}, "space": space,
                              "user": {"display_name": "Marc Membre"},
                              "url": "http://127.0.0.1:8000/sondage/", "slots": []})])

    [message] = smtp_server.wait_for(1)
    assert [p.get_content_type() for p in message.iter_parts()] == ["text/plain", "text/html"]
    html = message.get_body(preferencelist=("html",)).get_content()  # type: ignore[union-attr]
    assert '<html lang="fr-ca">' in html and "Bilan annuel" in html
