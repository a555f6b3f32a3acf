"""The whole loop a member who only reads email lives in: a notification arrives over SMTP,
they press "Reply" in their mail client, the answer is delivered back over LMTP and appears in
the thread as a reply to the message that named them."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.policy import SMTP

import pytest

from communities.models import Message
from communities.services.discussion import start_thread
from emails import notifications

pytestmark = pytest.mark.django_db(transaction=True)


def _reply_as_gmail_would(notice: EmailMessage, *, sender: str, text: str) -> bytes:
    body = notice.get_body(preferencelist=("plain",))
    assert body is not None
    quoted = "\n".join(f"> {line}" if line else ">" for line in
                       str(body.get_content()).splitlines())
    reply = EmailMessage()
    reply["From"] = f"Marc Membre <{sender}>"
    reply["To"] = str(notice["Reply-To"])
    reply["Subject"] = f"Re: {notice['Subject']}"
    reply["In-Reply-To"] = str(notice["Message-ID"])
    reply["Message-ID"] = "<CAF-bout-en-bout@mail.gmail.com>"
    reply.set_content(f"{text}\n\nLe jeu. 5 juin 2025 à 13 h 30, Espace collaboratif <\n"
                      f"ne-pas-repondre@localhost> a écrit\u202f:\n\n{quoted}\n")
    return reply.as_bytes(policy=SMTP)


def test_a_member_answers_a_notification_from_their_mail_client(people, smtp_server,
                                                                lmtp_listener):
    question = start_thread(actor=people.facilitator, space=people.space,
                            title="Parcs inclusifs",
                            body="@**Marc Membre**, pouvez-vous partager vos plans ?").message
    notifications.collect()
    notifications.send_due()
    [notice] = smtp_server.wait_for(1)
    smtp_server.clear()

    raw = _reply_as_gmail_would(notice, sender="marc@exemple.qc.ca",
                                text="Oui, je les envoie demain matin.")
    with smtplib.LMTP(lmtp_listener.host, lmtp_listener.port, timeout=20) as client:
        assert client.sendmail("marc@exemple.qc.ca", [str(notice["Reply-To"])], raw) == {}

    answer = Message.objects.get(author=people.member)
    assert answer.body == "Oui, je les envoie demain matin."
    assert answer.thread_id == question.thread_id
    assert answer.reply_to == question
    assert smtp_server.received == []
