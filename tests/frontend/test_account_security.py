"""The account security page and the password change page, as a browser without JavaScript
uses them: plain forms, French first, the person's own tokens only."""

from __future__ import annotations

import html
import json
import re

from django.test import Client

from communities.models import ApiToken

PASSWORD = "mot-de-passe-solide-42"


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def token_for(email: str, label: str = "") -> str:
    return Client().post("/api/v1/auth/token",
                         json.dumps({"email": email, "password": PASSWORD, "label": label}),
                         content_type="application/json").json()["token"]


def test_the_pages_need_a_signed_in_person(people):
    for url in ("/compte/securite/", "/compte/mot-de-passe/"):
        answer = Client().get(url)
        assert answer.status_code == 302 and answer["Location"].startswith("/connexion/")
    assert Client().post("/compte/deconnexion-partout/").status_code == 302


def test_the_security_page_lists_my_tokens_and_not_others(people):
    token_for(people.member.email, "Script du rapport")
    token_for(people.member.email)
    token_for(people.other_member.email, "Pas à moi")
    page = browser(people.member).get("/compte/securite/").content.decode()
    assert '<html lang="fr-ca">' in page
    assert "Sécurité du compte" in page
    assert "Script du rapport" in page and "Jeton sans nom" in page
    assert "Pas à moi" not in page
    assert page.count('action="/compte/jetons/') == 2
    assert "jamais" in page  # never used yet
    assert 'action="/compte/deconnexion-partout/"' in page
    assert 'href="/compte/mot-de-passe/"' in page


def test_revoking_from_the_page_ends_the_token(people):
    raw = token_for(people.member.email, "Vieux script")
    token = ApiToken.objects.get(label="Vieux script")
    client = browser(people.member)
    answer = client.post(f"/compte/jetons/{token.pk}/revoquer/", follow=True)
    assert answer.redirect_chain == [("/compte/securite/", 302)]
    page = answer.content.decode()
    assert "Le jeton est révoqué" in page and "Vieux script" not in page
    assert Client(headers={"authorization": f"Bearer {raw}"}).get(
        "/api/v1/spaces").status_code == 401


def test_someone_elses_token_cannot_be_revoked_from_the_page(people):
    raw = token_for(people.other_member.email, "À Noémie")
    token = ApiToken.objects.get(label="À Noémie")
    answer = browser(people.member).post(f"/compte/jetons/{token.pk}/revoquer/", follow=True)
    assert "Ce jeton n'existe pas ou a déjà été révoqué." in html.unescape(
        answer.content.decode())
    assert Client(headers={"authorization": f"Bearer {raw}"}).get(
        "/api/v1/spaces").status_code == 200


def test_revoking_needs_a_post(people):
    token_for(people.member.email, "Script")
    token = ApiToken.objects.get(label="Script")
    assert browser(people.member).get(f"/compte/jetons/{token.pk}/revoquer/").status_code == 405
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_the_password_change_page_is_a_plain_labelled_form(people):
    page = browser(people.member).get("/compte/mot-de-passe/").content.decode()
    assert re.search(r'<form method="post" action="/compte/mot-de-passe/"', page)
    for name in ("old_password", "new_password1", "new_password2"):
        assert re.search(rf'<label for="id_{name}">', page), name
    assert "Ancien mot de passe" in page
    assert "Changer mon mot de passe" in page


def test_a_weak_new_password_is_refused_with_the_reason_in_french(people):
    answer = browser(people.member).post("/compte/mot-de-passe/", {
        "old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"})
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "Ce mot de passe est entièrement numérique." in page
    people.member.refresh_from_db()
    assert people.member.check_password(PASSWORD)


def test_the_password_change_thanks_in_french_and_keeps_me_signed_in(people):
    client = browser(people.member)
    answer = client.post("/compte/mot-de-passe/", {
        "old_password": PASSWORD, "new_password1": "un-tout-nouveau-secret-2027",
        "new_password2": "un-tout-nouveau-secret-2027"}, follow=True)
    assert answer.redirect_chain == [("/compte/securite/", 302)]
    assert "Votre mot de passe est changé." in answer.content.decode()
    assert client.get("/").status_code == 200


def test_the_pages_speak_english_to_an_english_reader(people):
    people.member.language = "en"
    people.member.save()
    client = browser(people.member)
    page = client.get("/compte/securite/").content.decode()
    assert "Account security" in page and "Sign out everywhere else" in page
    assert "Change my password" in client.get("/compte/mot-de-passe/").content.decode()
