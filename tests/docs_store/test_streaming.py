"""A large upload is streamed: memory stays far below the file's size."""

from __future__ import annotations

import hashlib
import tracemalloc

import pytest

from docs_store.services import upload_document
from tests.docs_store.samples import PDF
from tests.docs_store.state import current

pytestmark = pytest.mark.django_db

SIZE = 50 * 1024 * 1024
S3_SIZE = 60 * 1024 * 1024
MB = 1024 * 1024


def _big_file(path, size: int) -> str:
    digest = hashlib.sha256()
    with path.open("wb") as out:
        block = PDF + bytes(range(256)) * 4096
        written = 0
        while written < size:
            piece = block[: size - written]
            out.write(piece)
            digest.update(piece)
            written += len(piece)
    return digest.hexdigest()


def test_50_mb_upload_peaks_under_16_mb(fs_backend, people, tmp_path):
    source = tmp_path / "gros.pdf"
    sha256 = _big_file(source, SIZE)
    with source.open("rb") as file:
        tracemalloc.start()
        try:
            document = upload_document(actor=people.facilitator, space=people.space, file=file,
                                       file_name="gros.pdf")
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert current(document).size == SIZE
    assert current(document).sha256 == sha256
    print(f"peak {peak / MB:.2f} MB")
    assert peak < 16 * MB, peak


def _rss() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def test_60_mb_upload_to_s3_grows_memory_under_32_mb(s3_backend, people, tmp_path):
    """Multipart in 8 MB parts sent in turn: tracemalloc sees every Python allocation (in any
    thread). RSS is printed for the record only: the allocator keeps freed pages, so it is
    noisy. The file system case is the test above."""
    backend = s3_backend
    source = tmp_path / "gros.pdf"
    sha256 = _big_file(source, S3_SIZE)
    rss_before = _rss()
    with source.open("rb") as file:
        tracemalloc.start()
        try:
            start, _peak = tracemalloc.get_traced_memory()
            document = upload_document(actor=people.facilitator, space=people.space, file=file,
                                       file_name="gros.pdf")
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    rss_growth = _rss() - rss_before
    version = current(document)
    assert version.size == S3_SIZE
    assert version.sha256 == sha256
    stored = backend.bucket.Object(version.storage_key)
    assert stored.content_length == S3_SIZE
    assert stored.e_tag.strip('"').endswith("-8")  # 60 MB in 8 MB parts: multipart
    print(f"s3 traced peak {(peak - start) / MB:.2f} MB, rss growth {rss_growth / MB:.2f} MB")
    assert peak - start < 32 * MB, peak
