"""Whatever arrives, the inbound path answers without an exception: broken MIME, lying or
unknown charsets, missing headers, deep nesting, binary noise."""

from __future__ import annotations

import random

import pytest

from communities.models import Message
from replies.addresses import reply_address
from replies.inbound import read_incoming, receive_mail

pytestmark = pytest.mark.django_db

HEAD = b"From: marc@exemple.qc.ca\r\nTo: {to}\r\nMessage-ID: <{n}@e>\r\n"

MALFORMED = {
    "no headers at all": b"juste du texte\r\n",
    "empty": b"",
    "unknown charset": b"Content-Type: text/plain; charset=x-inexistant\r\n\r\nBonjour \xe9\r\n",
    "lying charset": b"Content-Type: text/plain; charset=us-ascii\r\n\r\nCaf\xc3\xa9 \xff\r\n",
    "bad transfer encoding": b"Content-Type: text/plain\r\nContent-Transfer-Encoding: base64"
                             b"\r\n\r\n%%%% pas du base64 !!!\r\n",
    "unclosed multipart": b"Content-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\n"
                          b"Content-Type: text/plain\r\n\r\nBonjour",
    "multipart without boundary": b"Content-Type: multipart/mixed\r\n\r\nBonjour\r\n",
    "deep nesting": b"".join(
        b"Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n" % (i, i)
        for i in range(200)) + b"Content-Type: text/plain\r\n\r\nAu fond\r\n",
    "html only, broken": b"Content-Type: text/html; charset=utf-8\r\n\r\n<p>Bonjour<div><b>"
                         b"<blockquote>cit\xc3\xa9",
    "encoded-word garbage": b"Subject: =?utf-8?q?=ZZ=?= =?x-bad?b?////?=\r\n\r\nBonjour\r\n",
    "header without colon": b"Ceci n'est pas un en-tete\r\nFrom marc\r\n\r\nBonjour\r\n",
    "nul bytes": b"Content-Type: text/plain\r\n\r\nBon\x00jour\r\n",
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_mail_never_raises(people, thread, smtp_server, name):
    address = reply_address(user=people.member, thread=thread)
    raw = HEAD.replace(b"{to}", address.encode()).replace(b"{n}", name.encode()[:8]) \
        + MALFORMED[name]
    [handled] = receive_mail(raw=raw, recipients=[address], envelope_sender="m@e")
    assert handled.outcome in {"posted", "bounced", "dropped"}
    if handled.outcome == "posted":
        assert handled.message is not None
        assert "\x00" not in Message.objects.get(pk=handled.message.pk).body


def test_random_bytes_never_raise():
    generator = random.Random(20261201)
    for _ in range(300):
        raw = bytes(generator.randrange(256) for _ in range(generator.randrange(1, 400)))
        mail = read_incoming(b"From: a@b.c\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n"
                             b"--x\r\n" + raw)
        assert isinstance(mail.text, str)


def test_a_huge_message_is_read_only_up_to_the_cap(settings):
    settings.REPLY_MAX_MESSAGE_BYTES = 1_000_000
    raw = b"From: a@b.c\r\nContent-Type: text/plain\r\n\r\n" + b"x" * 76 + b"\r\n" * 0
    raw += (b"y" * 76 + b"\r\n") * 200_000  # 15 MB
    mail = read_incoming(raw)
    assert mail.too_large
    assert len(mail.text) <= 1_000_000
