"""Optional antivirus: every upload goes through clamd (INSTREAM) before it is stored or becomes
visible, when CLAMAV_SOCKET (a unix socket path) or CLAMAV_TCP (host:port) is set.

Fail closed: a scanner that cannot be reached, times out or answers an error refuses the
upload with a clear French message; nothing is stored and nothing already there is touched.
clamd refuses streams longer than its ``StreamMaxLength`` (25 MB by default): it must be set at
least to the largest upload a space allows, or those uploads are refused (and say why).
"""

from __future__ import annotations

import logging
from typing import IO

from clamav_client.clamd import (
    BufferTooLongError,
    ClamdError,
    ClamdNetworkSocket,
    ClamdUnixSocket,
)
from django.conf import settings
from django.utils.translation import gettext as _

from communities.errors import ServiceError

logger = logging.getLogger(__name__)


def configured() -> bool:
    return bool(settings.CLAMAV_SOCKET or settings.CLAMAV_TCP)


def _client() -> ClamdNetworkSocket:
    timeout = float(settings.CLAMAV_TIMEOUT_SECONDS)
    if settings.CLAMAV_SOCKET:
        return ClamdUnixSocket(settings.CLAMAV_SOCKET, timeout=timeout)  # type: ignore[arg-type]
    host, port = settings.CLAMAV_TCP.rsplit(":", 1)
    return ClamdNetworkSocket(host, int(port), timeout=timeout)


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
        results = _client().instream(stream)  # type: ignore[arg-type]
    except BufferTooLongError as error:
        logger.error("clamd refused a stream longer than its StreamMaxLength: %s", error)
        raise ServiceError("antivirus_too_large", _(
            "Ce fichier est trop gros pour l'antivirus : il n'a pas été déposé. Prévenez "
            "l'équipe de la plateforme (réglage StreamMaxLength de clamd)."),
            status=413) from error
    except (ClamdError, OSError) as error:
        logger.error("clamd unreachable or failing, upload refused: %s", error)
        raise _unavailable() from error
    status, signature = results.get("stream", ("ERROR", None))
    if status == "FOUND":
        logger.warning("upload refused by the antivirus: %s", signature)
        raise ServiceError("virus_found", _(
            "L'antivirus a détecté un contenu malveillant dans ce fichier (%(name)s) : il n'a "
            "pas été déposé.") % {"name": signature})
    if status != "OK":
        logger.error("clamd answered %s %s, upload refused", status, signature)
        raise _unavailable()
