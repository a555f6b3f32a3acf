"""A real OpenID Connect provider on loopback for the single sign-on tests: the maintained
``oidc-provider-mock`` (Flask, authlib), served by werkzeug on 127.0.0.1 in a thread. Any
client id and secret are accepted; a test sets the claims of a subject with ``PUT
/users/<sub>`` and "signs in" as that subject by posting its authorisation form, as a person
would click "Authorize"."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager

PROVIDER_ID = "mairie"
PROVIDER_NAME = "Ville de Laval (Microsoft 365)"


@contextmanager
def oidc_provider() -> Iterator[str]:
    from oidc_provider_mock import app
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


def provider_settings(url: str, **extra: object) -> dict[str, str]:
    """The server's environment naming this provider (collab/sso.py reads it)."""
    return {"OIDC_PROVIDERS": json.dumps([{
        "id": PROVIDER_ID, "name": PROVIDER_NAME, "server_url": url,
        "client_id": "espace-collaboratif", "secret": "secret-de-test", **extra}])}
