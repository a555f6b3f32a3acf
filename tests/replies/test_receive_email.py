"""``manage.py receive_email``, run as an MTA's pipe runs it: a child process reading one
message on stdin, answering with a sysexits status."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest

from communities.models import Message
from replies.addresses import reply_address
from replies.models import InboundMail
from tests import servers
from tests.replies.helpers import reply_mail, sample
from tests.servers import ROOT, free_port
from tests.smtp import Mailbox

pytestmark = pytest.mark.django_db(transaction=True)
EX_TEMPFAIL = 75


def _env(mailbox: Mailbox | None = None, **extra: str) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": servers.test_database_url(), "DEBUG": "true",
           "POST_RATE_LIMIT": "0", "PYTHONUNBUFFERED": "1", **extra}
    if mailbox is not None:
        env.update(SMTP_HOST=mailbox.host, SMTP_PORT=str(mailbox.port), SMTP_STARTTLS="false",
                   SMTP_SSL="false")
    return env


def receive(raw: bytes, *args: str, env: dict[str, str] | None = None,
            ) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "manage.py", "receive_email", *args], input=raw,
                          cwd=ROOT, env=env or _env(), capture_output=True, timeout=60,
                          check=False)


def test_a_piped_reply_is_posted_and_the_mta_told_it_was_delivered(people, thread,
                                                                   smtp_mailbox):
    address = reply_address(user=people.member, thread=thread)
    raw = sample("thunderbird_fr", sender="marc@exemple.qc.ca", recipient=address)
    done = receive(raw, "--sender", "marc@exemple.qc.ca", "--recipient", address,
                   env=_env(smtp_mailbox))
    assert (done.returncode, done.stdout.strip()) == (0, b"posted"), done.stderr
    message = Message.objects.get(author=people.member)
    assert message.thread == thread
    assert message.body.startswith("Oui, bonne idée : je propose qu'on regarde aussi")


def test_without_a_recipient_argument_the_delivery_headers_name_it(people, thread):
    address = reply_address(user=people.member, thread=thread)
    raw = b"Delivered-To: " + address.encode() + b"\r\n" + sample(
        "apple_en", sender="marc@exemple.qc.ca", recipient="Espace <notifications@localhost>")
    done = receive(raw)
    assert done.returncode == 0, done.stderr
    assert Message.objects.get(author=people.member).body == "Perfect, see you Thursday."


def test_a_refused_reply_is_answered_by_email_and_the_mta_told_it_was_delivered(
        people, thread, smtp_mailbox):
    smtp_mailbox.clear()
    address = reply_address(user=people.member, thread=thread)
    raw = reply_mail(sender="quelquun@ailleurs.example", recipient=address, body="Bonjour")
    done = receive(raw, "--recipient", address, env=_env(smtp_mailbox))
    assert (done.returncode, done.stdout.strip()) == (0, b"bounced spoofed"), done.stderr
    [bounce] = smtp_mailbox.wait_for(1)
    assert smtp_mailbox.received[0].rcpt_tos == ["marc@exemple.qc.ca"]
    assert "n'a pas été publié" in str(bounce.get_body(preferencelist=("plain",)).get_content())  # type: ignore[union-attr]


def test_malformed_mail_is_handled_without_a_crash(people):
    # Binary noise, then a multipart with an unknown charset and no closing boundary (the
    # in-process cases are in test_malformed.py; this one checks the command's own path).
    raw = (b"\x00\xff\xfe garbage \x80\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n"
           b"--x\r\nContent-Type: text/plain; charset=klingon\r\n\r\n\xe9\xe8\r\n")
    done = receive(raw, "--recipient", "reply+" + "d" * 52 + "@localhost")
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr


def test_an_unreachable_database_asks_the_mta_to_retry(people, thread):
    address = reply_address(user=people.member, thread=thread)
    raw = reply_mail(sender="marc@exemple.qc.ca", recipient=address, body="Plus tard")
    closed = f"postgres://postgres@127.0.0.1:{free_port()}/nulle_part"
    # Without the pool the refusal is immediate; with it, the same comes after its 10 s wait.
    done = receive(raw, "--recipient", address, env=_env(DATABASE_URL=closed,
                                                         DATABASE_POOL="false"))
    assert done.returncode == EX_TEMPFAIL, done.stderr
    assert b"le MTA r\xc3\xa9essaiera" in done.stderr


def test_an_unreachable_smtp_server_keeps_the_refusal_for_the_retry(people, thread,
                                                                    smtp_mailbox):
    smtp_mailbox.clear()
    address = reply_address(user=people.member, thread=thread)
    raw = reply_mail(sender="quelquun@ailleurs.example", recipient=address, body="Bonjour")
    down = _env(SMTP_HOST="127.0.0.1", SMTP_PORT=str(free_port()), SMTP_STARTTLS="false")
    assert receive(raw, "--recipient", address, env=down).returncode == EX_TEMPFAIL
    assert not InboundMail.objects.exists()
    # The MTA tries again once SMTP is back: the member is told, once.
    assert receive(raw, "--recipient", address, env=_env(smtp_mailbox)).returncode == 0
    assert len(smtp_mailbox.wait_for(1)) == 1


@pytest.mark.postgres
def test_two_pipes_delivering_the_same_message_at_once_post_it_once(people, thread,
                                                                    uses_postgres):
    address = reply_address(user=people.member, thread=thread)
    raw = reply_mail(sender="marc@exemple.qc.ca", recipient=address, body="Une seule fois",
                     message_id="<pipe-twice@exemple.qc.ca>")
    results: list[subprocess.CompletedProcess[bytes]] = []
    workers = [threading.Thread(target=lambda: results.append(
        receive(raw, "--recipient", address))) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert sorted(done.returncode for done in results) == [0, 0]
    assert sorted(done.stdout.strip() for done in results) == [
        b"duplicate already_handled", b"posted"]
    assert Message.objects.filter(author=people.member).count() == 1
