"""With documents in S3, the upload form in Chromium sends the file straight to the bucket:
the app only hands out the presigned POST and checks the object after, so the file's bytes
never reach it (counted by relays in front of the app and of moto). The bucket gets the CORS
rule operations must give it (the site's origin may POST); moto's preflight follows it
(another origin is refused), though moto's own permissive CORS still answers the POST itself,
which its form-upload handler leaves bare. A refusal is explained in French with what was
typed kept; at 390 px the pages do not scroll sideways, and axe-core finds nothing."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.urls import reverse

from communities.models import User
from docs_store.models import Document, PendingUpload, SpaceDocumentSettings
from tests.browser.conftest import PASSWORD, WAIT_MS, assert_accessible, new_page, sign_in
from tests.browser.counting_proxy import CountingProxy, counting_proxy
from tests.conftest import People
from tests.docs_store.samples import PDF
from tests.servers import free_port, running_server, wait_for_port

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REGION = "ca-central-1"
KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
BIG_PDF = PDF + b"%" + b"0" * (3 * 1024 * 1024)
PHONE = {"width": 390, "height": 844}
NO_SIDEWAYS_SCROLL = "() => document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def moto_s3() -> Iterator[CountingProxy]:
    """A moto S3 server of this test's own (its bucket's CORS rule is the only one), reached
    through a relay that counts what is sent to it."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, process)  # type: ignore[arg-type]
        with counting_proxy(port) as proxy:
            yield proxy
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def bucket(moto_s3: CountingProxy) -> Any:
    s3 = boto3.resource("s3", endpoint_url=moto_s3.url, region_name=REGION, **KEYS)
    return s3.create_bucket(Bucket=f"docs-{uuid.uuid4().hex[:12]}",
                            CreateBucketConfiguration={"LocationConstraint": REGION})


@pytest.fixture
def app(people: People, browser_ready: None, bucket: Any, moto_s3: CountingProxy,
        tmp_path: Path) -> Iterator[CountingProxy]:
    """The app with its documents in the bucket, reached through a relay that counts what
    the browser sends it."""
    hasher = PBKDF2PasswordHasher()
    User.objects.update(password=hasher.encode(PASSWORD, hasher.salt(), iterations=1000))
    with running_server(redis_url=os.environ.get("REDIS_URL") or None, extra_env={
            "DATA_DIR": str(tmp_path), "S3_BUCKET": bucket.name, "S3_ENDPOINT_URL": moto_s3.url,
            "S3_REGION": REGION, "S3_ACCESS_KEY_ID": KEYS["aws_access_key_id"],
            "S3_SECRET_ACCESS_KEY": KEYS["aws_secret_access_key"]}) as process, \
            counting_proxy(process.port) as proxy:
        # What operations must do once per bucket: let the site's pages POST files to it.
        bucket.meta.client.put_bucket_cors(Bucket=bucket.name, CORSConfiguration={
            "CORSRules": [{"AllowedOrigins": [proxy.url], "AllowedMethods": ["POST"],
                           "AllowedHeaders": ["*"], "MaxAgeSeconds": 3600}]})
        preflight = {"Access-Control-Request-Method": "POST"}
        bucket_url = f"{moto_s3.url}/{bucket.name}"
        assert requests.options(bucket_url, headers={**preflight, "Origin": proxy.url},
                                timeout=10).ok
        assert requests.options(bucket_url, headers={**preflight, "Origin": "http://ailleurs"},
                                timeout=10).status_code == 403
        yield proxy


@pytest.fixture
def server(app: CountingProxy) -> str:
    return app.url


def test_the_upload_form_sends_the_file_straight_to_s3(
        people: People, server: str, app: CountingProxy, browser, bucket: Any,
        moto_s3: CountingProxy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page = new_page(browser, server, viewport=PHONE)
    sign_in(page, people.facilitator.email)
    page.goto(reverse("document-upload", args=["rma"]))
    assert page.locator("[data-upload-form][data-direct-start]").count() == 1
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert_accessible(page, "upload page with direct upload")

    big = tmp_path / "plan-action.pdf"
    big.write_bytes(BIG_PDF)
    page.get_by_label(re.compile(r"^Fichier")).set_input_files(str(big))
    page.get_by_label("Titre").fill("Plan d'action 2026")
    to_app, to_bucket = app.sent, moto_s3.sent
    page.get_by_role("button", name="Déposer le document").click()
    expect(page.locator(".flash")).to_contain_text("« Plan d'action 2026 » est déposé.",
                                                   timeout=WAIT_MS)
    to_app, to_bucket = app.sent - to_app, moto_s3.sent - to_bucket

    # (a) The document exists, and the bucket holds exactly the file's bytes.
    version = Document.objects.get(title="Plan d'action 2026").current_version
    assert version is not None and version.size == len(BIG_PDF)
    stored = bucket.meta.client.get_object(Bucket=bucket.name, Key=version.storage_key)
    assert stored["Body"].read() == BIG_PDF
    # (b) The file's bytes went to the bucket; the app got the offer and finish calls and
    # the page after, a few kilobytes.
    assert to_bucket > len(BIG_PDF)
    assert to_app < 64 * 1024, to_app
    # (c) The page it lands on fits a phone and is accessible.
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert_accessible(page, "folder after a direct upload")

    # A new version from the document's page takes the same path.
    document = Document.objects.get(title="Plan d'action 2026")
    page.goto(reverse("document", args=["rma", document.pk]))
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert_accessible(page, "document page with direct upload")
    second = tmp_path / "plan-action-v2.pdf"
    second.write_bytes(BIG_PDF + b"\n% v2")
    to_app, to_bucket = app.sent, moto_s3.sent
    page.get_by_label("Fichier de la nouvelle version").set_input_files(str(second))
    page.get_by_role("button", name="Déposer la version").click()
    expect(page.locator(".flash")).to_contain_text("La version 2 est déposée.", timeout=WAIT_MS)
    assert moto_s3.sent - to_bucket > len(BIG_PDF) and app.sent - to_app < 64 * 1024
    document.refresh_from_db()
    assert document.current_version is not None and document.current_version.number == 2
    stored = bucket.meta.client.get_object(Bucket=bucket.name,
                                           Key=document.current_version.storage_key)
    assert stored["Body"].read() == BIG_PDF + b"\n% v2"


def test_a_refused_direct_upload_is_explained_and_keeps_what_was_typed(
        people: People, server: str, browser, bucket: Any,
        tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    SpaceDocumentSettings.objects.create(space=people.space, max_upload_bytes=1_000_000)
    page = new_page(browser, server, viewport=PHONE)
    sign_in(page, people.facilitator.email)
    page.goto(reverse("document-upload", args=["rma"]))
    big = tmp_path / "plan-action.pdf"
    big.write_bytes(BIG_PDF)
    page.get_by_label(re.compile(r"^Fichier")).set_input_files(str(big))
    page.get_by_label("Titre").fill("Plan d'action 2026")
    page.get_by_label("Description").fill("Adopté en assemblée")
    page.get_by_role("button", name="Déposer le document").click()
    alert = page.locator("[data-upload-form] [role=alert]")
    expect(alert).to_contain_text("Mo", timeout=WAIT_MS)
    expect(page.get_by_label("Titre")).to_have_value("Plan d'action 2026")
    expect(page.get_by_label("Description")).to_have_value("Adopté en assemblée")
    expect(page.get_by_label(re.compile(r"^Fichier"))).to_be_focused()
    assert not Document.objects.exists() and not PendingUpload.objects.exists()
    assert list(bucket.objects.all()) == []
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert_accessible(page, "refused direct upload")
