"""The List-Unsubscribe mailto address (RFC 8058) arrives on the same inbound path as replies
and is handed to the outgoing-mail app, which owns the tokens and the preferences."""

from __future__ import annotations

import smtplib

import pytest

from emails import preferences, unsubscribe

pytestmark = pytest.mark.django_db(transaction=True)


def test_mail_to_the_unsubscribe_address_unsubscribes_whoever_sends_it(people, lmtp_listener,
                                                                       smtp_server):
    mailto = unsubscribe.links_for(user=people.member).mailto
    raw = (b"From: un-filtre@ailleurs.example\r\nTo: " + mailto.encode()
           + b"\r\nSubject: unsubscribe\r\nMessage-ID: <u1@ailleurs.example>\r\n\r\n\r\n")
    with smtplib.LMTP(lmtp_listener.host, lmtp_listener.port, timeout=20) as client:
        client.ehlo_or_helo_if_needed()
        client.mail("un-filtre@ailleurs.example")
        assert client.rcpt(mailto)[0] == 250
        assert client.data(raw) == (250, b"2.0.0 unsubscribed")
    assert preferences.preferences_of(people.member).digest == preferences.DigestFrequency.OFF
    assert smtp_server.received == []


def test_a_forged_unsubscribe_address_changes_nothing(people, lmtp_listener):
    forged = "unsubscribe+" + f"{people.member.pk}-0-" + "0" * 32 + "@localhost"
    with smtplib.LMTP(lmtp_listener.host, lmtp_listener.port, timeout=20) as client:
        client.ehlo_or_helo_if_needed()
        client.mail("x@ailleurs.example")
        client.rcpt(forged)
        assert client.data(b"Subject: x\r\n\r\nx\r\n") == (250, b"2.0.0 dropped")
    assert preferences.preferences_of(people.member).digest != preferences.DigestFrequency.OFF
