"""Single sign-on is configured from the environment alone: nothing set, no provider and no
button; a provider described in OIDC_PROVIDERS becomes allauth's app; a malformed value stops
the process with a message naming the variable."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from collab.sso import sso_apps

ENTRA = {"id": "laval", "name": "Ville de Laval", "client_id": "abc", "secret": "s3cret",
         "server_url": "https://login.microsoftonline.com/tenant/v2.0",
         "trusted_email_domains": ["@Laval.ca"]}


def test_nothing_set_means_no_single_sign_on() -> None:
    assert sso_apps("") == [] and sso_apps("  ") == []


def test_a_provider_becomes_allauths_app() -> None:
    (app,) = sso_apps(json.dumps([ENTRA]))
    assert app["provider_id"] == "laval" and app["name"] == "Ville de Laval"
    assert app["client_id"] == "abc" and app["secret"] == "s3cret"
    assert app["settings"]["server_url"] == ENTRA["server_url"]
    assert app["settings"]["verified_email"] == ["laval.ca"]


@pytest.mark.parametrize("raw, words", [
    ("{not json", "JSON illisible"),
    (json.dumps({"id": "x"}), "une liste"),
    (json.dumps([{**ENTRA, "secret": ""}]), "secret"),
    (json.dumps([{**ENTRA, "id": "Pas Bon"}]), "id « Pas Bon »"),
    (json.dumps([ENTRA, ENTRA]), "unique"),
    (json.dumps([{**ENTRA, "server_url": "http://idp.example.org"}]), "https://"),
    (json.dumps([{**ENTRA, "trusted_email_domains": "laval.ca"}]), "trusted_email_domains"),
])
def test_a_malformed_value_names_the_variable(raw: str, words: str) -> None:
    with pytest.raises(ImproperlyConfigured) as refused:
        sso_apps(raw)
    assert "OIDC_PROVIDERS" in str(refused.value) and words in str(refused.value)


@pytest.mark.django_db
def test_without_providers_the_sign_in_page_offers_none() -> None:
    text = Client().get("/connexion/").content.decode()
    assert "Continuer avec" not in text and "/oidc/" not in text
