"""The LMTP listener, spoken to over loopback by smtplib's LMTP client as an MTA would."""

from __future__ import annotations

import smtplib
import threading
from unittest import mock

import pytest
from django.db import OperationalError

from communities.models import Event, Message
from replies.addresses import reply_address
from replies.models import InboundMail
from tests.replies.helpers import reply_mail, sample

pytestmark = pytest.mark.django_db(transaction=True)


def _client(listener) -> smtplib.LMTP:  # type: ignore[no-untyped-def]
    client = smtplib.LMTP(listener.host, listener.port, timeout=20)
    client.ehlo_or_helo_if_needed()
    return client


def test_a_reply_delivered_by_lmtp_is_posted_as_the_member(people, thread, lmtp_listener,
                                                           smtp_server):
    address = reply_address(user=people.member, thread=thread)
    raw = sample("outlook_fr", sender="marc@exemple.qc.ca", recipient=address)
    with _client(lmtp_listener) as client:
        refused = client.sendmail("marc@exemple.qc.ca", [address], raw)
    assert refused == {}
    message = Message.objects.get(author=people.member)
    assert message.body == "Bonjour,\n\nJe confirme ma présence à la rencontre."
    assert Event.objects.filter(kind="message.created",
                                payload__message__id=message.pk).exists()


def test_an_address_that_is_not_a_reply_address_is_refused_at_rcpt(people, lmtp_listener):
    with _client(lmtp_listener) as client:
        client.mail("marc@exemple.qc.ca")
        code, _text = client.rcpt("marc@localhost")
        assert code == 550
        code, _text = client.rcpt("reply+abc@ailleurs.example")
        assert code == 550


def test_each_recipient_gets_its_own_status_line(people, thread, lmtp_listener, smtp_server,
                                                 settings):
    settings.REPLY_TRUSTED_AUTHSERV_IDS = ["mx.espace.exemple"]
    posted_to = reply_address(user=people.member, thread=thread)
    unknown = "reply+" + "c" * 52 + "@localhost"
    raw = reply_mail(sender="marc@exemple.qc.ca", recipient=posted_to, body="Bien reçu",
                     headers={"Authentication-Results": "mx.espace.exemple; dmarc=pass"})
    with _client(lmtp_listener) as client:
        client.mail("marc@exemple.qc.ca")
        assert client.rcpt(posted_to)[0] == 250
        assert client.rcpt(unknown)[0] == 250
        # smtplib reads one reply to DATA; LMTP sends one per recipient (RFC 2033 §4.2).
        code, text = client.data(raw)
        second_code, second_text = client.getreply()
    assert (code, text) == (250, b"2.0.0 posted")
    # The unknown address came from a member our MTA verified: they are told, so it is
    # "bounced" for us.
    assert (second_code, second_text) == (250, b"2.0.0 bounced")
    assert smtp_server.received[0].rcpt_tos == ["marc@exemple.qc.ca"]


def test_a_database_failure_asks_the_mta_to_retry_and_records_nothing(
        people, thread, lmtp_listener):
    address = reply_address(user=people.member, thread=thread)
    raw = reply_mail(sender="marc@exemple.qc.ca", recipient=address, body="Plus tard")
    with mock.patch("replies.inbound.find_reply_address",
                    side_effect=OperationalError("connection refused")), \
            _client(lmtp_listener) as client, pytest.raises(smtplib.SMTPDataError) as refused:
        client.sendmail("marc@exemple.qc.ca", [address], raw)
    assert refused.value.smtp_code == 451
    assert not InboundMail.objects.exists()
    # The MTA's retry then goes through.
    with _client(lmtp_listener) as client:
        assert client.sendmail("marc@exemple.qc.ca", [address], raw) == {}
    assert Message.objects.filter(author=people.member).count() == 1


def test_a_message_over_the_size_cap_is_refused_in_the_session(
        people, thread, lmtp_listener, settings):
    settings.REPLY_MAX_MESSAGE_BYTES = 20_000
    address = reply_address(user=people.member, thread=thread)
    raw = reply_mail(sender="marc@exemple.qc.ca", recipient=address,
                     body=("x" * 70 + "\n") * 600)
    # A client that announces the size is refused at MAIL FROM (RFC 1870)…
    with _client(lmtp_listener) as client, pytest.raises(smtplib.SMTPSenderRefused) as early:
        client.sendmail("marc@exemple.qc.ca", [address], raw)
    assert early.value.smtp_code == 552
    # …and one that does not is refused after DATA, without the listener keeping it.
    with _client(lmtp_listener) as client:
        client.mail("marc@exemple.qc.ca")
        client.rcpt(address)
        assert client.data(raw)[0] == 552
    assert not Message.objects.filter(author=people.member).exists()
    assert not InboundMail.objects.exists()


@pytest.mark.postgres
def test_the_same_message_delivered_concurrently_posts_once(people, thread, lmtp_listener,
                                                            uses_postgres, smtp_server):
    address = reply_address(user=people.member, thread=thread)
    raw = reply_mail(sender="marc@exemple.qc.ca", recipient=address, body="Une seule fois",
                     message_id="<concurrent-1@exemple.qc.ca>")
    start = threading.Barrier(6)
    answers: list[dict[str, tuple[int, bytes]]] = []

    def deliver() -> None:
        with _client(lmtp_listener) as client:
            start.wait()
            answers.append(client.sendmail("marc@exemple.qc.ca", [address], raw))

    threads = [threading.Thread(target=deliver) for _ in range(6)]
    for worker in threads:
        worker.start()
    for worker in threads:
        worker.join(30)
    assert answers == [{}] * 6
    assert Message.objects.filter(author=people.member).count() == 1
    assert Event.objects.filter(kind="message.created").count() == 1
    assert InboundMail.objects.get().outcome == "posted"


def test_the_lmtp_server_command_listens_on_a_unix_socket_and_stops_on_sigterm(
        people, thread, tmp_path):
    import os
    import subprocess
    import sys
    import time

    from tests import servers

    address = reply_address(user=people.member, thread=thread)
    socket_path = str(tmp_path / "lmtp.sock")
    env = {**os.environ, "DATABASE_URL": servers.test_database_url(), "DEBUG": "true",
           "POST_RATE_LIMIT": "0"}
    process = subprocess.Popen([sys.executable, "manage.py", "lmtp_server", "--socket",
                                socket_path], cwd=servers.ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        # Ready once the socket exists with the mode the MTA's group needs (set just after).
        while not (os.path.exists(socket_path)
                   and os.stat(socket_path).st_mode & 0o777 == 0o660):
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            assert time.monotonic() < deadline, "the LMTP server did not start"
            time.sleep(0.05)
        raw = reply_mail(sender="marc@exemple.qc.ca", recipient=address, body="Par le socket")
        with smtplib.LMTP(socket_path, timeout=20) as client:
            assert client.sendmail("marc@exemple.qc.ca", [address], raw) == {}
        assert Message.objects.get(author=people.member).body == "Par le socket"
    finally:
        process.terminate()
        assert process.wait(timeout=20) == 0
