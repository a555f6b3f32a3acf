"""Profile photos: whatever was uploaded is read by Pillow from its bytes (never its name or
declared type), checked for its dimensions before a single pixel is decoded, then re-encoded
as a square JPEG of ``SIDE`` pixels. The new file is built from pixels only, so no metadata
(EXIF with GPS position, camera, ICC, comments) survives.

Memory stays bounded whatever the upload says: a file above ``MAX_BYTES`` is refused unread,
an image whose header announces more than ``MAX_PIXELS`` (a decompression bomb: a few hundred
kilobytes of PNG announcing gigapixels) is refused from its header, and JPEG is decoded at a
reduced scale (``draft``) close to the size kept."""

from __future__ import annotations

import io
import secrets
import warnings
from typing import IO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from communities.errors import ServiceError
from communities.models import User

MAX_BYTES = 8 * 1024 * 1024
#: 25 megapixels covers every phone camera's default (12-24 MP); decoded as RGBA that is at
#: most 100 MB, once, for the duration of the request.
MAX_PIXELS = 25_000_000
SIDE = 512
QUALITY = 85
#: The formats Pillow may even try: those that browsers and phones produce.
FORMATS = ("JPEG", "PNG", "GIF", "WEBP")
FOLDER = "photos"

# Pillow's own guard, for any other code path that opens an image: it raises above twice this.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


def _not_an_image() -> ServiceError:
    return ServiceError("photo_not_image", _(
        "Ce fichier n'est pas une image reconnue. Choisissez une photo JPEG, PNG, GIF ou WebP."))


def _too_many_pixels() -> ServiceError:
    return ServiceError("photo_too_many_pixels", _(
        "Cette image compte trop de pixels pour une photo de profil (au plus %(max)s millions) : "
        "c'est peut-être une « bombe de décompression ». Choisissez une image plus petite.")
        % {"max": MAX_PIXELS // 1_000_000})


def reencode(stream: IO[bytes], *, size: int | None = None) -> bytes:
    """The photo as a clean square JPEG, or a ServiceError with a French message."""
    if size is not None and size > MAX_BYTES:
        raise ServiceError("photo_too_large", _(
            "Cette photo pèse plus de %(max)s Mo. Choisissez une image plus légère.")
            % {"max": MAX_BYTES // (1024 * 1024)}, status=413)
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ServiceError("photo_too_large", _(
            "Cette photo pèse plus de %(max)s Mo. Choisissez une image plus légère.")
            % {"max": MAX_BYTES // (1024 * 1024)}, status=413)
    if not data:
        raise _not_an_image()
    try:
        # open() reads the header only: the dimensions are known before any decoding. Pillow
        # warns between our limit and twice it; the check below answers instead.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=FORMATS)
        with image:
            width, height = image.size
            if width < 1 or height < 1:
                raise _not_an_image()
            if width * height > MAX_PIXELS:
                raise _too_many_pixels()
            if image.format == "JPEG":
                image.draft("RGB", (SIDE * 2, SIDE * 2))
            image.seek(0)  # an animated GIF or WebP: its first frame
            image.load()
            upright = ImageOps.exif_transpose(image)
            return _square_jpeg(upright)
    except ServiceError:
        raise
    except Image.DecompressionBombError as error:  # Pillow's own check, far above ours
        raise _too_many_pixels() from error
    except (UnidentifiedImageError, OSError, SyntaxError,
            ValueError, EOFError) as error:
        raise _not_an_image() from error


def _square_jpeg(image: Image.Image) -> bytes:
    if image.mode in {"RGBA", "LA", "P", "PA"}:
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
    else:
        flat = image.convert("RGB")
    fitted = ImageOps.fit(flat, (SIDE, SIDE), method=Image.Resampling.LANCZOS)
    # A new image from the pixels alone: nothing of the original's info dict can follow.
    clean = Image.new("RGB", fitted.size)
    clean.paste(fitted)
    out = io.BytesIO()
    clean.save(out, format="JPEG", quality=QUALITY, optimize=True, progressive=True)
    return out.getvalue()


def photo_token(name: str) -> str:
    """The random part of a stored photo's name: what its address carries."""
    return name.rsplit("/", 1)[-1].removesuffix(".jpg")


def photo_path(person: User) -> str:
    """The photo's address (served by the profile pages, same rules as the profile), or ""
    when the person has none. A new photo is a new address, so caches never show an old one."""
    if not person.photo:
        return ""
    return reverse("profile-photo", args=[person.pk, photo_token(person.photo)])


def store(*, user_id: int, jpeg: bytes) -> str:
    """Write the re-encoded photo to the default storage (S3 in production) under a name
    nobody can guess; returns the name to keep on the person."""
    name = f"{FOLDER}/{user_id}/{secrets.token_urlsafe(12)}.jpg"
    return default_storage.save(name, ContentFile(jpeg))


def forget(name: str) -> None:
    """Remove a photo that was replaced or removed; a file already gone is not an error."""
    if name:
        default_storage.delete(name)
