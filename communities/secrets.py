"""Random bearer secrets. Only their SHA-256 is stored: a leaked database holds no usable
token. SHA-256 without salt is enough because the secrets are 256-bit random, not passwords."""

from __future__ import annotations

import hashlib
import secrets


def new_secret() -> tuple[str, str]:
    raw = secrets.token_urlsafe(32)
    return raw, hash_secret(raw)


def hash_secret(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()
