"""Profile photos: sniffed from their bytes, re-encoded as a square JPEG without metadata,
stored through the default storage (here the tests' S3 server), replaced without leftovers;
non-images and decompression bombs refused in French, within bounded memory."""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.test import TestCase
from PIL import Image

from communities import photos
from communities.errors import ServiceError
from communities.models import User
from communities.services.profiles import remove_photo, set_photo
from tests.conftest import People
from tests.docs_store.conftest import Backend, moto_endpoint, s3_backend  # noqa: F401

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def photo_with_gps(size: tuple[int, int] = (1200, 800), fmt: str = "JPEG") -> bytes:
    """A camera-like photo carrying EXIF: camera model and a GPS position."""
    image = Image.new("RGB", size, (200, 40, 40))
    exif = Image.Exif()
    exif[0x0110] = "Appareil-Secret 3000"  # Model
    exif[0x8825] = {1: "N", 2: (46.0, 48.0, 0.0), 3: "W", 4: (71.0, 13.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, format=fmt, exif=exif)
    return out.getvalue()


def png_bomb(side: int) -> bytes:
    """A real decompression bomb: a valid greyscale PNG of ``side`` × ``side`` pixels whose
    zero bytes compress about 1000:1. Built row by row, so making it takes no memory."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    compressor = zlib.compressobj(9)
    row = b"\x00" * (side + 1)
    body = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body)
            + chunk(b"IEND", b""))


def test_a_photo_is_reencoded_square_without_any_metadata() -> None:
    jpeg = photos.reencode(io.BytesIO(photo_with_gps()))
    image = Image.open(io.BytesIO(jpeg))
    assert image.format == "JPEG" and image.size == (photos.SIDE, photos.SIDE)
    assert not image.getexif()
    assert b"Appareil-Secret" not in jpeg and b"Exif" not in jpeg
    assert "icc_profile" not in image.info


@pytest.mark.parametrize("fmt", ["PNG", "GIF", "WEBP"])
def test_other_image_formats_become_the_same_clean_jpeg(fmt: str) -> None:
    image = Image.new("RGBA" if fmt != "GIF" else "P", (300, 500))
    out = io.BytesIO()
    image.save(out, format=fmt)
    jpeg = photos.reencode(io.BytesIO(out.getvalue()))
    assert Image.open(io.BytesIO(jpeg)).size == (photos.SIDE, photos.SIDE)


@pytest.mark.parametrize("data", [
    b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF",
    b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
    b"\x89PNG\r\n\x1a\n" + b"truncated",
    b"",
    b"GIF89a" + b"\x00" * 20,
])
def test_what_is_not_an_image_is_refused_in_french(data: bytes) -> None:
    with pytest.raises(ServiceError) as refused:
        photos.reencode(io.BytesIO(data))
    assert refused.value.code == "photo_not_image"
    assert "n'est pas une image reconnue" in str(refused.value)


def test_a_decompression_bomb_is_refused_from_its_header() -> None:
    bomb = png_bomb(30_000)  # 900 million pixels in under a megabyte
    assert len(bomb) < 1_500_000
    with pytest.raises(ServiceError) as refused:
        photos.reencode(io.BytesIO(bomb))
    assert refused.value.code == "photo_too_many_pixels"
    assert "trop de pixels" in str(refused.value)


def test_an_image_just_above_the_pixel_limit_is_refused_too() -> None:
    with pytest.raises(ServiceError) as refused:
        photos.reencode(io.BytesIO(png_bomb(6000)))  # 36 million pixels
    assert refused.value.code == "photo_too_many_pixels"


def test_refusing_a_bomb_takes_bounded_memory(tmp_path: Path) -> None:
    """Measured in a process of its own: decoding this bomb would need 900 MB."""
    path = tmp_path / "bomb.png"
    path.write_bytes(png_bomb(30_000))
    script = (
        "import django, io, resource; django.setup()\n"
        "from communities import photos\n"
        "from communities.errors import ServiceError\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        f"data = open({str(path)!r}, 'rb')\n"
        "try:\n    photos.reencode(data)\nexcept ServiceError as error:\n    print(error.code)\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=120, check=True)
    code, grown_kib = done.stdout.split()
    assert code == "photo_too_many_pixels"
    assert int(grown_kib) < 20 * 1024, f"peak memory grew by {grown_kib} KiB"


def test_a_file_above_the_size_limit_is_refused_unread() -> None:
    with pytest.raises(ServiceError) as refused:
        photos.reencode(io.BytesIO(b""), size=photos.MAX_BYTES + 1)
    assert refused.value.code == "photo_too_large" and refused.value.status == 413


def test_photos_live_in_s3_and_a_replaced_one_is_deleted(people: People,
                                                         s3_backend: Backend) -> None:  # noqa: F811 (fixture imported above)
    member = people.member
    with TestCase.captureOnCommitCallbacks(execute=True):
        set_photo(actor=member, user=member, upload=io.BytesIO(photo_with_gps()))
    first = User.objects.get(pk=member.pk).photo
    assert s3_backend.keys() == [first] and first.startswith(f"photos/{member.pk}/")
    with default_storage.open(first, "rb") as stored:
        assert b"Appareil-Secret" not in stored.read()
    with TestCase.captureOnCommitCallbacks(execute=True):
        set_photo(actor=member, user=member, upload=io.BytesIO(photo_with_gps((600, 900))))
    second = User.objects.get(pk=member.pk).photo
    assert second != first and s3_backend.keys() == [second]
    with TestCase.captureOnCommitCallbacks(execute=True):
        remove_photo(actor=member, user=member)
    assert User.objects.get(pk=member.pk).photo == "" and s3_backend.keys() == []


def test_a_refused_photo_stores_nothing_and_keeps_the_old_one(people: People,
                                                              s3_backend: Backend) -> None:  # noqa: F811 (fixture imported above)
    member = people.member
    with TestCase.captureOnCommitCallbacks(execute=True):
        set_photo(actor=member, user=member, upload=io.BytesIO(photo_with_gps()))
    kept = User.objects.get(pk=member.pk).photo
    with pytest.raises(ServiceError):
        set_photo(actor=member, user=member, upload=io.BytesIO(png_bomb(6000)))
    assert User.objects.get(pk=member.pk).photo == kept and s3_backend.keys() == [kept]
