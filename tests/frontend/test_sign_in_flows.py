"""django-allauth's flows as a browser without JavaScript goes through them, on PostgreSQL,
with the mail read from the loopback SMTP server: a code sent by email, a forgotten password,
a new address. Bad input gets a French answer and keeps what was typed."""

from __future__ import annotations

import html
import re
from email.message import EmailMessage

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from communities.models import ApiToken
from tests.clients import PASSWORD, client_for, token_for
from tests.conftest import People

pytestmark = [pytest.mark.postgres]

NEW_PASSWORD = "un-tout-nouveau-secret-2027"


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def page(answer) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(answer.content.decode())


def code_in(message: EmailMessage) -> str:
    match = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", text_of(message), re.MULTILINE)
    assert match, text_of(message)
    return match.group(1)


def link_in(message: EmailMessage) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", text_of(message))
    assert match, text_of(message)
    return match.group(1)


def signed_in_as(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


# --- sign in with a code sent by email ------------------------------------------------------


def ask_code(client: Client, email: str):  # type: ignore[no-untyped-def]
    return client.post("/connexion/code/", {"email": email})


def test_a_code_sent_by_email_signs_me_in(people: People, uses_postgres, smtp_server) -> None:
    client = Client()
    asked = ask_code(client, "Marc@Exemple.qc.ca")
    assert asked.status_code == 302 and asked["Location"] == "/connexion/code/confirmer/"
    confirm_page = page(client.get(asked["Location"]))
    assert "Entrer le code reçu" in confirm_page and 'autocomplete="one-time-code"' in confirm_page
    (mail,) = smtp_server.wait_for(1)
    assert mail["To"] == people.member.email
    assert mail["Subject"].startswith("Votre code de connexion")
    answer = client.post("/connexion/code/confirmer/", {"code": code_in(mail)})
    assert answer.status_code == 302 and answer["Location"] == "/"
    assert signed_in_as(client) == str(people.member.pk)


def test_three_wrong_codes_kill_the_code_and_a_new_one_is_needed(
        people: People, uses_postgres, smtp_server) -> None:
    client = Client()
    ask_code(client, people.member.email)
    (mail,) = smtp_server.wait_for(1)
    for attempt in range(2):
        wrong = client.post("/connexion/code/confirmer/", {"code": "ZZZZ-ZZZZ"})
        assert wrong.status_code == 200, attempt
        assert "Ce code n'est pas le bon" in page(wrong)
        assert 'value="ZZZZ-ZZZZ"' in page(wrong)  # what was typed stays
    last = client.post("/connexion/code/confirmer/", {"code": "ZZZZ-ZZZZ"}, follow=True)
    assert last.redirect_chain[-1][0] == "/connexion/code/"
    assert "Trop d'essais avec ce code" in page(last)
    # The right code is now refused too: the process is gone.
    late = client.post("/connexion/code/confirmer/", {"code": code_in(mail)})
    assert late.status_code == 302 and signed_in_as(client) is None
    smtp_server.clear()
    ask_code(client, people.member.email)
    (fresh,) = smtp_server.wait_for(1)
    assert client.post("/connexion/code/confirmer/", {"code": code_in(fresh)}).status_code == 302
    assert signed_in_as(client) == str(people.member.pk)


def test_an_unknown_address_is_told_by_mail_and_the_page_reveals_nothing(
        people: People, uses_postgres, smtp_server) -> None:
    client = Client()
    asked = ask_code(client, "inconnu@exemple.qc.ca")
    assert asked.status_code == 302 and asked["Location"] == "/connexion/code/confirmer/"
    (mail,) = smtp_server.wait_for(1)
    assert mail["Subject"] == "Aucun compte pour ce courriel"
    assert "sur invitation" in text_of(mail)


def test_a_malformed_address_is_refused_in_french_and_kept(people: People, uses_postgres) -> None:
    answer = ask_code(Client(), "marc@")
    assert answer.status_code == 200
    assert "Saisissez une adresse e-mail valide" in page(answer) or "valide" in page(answer)
    assert 'value="marc@"' in page(answer)


def test_code_requests_are_rate_limited_per_address(people: People, uses_postgres,
                                                    smtp_server) -> None:
    answers = [ask_code(Client(), people.member.email) for _ in range(4)]
    assert [answer.status_code for answer in answers] == [302, 302, 302, 200]
    assert "Trop de codes demandés en peu de temps" in page(answers[3])
    assert 'value="marc@exemple.qc.ca"' in page(answers[3])
    assert len(smtp_server.wait_for(3)) == 3
    # From one network address, whatever the account: 20 a minute.
    many = [ask_code(Client(), f"p{n}@exemple.qc.ca").status_code for n in range(17)]
    assert many[:16] == [302] * 16 and many[16] == 200
    assert len(smtp_server.wait_for(19)) == 19


# --- forgotten password ---------------------------------------------------------------------


def ask_reset(client: Client, email: str):  # type: ignore[no-untyped-def]
    return client.post("/mot-de-passe-oublie/", {"email": email})


def test_a_forgotten_password_is_reset_from_the_emailed_link(people: People, uses_postgres,
                                                             smtp_server) -> None:
    token = token_for(people.member)
    elsewhere = client_for(people.member)
    client = Client()
    asked = ask_reset(client, people.member.email)
    assert asked.status_code == 302 and asked["Location"] == "/mot-de-passe-oublie/envoye/"
    (mail,) = smtp_server.wait_for(1)
    assert mail["Subject"] == "Choisir un nouveau mot de passe"
    link = link_in(mail)
    assert link.startswith("/mot-de-passe-oublie/cle/")
    opened = client.get(link)
    assert opened.status_code == 302  # the key moves out of the address into the session
    form = client.get(opened["Location"])
    assert "Choisir un nouveau mot de passe" in page(form)
    done = client.post(opened["Location"], {"password1": NEW_PASSWORD,
                                            "password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/mot-de-passe-oublie/termine/"
    people.member.refresh_from_db()
    assert people.member.check_password(NEW_PASSWORD)
    # Every door the old password opened is shut: other sessions, API tokens.
    assert elsewhere.get("/").status_code == 302
    assert not ApiToken.objects.filter(user=people.member).exists()
    assert Client(headers={"authorization": f"Bearer {token}"}).get(
        "/api/v1/spaces").status_code == 401
    # The old address is told.
    notice = smtp_server.wait_for(2)[1]
    assert notice["Subject"] == "Votre mot de passe a changé"
    signed = Client().post("/connexion/", {"username": people.member.email,
                                           "password": NEW_PASSWORD})
    assert signed.status_code == 302


def test_a_reset_link_works_once(people: People, uses_postgres, smtp_server) -> None:
    ask_reset(Client(), people.member.email)
    link = link_in(smtp_server.wait_for(1)[0])
    first = Client()
    form_url = first.get(link)["Location"]
    first.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    again = Client().get(link, follow=True)
    text = page(again)
    assert "Lien expiré ou déjà utilisé" in text
    assert "Ce lien ne fonctionne plus" in text and 'href="/mot-de-passe-oublie/"' in text


def test_an_expired_reset_link_is_refused_clearly(people: People, uses_postgres, smtp_server,
                                                  settings) -> None:
    ask_reset(Client(), people.member.email)
    link = link_in(smtp_server.wait_for(1)[0])
    settings.PASSWORD_RESET_TIMEOUT = -1
    answer = Client().get(link, follow=True)
    assert "Lien expiré ou déjà utilisé" in page(answer)
    people.member.refresh_from_db()
    assert people.member.check_password(PASSWORD)


def test_a_weak_new_password_is_refused_in_french(people: People, uses_postgres,
                                                 smtp_server) -> None:
    client = Client()
    ask_reset(client, people.member.email)
    form_url = client.get(link_in(smtp_server.wait_for(1)[0]))["Location"]
    weak = client.post(form_url, {"password1": "12345678", "password2": "12345678"})
    assert weak.status_code == 200
    assert "Ce mot de passe est entièrement numérique." in page(weak)
    mismatch = client.post(form_url, {"password1": NEW_PASSWORD, "password2": "autre-chose-9"})
    assert mismatch.status_code == 200 and "form-errors" in page(mismatch)


def test_a_reset_for_an_unknown_address_looks_the_same(people: People, uses_postgres,
                                                       smtp_server) -> None:
    asked = ask_reset(Client(), "personne@exemple.qc.ca")
    assert asked.status_code == 302 and asked["Location"] == "/mot-de-passe-oublie/envoye/"
    (mail,) = smtp_server.wait_for(1)
    assert mail["Subject"] == "Aucun compte pour ce courriel"


def test_reset_requests_are_rate_limited_per_address(people: People, uses_postgres,
                                                     smtp_server) -> None:
    answers = [ask_reset(Client(), people.member.email).status_code for _ in range(6)]
    assert answers[:5] == [302] * 5 and answers[5] == 429


# --- signing in with a password -------------------------------------------------------------


def test_a_wrong_password_is_refused_in_french_and_the_address_kept(people: People,
                                                                   uses_postgres) -> None:
    answer = Client().post("/connexion/", {"username": people.member.email,
                                           "password": "devine"})
    assert answer.status_code == 200
    text = page(answer)
    assert "Courriel ou mot de passe incorrect." in text
    assert f'value="{people.member.email}"' in text


def test_a_session_opened_before_allauth_keeps_working(people: People, uses_postgres) -> None:
    client = Client()
    client.force_login(people.member, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/").status_code == 200


def test_the_sign_in_page_speaks_english(people: People, uses_postgres) -> None:
    client = Client(headers={"accept-language": "en"})
    text = page(client.get("/connexion/"))
    assert 'lang="en"' in text
    assert "Sign in" in text and "Forgot your password?" in text
    assert "Get a code by email" in text
    code_page = page(client.get("/connexion/code/"))
    assert "Get a sign-in code" in code_page


# --- a new address --------------------------------------------------------------------------


def confirmed_identity(client: Client) -> None:
    """Changing the address is a sensitive action: the password is asked again first."""
    answer = client.post("/compte/confirmer-identite/", {"password": PASSWORD})
    assert answer.status_code == 302, page(answer)


def test_changing_my_address_needs_my_password_again(people: People, uses_postgres) -> None:
    client = client_for(people.member)
    asked = client.post("/compte/courriel/", {"email": "marc.m@laval.ca", "action_add": ""})
    assert asked.status_code == 302
    assert asked["Location"].startswith("/compte/confirmer-identite/")
    assert "Confirmer votre identité" in page(client.get(asked["Location"]))
    wrong = client.post("/compte/confirmer-identite/", {"password": "devine"})
    assert "Mot de passe incorrect." in page(wrong)


def test_a_new_address_counts_once_confirmed_and_the_old_one_is_told(
        people: People, uses_postgres, smtp_server) -> None:
    client = client_for(people.member)
    confirmed_identity(client)
    asked = client.post("/compte/courriel/", {"email": "Marc.M@Laval.ca", "action_add": ""})
    assert asked.status_code == 302
    people.member.refresh_from_db()
    assert people.member.email == "marc@exemple.qc.ca"  # nothing changes before the link
    (mail,) = smtp_server.wait_for(1)
    assert mail["To"] == "marc.m@laval.ca"
    assert mail["Subject"] == "Confirmez votre nouveau courriel"
    link = link_in(mail)
    assert "En attente de confirmation" in page(client.get("/compte/courriel/"))
    assert "Confirmez que marc.m@laval.ca est bien votre courriel" in page(client.get(link))
    done = client.post(link)
    assert done.status_code == 302
    people.member.refresh_from_db()
    assert people.member.email == "marc.m@laval.ca"
    told = smtp_server.wait_for(2)[1]
    assert told["To"] == "marc@exemple.qc.ca"
    assert told["Subject"] == "Le courriel de votre compte a changé"
    assert "marc.m@laval.ca" in text_of(told)
    assert Client().post("/connexion/", {"username": "marc.m@laval.ca",
                                         "password": PASSWORD}).status_code == 302


def test_an_address_already_taken_is_refused_in_french_and_kept(people: People,
                                                                uses_postgres) -> None:
    client = client_for(people.member)
    confirmed_identity(client)
    answer = client.post("/compte/courriel/", {"email": people.other_member.email,
                                               "action_add": ""})
    assert answer.status_code == 200
    text = page(answer)
    assert "Ce courriel est déjà celui d'un autre compte." in text
    assert f'value="{people.other_member.email}"' in text


def test_a_dead_confirmation_link_is_explained(people: People, uses_postgres) -> None:
    answer = client_for(people.member).get("/compte/courriel/confirmer/pas-une-cle/")
    assert answer.status_code == 200
    assert "Ce lien de confirmation a expiré ou n'est pas valide." in page(answer)


def test_sign_out_everywhere_ends_every_other_session(people: People, uses_postgres) -> None:
    here, elsewhere = client_for(people.member), client_for(people.member)
    token = token_for(people.member)
    assert here.post("/compte/deconnexion-partout/").status_code == 302
    assert elsewhere.get("/").status_code == 302
    assert here.get("/").status_code == 200
    assert Client(headers={"authorization": f"Bearer {token}"}).get(
        "/api/v1/spaces").status_code == 401
    assert Session.objects.count() == 1


def test_someone_without_a_password_confirms_by_code_then_chooses_one(
        people: People, uses_postgres, smtp_server) -> None:
    people.member.set_unusable_password()
    people.member.save()
    client = client_for(people.member)
    security = page(client.get("/compte/securite/"))
    assert 'href="/compte/mot-de-passe/choisir/"' in security
    assert 'href="/compte/courriel/"' in security
    assert client.get("/compte/mot-de-passe/")["Location"] == "/compte/mot-de-passe/choisir/"
    asked = client.get("/compte/mot-de-passe/choisir/")
    # Choosing a password is sensitive: without one, the identity is confirmed by a code.
    assert asked.status_code == 302
    assert asked["Location"].startswith("/compte/confirmer-identite/code/")
    code_page = page(client.get(asked["Location"]))
    assert "Le code sera envoyé à marc@exemple.qc.ca." in code_page
    sent = client.post(asked["Location"], {"recipient": people.member.email})
    assert sent.status_code == 302, page(sent)
    confirm = sent["Location"]
    assert "Entrer le code reçu" in page(client.get(confirm))
    (mail,) = smtp_server.wait_for(1)
    back = client.post(confirm, {"code": code_in(mail)})
    assert back.status_code == 302 and back["Location"] == "/compte/mot-de-passe/choisir/"
    chosen = client.post(back["Location"], {"password1": NEW_PASSWORD,
                                            "password2": NEW_PASSWORD}, follow=True)
    assert chosen.redirect_chain[-1][0] == "/compte/securite/"
    assert "Votre mot de passe est enregistré." in page(chosen)
    people.member.refresh_from_db()
    assert people.member.check_password(NEW_PASSWORD)


def test_password_changes_are_rate_limited_per_person(people: People, uses_postgres) -> None:
    client = client_for(people.member)
    wrong = {"old_password": "devine", "new_password1": NEW_PASSWORD,
             "new_password2": NEW_PASSWORD}
    answers = [client.post("/compte/mot-de-passe/", wrong).status_code for _ in range(6)]
    assert answers == [200] * 5 + [429]
    assert "Trop de demandes" in page(client.post("/compte/mot-de-passe/", wrong))
    # Someone else is not held back.
    other = client_for(people.other_member)
    assert other.post("/compte/mot-de-passe/", wrong).status_code == 200


def test_identity_confirmations_are_rate_limited_per_person(people: People,
                                                           uses_postgres) -> None:
    client = client_for(people.member)
    answers = [client.post("/compte/confirmer-identite/", {"password": "devine"}).status_code
               for _ in range(11)]
    assert answers[:5] == [200] * 5 and answers[-1] == 429


def test_mail_goes_out_in_the_readers_language(people: People, uses_postgres,
                                               smtp_server) -> None:
    people.member.language = "en"
    people.member.save()
    ask_code(Client(), people.member.email)
    ask_reset(Client(), people.member.email)
    code, reset = smtp_server.wait_for(2)
    assert code["Subject"].startswith("Your sign-in code: ")
    assert "Here is your code to sign in" in text_of(code)
    assert reset["Subject"] == "Choose a new password"
    assert text_of(reset).startswith("Hello,")
    assert code["Content-Language"] == "en"
