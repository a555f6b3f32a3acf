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


def test_50_mb_upload_peaks_under_16_mb(fs_backend, people, tmp_path):
    source = tmp_path / "gros.pdf"
    digest = hashlib.sha256()
    with source.open("wb") as out:
        block = PDF + bytes(range(256)) * 4096
        written = 0
        while written < SIZE:
            piece = block[: SIZE - written]
            out.write(piece)
            digest.update(piece)
            written += len(piece)
    with source.open("rb") as file:
        tracemalloc.start()
        try:
            document = upload_document(actor=people.facilitator, space=people.space, file=file,
                                       file_name="gros.pdf")
            _current, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert current(document).size == SIZE
    assert current(document).sha256 == digest.hexdigest()
    print(f"peak {peak / 1024 / 1024:.2f} MB")
    assert peak < 16 * 1024 * 1024, peak
