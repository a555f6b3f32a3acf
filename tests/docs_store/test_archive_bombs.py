"""Archives that inflate far beyond their size on disk: looking inside one to tell its type
reads a few hundred bytes at most, and an archive compressed beyond any real document's ratio
is refused in French, with memory to spare."""

from __future__ import annotations

import io
import random
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable

import pytest

from communities.errors import ServiceError
from docs_store.models import Document
from docs_store.services import upload_document
from docs_store.sniffing import sniff

pytestmark = pytest.mark.django_db

ODT = b"application/vnd.oasis.opendocument.text"
MIB = 1024 * 1024
#: What sniffing an archive may add to the process's peak, whatever the archive says.
MEMORY_BUDGET = 32 * MIB


def _inflating_odt(*, mebibytes: int) -> bytes:
    """An OpenDocument text whose ``mimetype`` entry is the right type followed by
    ``mebibytes`` MiB of zeros: about 1 KB on disk per MiB inflated, written a chunk at a time
    so the test itself never holds the inflated bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("mimetype", "w", force_zip64=True) as entry:
            entry.write(ODT)
            chunk = bytes(MIB)
            for _ in range(mebibytes):
                entry.write(chunk)
        archive.writestr("content.xml", b"<office:document-content/>")
    return buffer.getvalue()


def _lying_odt(*, mebibytes: int) -> bytes:
    """The same bomb, but its directories declare the ``mimetype`` entry as the 39 bytes of the
    type (with their CRC), so no cap on declared sizes or ratios can see it."""
    data = bytearray(_inflating_odt(mebibytes=mebibytes))
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = archive.getinfo("mimetype")
    crc = zlib.crc32(ODT).to_bytes(4, "little")
    # Local header: CRC at +14; sizes are 0xFFFFFFFF there, the real ones in the zip64 extra.
    header = info.header_offset
    data[header + 14:header + 18] = crc
    extra_at = header + 30 + len(b"mimetype")
    data[extra_at + 4:extra_at + 12] = len(ODT).to_bytes(8, "little")
    # Central directory entry (no zip64 extra under 4 GiB): CRC at +16, size at +24.
    central = bytes(data).index(b"PK\x01\x02")
    data[central + 16:central + 20] = crc
    data[central + 24:central + 28] = len(ODT).to_bytes(4, "little")
    assert zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("mimetype").file_size == len(ODT)
    return bytes(data)


def _peak_growth(action: Callable[[], object]) -> tuple[int, object]:
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before, _peak = tracemalloc.get_traced_memory()
        try:
            outcome: object = action()
        except ServiceError as error:
            outcome = error
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - before, outcome


def test_an_odt_inflating_to_512_mib_is_refused_in_french_within_32_mib(fs_backend, people):
    data = _inflating_odt(mebibytes=512)
    assert len(data) < 600 * 1024

    growth, outcome = _peak_growth(lambda: upload_document(
        actor=people.facilitator, space=people.space, file=io.BytesIO(data),
        file_name="rapport.odt"))

    assert isinstance(outcome, ServiceError)
    assert outcome.code == "zip_ratio"
    assert "compressée" in str(outcome)
    assert growth < MEMORY_BUDGET, f"peak grew by {growth / MIB:.1f} MiB"
    assert not Document.objects.exists()
    assert fs_backend.keys() == []


def test_an_entry_lying_about_its_size_is_read_only_a_few_hundred_bytes_deep():
    data = _lying_odt(mebibytes=256)

    growth, outcome = _peak_growth(lambda: sniff(file=io.BytesIO(data), name="rapport.odt"))

    assert outcome == "application/vnd.oasis.opendocument.text"
    assert growth < MEMORY_BUDGET, f"peak grew by {growth / MIB:.1f} MiB"


def test_a_real_sized_document_compressing_well_is_still_accepted():
    words = ["accessibilité", "trottoir", "municipalité", "rencontre", "Québec", "rampe",
             "<text:p>", "</text:p>", "bordure", "signalisation"]
    chooser = random.Random(11)
    content = " ".join(chooser.choice(words) for _ in range(600_000)).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", ODT, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", content)

    assert sniff(file=buffer, name="notes.odt") == "application/vnd.oasis.opendocument.text"
