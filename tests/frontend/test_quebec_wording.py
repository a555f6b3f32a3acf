"""allauth's own French says « e-mail »; where one of its strings still reaches a page, the
Québec word is used."""

from __future__ import annotations

import html

from django.test import Client

from tests.clients import client_for
from tests.conftest import People


def test_two_different_new_passwords_are_refused_in_quebec_french(people: People,
                                                                   smtp_server) -> None:
    client = Client()
    client.post("/mot-de-passe-oublie/", {"email": people.member.email})
    (mail,) = smtp_server.wait_for(1)
    body = mail.get_body(preferencelist=("plain",)).get_content()
    link = body.split("http://testserver", 1)[1].split()[0]
    form_url = client.get(link)["Location"]
    answer = client.post(form_url, {"password1": "un-secret-bien-long-2027",
                                    "password2": "un-autre-secret-2027"})
    text = html.unescape(answer.content.decode())
    assert "Les deux mots de passe ne correspondent pas" in text
    assert "e-mail" not in text


def test_the_address_page_never_says_e_mail(people: People) -> None:
    text = html.unescape(client_for(people.member).get("/compte/courriel/").content.decode())
    assert "Changer mon courriel" in text and "e-mail" not in text.lower()
