"""Single sign-on providers read from the environment: ``OIDC_PROVIDERS`` (or
``OIDC_PROVIDERS_FILE``, the secrets being in it) is a JSON list, one object per provider::

    [{"id": "entra", "name": "Microsoft 365 (Ville de Laval)",
      "server_url": "https://login.microsoftonline.com/<tenant>/v2.0",
      "client_id": "…", "secret": "…",
      "trusted_email_domains": ["laval.ca"]}]

``server_url`` is the issuer (its ``/.well-known/openid-configuration`` is read). An address
counts as verified when the provider says so (``email_verified``, as Google Workspace does)
or when it is on one of ``trusted_email_domains``: Microsoft Entra ID sends no
``email_verified``, and a tenant's own domains are verified by Microsoft before use. Optional:
``token_auth_method`` ("client_secret_basic" or "client_secret_post"), ``pkce`` (true).
Empty or unset: no single sign-on, and the sign-in page shows no provider.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.core.exceptions import ImproperlyConfigured

_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
_REQUIRED = ("id", "name", "server_url", "client_id", "secret")


def _refuse(reason: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"OIDC_PROVIDERS invalide : {reason} / Invalid OIDC_PROVIDERS.")


def sso_apps(raw: str) -> list[dict[str, Any]]:
    """allauth's ``APPS`` for its openid_connect provider, from the variable's JSON."""
    if not raw.strip():
        return []
    try:
        entries = json.loads(raw)
    except ValueError as error:
        raise _refuse(f"JSON illisible ({error})") from None
    if not isinstance(entries, list):
        raise _refuse("une liste d'objets est attendue")
    apps: list[dict[str, Any]] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise _refuse(f"l'élément {number} n'est pas un objet")
        missing = [key for key in _REQUIRED if not str(entry.get(key) or "").strip()]
        if missing:
            raise _refuse(f"l'élément {number} n'a pas {', '.join(missing)}")
        provider_id = str(entry["id"])
        if not _ID.fullmatch(provider_id) or provider_id in seen:
            raise _refuse(f"id « {provider_id} » : lettres minuscules, chiffres et tirets, "
                          "unique")
        seen.add(provider_id)
        server_url = str(entry["server_url"])
        if not server_url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
            raise _refuse(f"server_url de « {provider_id} » doit être en https://")
        domains = entry.get("trusted_email_domains", [])
        if not isinstance(domains, list) or not all(isinstance(d, str) for d in domains):
            raise _refuse(f"trusted_email_domains de « {provider_id} » : liste de domaines")
        app_settings: dict[str, Any] = {
            "server_url": server_url,
            # allauth counts an address on one of these domains as verified by the provider.
            "verified_email": [d.strip().lower().lstrip("@") for d in domains],
            "oauth_pkce_enabled": bool(entry.get("pkce", False)),
        }
        if entry.get("token_auth_method"):
            app_settings["token_auth_method"] = str(entry["token_auth_method"])
        apps.append({"provider_id": provider_id, "name": str(entry["name"]),
                     "client_id": str(entry["client_id"]), "secret": str(entry["secret"]),
                     "settings": app_settings})
    return apps
