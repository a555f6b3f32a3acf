"""A file opened in the browser (PDF, image) runs in a sandbox: whatever it holds, it never
acts as a page of our origin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.clients import client_for
from tests.docs_store.pages import a_document
from tests.docs_store.samples import CSV, PDF, PNG

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("data", "name", "inline"), [
    (PDF, "plan.pdf", True),
    (PNG, "photo.png", True),
    (CSV, "liste.csv", False),
])
def test_every_streamed_download_is_sandboxed(fs_backend, people, data, name, inline):
    document = a_document(people, data=data, name=name)

    response = client_for(people.member).get(
        reverse("document-download", args=["rma", document.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline" if inline else "attachment")
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"

