"""A document's page previews PDFs and images in the browser, from the same sandboxed inline
download; its kind shows as an icon; the technical details (SHA-256, MIME type) are folded."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.clients import client_for
from tests.conftest import People
from tests.docs_store.pages import a_document
from tests.docs_store.samples import CSV, PDF, PNG

pytestmark = pytest.mark.django_db


def _page(people: People, document) -> str:  # type: ignore[no-untyped-def]
    response = client_for(people.member).get(reverse("document", args=["rma", document.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_pdf_is_previewed_in_a_frame_of_its_inline_download(fs_backend, people: People) -> None:
    document = a_document(people, data=PDF, name="plan.pdf", title="Plan des parcs")
    html = _page(people, document)
    download = reverse("document-download", args=["rma", document.pk]) + "?version=1"
    assert re.search(rf'<iframe src="{re.escape(download)}" title="Aperçu du PDF « Plan des '
                     r'parcs »"', html)
    # The frame's content is the download itself: inline, sandboxed, framable by our pages only.
    response = client_for(people.member).get(download)
    assert response["Content-Disposition"].startswith("inline")
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    # The page's own policy lets it frame its origin and nothing else.
    page = client_for(people.member).get(reverse("document", args=["rma", document.pk]))
    assert "frame-src 'self';" in page["Content-Security-Policy"]


def test_an_image_is_previewed_with_its_title_as_text(fs_backend, people: People) -> None:
    document = a_document(people, data=PNG, name="banc.png", title="Banc accessible")
    html = _page(people, document)
    assert '<img src="' + reverse("document-download", args=["rma", document.pk]) in html
    assert 'alt="Aperçu de « Banc accessible »"' in html
    assert "<iframe" not in html


def test_a_file_that_downloads_has_no_preview(fs_backend, people: People) -> None:
    document = a_document(people, data=CSV, name="liste.csv", title="Liste")
    html = _page(people, document)
    assert 'data-preview' not in html
    response = client_for(people.member).get(reverse("document-download",
                                                     args=["rma", document.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Frame-Options"] == "DENY"


def test_technical_details_are_folded_and_the_kind_is_an_icon(fs_backend,
                                                              people: People) -> None:
    document = a_document(people, data=PDF, name="plan.pdf", title="Plan")
    html = _page(people, document)
    details = html.split('<details class="technical">')[1].split("</details>")[0]
    version = document.current_version
    assert version is not None
    assert "SHA-256" in details and version.sha256 in details
    assert "<code>application/pdf</code>" in details
    before = html.split('<details class="technical">')[0]
    assert "SHA-256" not in before and "application/pdf" not in before
    title = html.split('<div class="document-title">')[1].split("</h1>")[0]
    assert '<svg class="file-icon"' in title and ">PDF</text>" in title
    assert 'aria-hidden="true"' in title


def test_with_s3_the_preview_may_come_from_the_bucket(s3_backend, people: People,
                                                      settings) -> None:  # type: ignore[no-untyped-def]
    settings.S3_BUCKET = s3_backend.bucket.name
    document = a_document(people, data=PNG, name="banc.png", title="Banc")
    page = client_for(people.member).get(reverse("document", args=["rma", document.pk]))
    policy = page["Content-Security-Policy"]
    endpoint = s3_backend.bucket.meta.client.meta.endpoint_url
    # The preview's download answers with a presigned redirect to the bucket.
    assert f"img-src 'self' data: {endpoint};" in policy
    assert f"frame-src 'self' {endpoint};" in policy
    download = client_for(people.member).get(reverse("document-download",
                                                     args=["rma", document.pk]))
    assert download.status_code == 302 and download["Location"].startswith(endpoint)
