"""The site can be installed and has an icon: /favicon.ico, the web app manifest and the
icons it names are served with the right types; every page links them; the icon sprite holds
every icon the templates ask for."""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from tests.clients import Personas

ROOT = Path(__file__).resolve().parents[2]


def test_favicon_is_served_at_the_root(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO header


def test_the_manifest_makes_the_site_installable(client: Client) -> None:
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/manifest+json")
    manifest = json.loads(response.content)
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == reverse("my-spaces")
    assert manifest["name"] and manifest["short_name"] == "Espace MUNI"
    assert manifest["theme_color"].startswith("#")
    sizes = {icon["sizes"] for icon in manifest["icons"] if icon["type"] == "image/png"}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        path = icon["src"].removeprefix("/static/")
        assert finders.find(path), icon


def test_every_page_links_its_icons_and_manifest(web: Personas) -> None:
    for client, url in ((web.anonymous, reverse("login")), (web.member, reverse("my-spaces"))):
        html = client.get(url).content.decode()
        assert 'rel="manifest" href="/manifest.webmanifest"' in html
        assert 'rel="icon"' in html and 'rel="apple-touch-icon"' in html
        assert '<meta name="theme-color"' in html


def test_the_sprite_has_every_icon_the_templates_use() -> None:
    sprite = (ROOT / "frontend/static/frontend/icons.svg").read_text()
    defined = set(re.findall(r'<symbol id="i-([a-z-]+)"', sprite))
    used = set()
    for template in (ROOT / "frontend/templates").rglob("*.html"):
        used |= set(re.findall(r'{% icon "([a-z-]+)"', template.read_text()))
    assert used and used <= defined, used - defined
    assert (ROOT / "frontend/icons/LICENSE-lucide.txt").exists()
