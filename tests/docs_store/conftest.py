"""Storage backends for document tests: the file system under tmp_path, and django-storages'
S3 backend talking to moto's standalone S3 server on loopback, started once per session."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from collab.settings import S3_READ_MAX_MEMORY_BYTES, s3_transfer_config
from tests.servers import free_port, wait_for_port

REGION = "ca-central-1"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


@pytest.fixture(autouse=True)
def _french() -> Iterator[None]:
    """Refusals are asserted in French: a page rendered for an English reader in an earlier
    test leaves English active in the thread."""
    from django.utils import translation

    with translation.override("fr-ca"):
        yield


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, process)  # type: ignore[arg-type]
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@dataclass
class Backend:
    kind: str
    root: Path | None = None
    bucket: Any = None

    def keys(self) -> list[str]:
        """Every object the storage holds, to prove nothing was left behind."""
        if self.kind == "fs":
            assert self.root is not None
            return sorted(str(p.relative_to(self.root)) for p in self.root.rglob("*")
                          if p.is_file())
        return sorted(obj.key for obj in self.bucket.objects.all())


@pytest.fixture(params=["fs", "s3"])
def backend(request: pytest.FixtureRequest, settings: Any, tmp_path: Path) -> Backend:
    if request.param == "fs":
        return _use_fs(settings, tmp_path)
    return _use_s3(settings, request.getfixturevalue("moto_endpoint"))


@pytest.fixture
def s3_backend(settings: Any, moto_endpoint: str) -> Backend:
    return _use_s3(settings, moto_endpoint)


def _use_fs(settings: Any, tmp_path: Path) -> Backend:
    root = tmp_path / "media"
    root.mkdir()
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(root)}}}
    return Backend(kind="fs", root=root)


def _use_s3(settings: Any, endpoint: str) -> Backend:
    name = f"docs-{uuid.uuid4().hex[:12]}"
    s3 = boto3.resource("s3", endpoint_url=endpoint, region_name=REGION, **CREDENTIALS)
    bucket = s3.create_bucket(Bucket=name,
                              CreateBucketConfiguration={"LocationConstraint": REGION})
    # Exactly the production options of collab/settings.py, pointed at moto.
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": name, "region_name": REGION, "endpoint_url": endpoint,
            "access_key": CREDENTIALS["aws_access_key_id"],
            "secret_key": CREDENTIALS["aws_secret_access_key"],
            "default_acl": None, "querystring_auth": True, "querystring_expire": 300,
            "file_overwrite": False,
            "transfer_config": s3_transfer_config(),
            "max_memory_size": S3_READ_MAX_MEMORY_BYTES,
        }}}
    return Backend(kind="s3", bucket=bucket)


@pytest.fixture
def fs_backend(settings: Any, tmp_path: Path) -> Backend:
    return _use_fs(settings, tmp_path)


from tests.clamd import antivirus, clamd, small_clamd  # noqa: E402, F401  (a real clamd, for the antivirus tests)
