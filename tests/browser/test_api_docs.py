"""The API's documentation page works under the site's own Content-Security-Policy: Swagger UI
comes from our static files (the copy django-ninja packages), never from a CDN."""

from __future__ import annotations

import pytest

from tests.browser.conftest import WAIT_MS, new_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_list_the_operations_with_the_policy_unchanged(browser, server):
    page = new_page(browser, server)
    blocked: list[str] = []
    other_origins: list[str] = []
    page.on("console", lambda message: blocked.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.on("request", lambda request: other_origins.append(request.url)
            if not request.url.startswith((server, "data:")) else None)

    response = page.goto("/api/v1/docs")

    assert response is not None and response.status == 200
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    operation = page.locator(".opblock-summary-path", has_text="/api/v1/auth/token")
    operation.first.wait_for(timeout=WAIT_MS)
    assert page.locator(".opblock").count() > 10
    assert page.get_by_text("Espace collaboratif API").first.is_visible()
    assert other_origins == [] and blocked == []
