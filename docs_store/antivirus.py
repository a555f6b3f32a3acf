"""Optional antivirus: every upload goes through clamd (INSTREAM) before it is stored or becomes
visible, when CLAMAV_SOCKET (a unix socket path) or CLAMAV_TCP (host:port) is set.

Fail closed: a scanner that cannot be reached, times out or answers an error refuses the
upload with a clear French message; nothing is stored and nothing already there is touched.
clamd refuses streams longer than its ``StreamMaxLength`` (25 MB by default): it must be set at
least to the largest upload a space allows, or those uploads are refused (and say why).
"""

from __future__ import annotations

import logging
import socket
import struct
from typing import IO

from django.conf import settings
from django.utils.translation import gettext as _

from communities.errors import ServiceError

logger = logging.getLogger(__name__)
CHUNK_BYTES = 64 * 1024
MAX_REPLY_BYTES = 4096


def configured() -> bool:
    return bool(settings.CLAMAV_SOCKET or settings.CLAMAV_TCP)


def _connect() -> socket.socket:
    timeout = float(settings.CLAMAV_TIMEOUT_SECONDS)
    if settings.CLAMAV_SOCKET:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        sock.connect(settings.CLAMAV_SOCKET)
        return sock
    host, port = settings.CLAMAV_TCP.rsplit(":", 1)
    return socket.create_connection((host, int(port)), timeout=timeout)


def _instream(stream: IO[bytes]) -> str:
    """clamd's INSTREAM command: chunks prefixed by their length, a zero length to end, one
    reply line. Written here rather than taken from a client library because clamd stops
    reading when a stream passes its StreamMaxLength, and the libraries then report a broken
    pipe and lose clamd's reply, which is the only thing that says why."""
    with _connect() as sock:
        sock.sendall(b"zINSTREAM\0")
        try:
            while chunk := stream.read(CHUNK_BYTES):
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
        except (BrokenPipeError, ConnectionResetError):
            pass  # clamd stopped reading: its reply, below, says why
        reply = b""
        while not reply.endswith(b"\0") and len(reply) < MAX_REPLY_BYTES:
            part = sock.recv(MAX_REPLY_BYTES)
            if not part:
                break
            reply += part
    return reply.rstrip(b"\0").decode("utf-8", "replace").strip()


def _unavailable() -> ServiceError:
    return ServiceError("antivirus_unavailable", _(
        "L'antivirus ne répond pas : le fichier n'a pas été déposé. Réessayez dans quelques "
        "minutes ; si le problème persiste, prévenez l'équipe de la plateforme."), status=503)


def scan(stream: IO[bytes]) -> None:
    """Read ``stream`` to its end through clamd; return if clean, else raise ServiceError.
    Does nothing when no scanner is configured. The caller rewinds the stream afterwards."""
    if not configured():
        return
    try:
        reply = _instream(stream)
    except OSError as error:  # refused, absent, timed out
        logger.error("clamd unreachable or failing, upload refused: %s", error)
        raise _unavailable() from error
    # "stream: OK", "stream: <signature> FOUND", "<reason> ERROR"
    if reply == "stream: OK":
        return
    if reply.startswith("stream: ") and reply.endswith(" FOUND"):
        signature = reply[len("stream: "):-len(" FOUND")]
        logger.warning("upload refused by the antivirus: %s", signature)
        raise ServiceError("virus_found", _(
            "L'antivirus a détecté un contenu malveillant dans ce fichier (%(name)s) : il n'a "
            "pas été déposé.") % {"name": signature})
    if "size limit exceeded" in reply:
        logger.error("clamd refused a stream longer than its StreamMaxLength: %s", reply)
        raise ServiceError("antivirus_too_large", _(
            "Ce fichier est trop gros pour l'antivirus : il n'a pas été déposé. Prévenez "
            "l'équipe de la plateforme (réglage StreamMaxLength de clamd)."), status=413)
    logger.error("clamd answered %r, upload refused", reply)
    raise _unavailable()
