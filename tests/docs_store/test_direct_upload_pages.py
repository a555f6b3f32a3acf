"""The upload forms' direct path to S3, through Django's test client: without a bucket the
pages offer no direct upload (and the page endpoint says to use the form); with one, the
forms say where to ask, the page's CSP lets the browser reach the bucket, and a session with
its CSRF token gets an offer, sends the file to moto and finishes it as the plain form would.
The same in real Chromium: tests/browser/test_direct_upload.py."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from django.test import Client
from django.urls import reverse

from docs_store.models import Document, PendingUpload
from tests.conftest import People
from tests.docs_store.pages import a_document, upload_page
from tests.docs_store.samples import PDF

pytestmark = pytest.mark.django_db


def _csrf_client(people: People) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True, headers={"x-requested-with": "fetch"})
    client.force_login(people.facilitator)
    client.get(reverse("document-upload", args=["rma"]))
    return client, client.cookies["csrftoken"].value


def test_without_s3_the_pages_offer_no_direct_upload(fs_backend, people: People,
                                                     settings: Any) -> None:
    settings.S3_BUCKET = ""
    client, token = _csrf_client(people)
    upload = client.get(reverse("document-upload", args=["rma"]))
    document = a_document(people)
    version = client.get(reverse("document", args=["rma", document.pk]))
    for page in (upload, version):
        assert b"data-upload-form" in page.content
        assert b"data-direct-start" not in page.content
        assert "connect-src 'self' ws://testserver wss://testserver;" in page[
            "Content-Security-Policy"]
    # Asked anyway, the page endpoint refuses in French and keeps nothing.
    answer = client.post(reverse("document-direct-start", args=["rma"]),
                         {"csrfmiddlewaretoken": token, "file_name": "plan.pdf", "size": 10})
    assert answer.status_code == 501
    assert "formulaire habituel" in answer.json()["message"]
    assert not PendingUpload.objects.exists()
    # The plain form still uploads through the app.
    plain = upload_page(client, "rma", csrfmiddlewaretoken=token)
    assert plain.status_code == 200 and "redirect" in plain.json()
    assert Document.objects.filter(title="plan").exists()


def test_with_s3_a_session_uploads_straight_to_the_bucket(s3_backend, people: People,
                                                          settings: Any) -> None:
    settings.S3_BUCKET = s3_backend.bucket.name
    client, token = _csrf_client(people)
    page = client.get(reverse("document-upload", args=["rma"]))
    start = reverse("document-direct-start", args=["rma"])
    assert f'data-direct-start="{start}"'.encode() in page.content
    endpoint = s3_backend.bucket.meta.client.meta.endpoint_url
    assert f"connect-src 'self' ws://testserver wss://testserver {endpoint}" in page[
        "Content-Security-Policy"]

    # Without the CSRF token a cross-site page cannot get an offer.
    assert client.post(start, {"file_name": "plan.pdf", "size": len(PDF)}).status_code == 403
    too_big = client.post(start, {"csrfmiddlewaretoken": token, "file_name": "plan.pdf",
                                  "size": 10**12, "title": "Plan"})
    assert too_big.status_code == 413
    assert list(too_big.json()["errors"]) == ["file"]

    offer = client.post(start, {"csrfmiddlewaretoken": token, "file_name": "plan.pdf",
                                "size": len(PDF), "title": "Plan d'action",
                                "description": "Pour 2027"})
    assert offer.status_code == 201, offer.content
    made = offer.json()
    sent = requests.post(made["url"], data=made["fields"], files={"file": ("x", PDF)},
                         timeout=30)
    assert sent.status_code == 204
    assert not Document.objects.exists()  # nothing visible before the finish call
    assert client.post(made["finish"]).status_code == 403  # no CSRF token
    finished = client.post(made["finish"], {"csrfmiddlewaretoken": token})
    assert finished.status_code == 200, finished.content
    assert finished.json() == {"redirect": reverse("documents", args=["rma"])}
    document = Document.objects.get()
    assert (document.title, document.description) == ("Plan d'action", "Pour 2027")
    assert document.current_version is not None
    assert document.current_version.size == len(PDF)

    # A new version takes the same path from the document's page.
    page = client.get(reverse("document", args=["rma", document.pk]))
    start = reverse("document-direct-version", args=["rma", document.pk])
    assert f'data-direct-start="{start}"'.encode() in page.content
    made = client.post(start, {"csrfmiddlewaretoken": token, "file_name": "plan-v2.pdf",
                               "size": len(PDF)}).json()
    requests.post(made["url"], data=made["fields"], files={"file": ("x", PDF)}, timeout=30)
    finished = client.post(made["finish"], {"csrfmiddlewaretoken": token})
    assert finished.json() == {"redirect": reverse("document", args=["rma", document.pk])}
    document.refresh_from_db()
    assert document.current_version is not None and document.current_version.number == 2

    # An offer given up (the bucket refused the file) leaves nothing behind.
    made = client.post(reverse("document-direct-start", args=["rma"]), {
        "csrfmiddlewaretoken": token, "file_name": "x.pdf", "size": 5}).json()
    assert client.post(made["abandon"], {"csrfmiddlewaretoken": token}).status_code == 204
    assert not PendingUpload.objects.exists()
