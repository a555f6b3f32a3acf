"""collab.asgi's application, with the URL configuration and every view module it names
imported before the server listens, as a production process does at start: collab.asgi skips
that under pytest, and a server the tests start inherits PYTEST_VERSION.

The browser tests' servers run it (tests.servers.SpareServer). Left to the first request, the
imports cost that request ~0.6 s inside the test; a spare does them while the test before it
runs. They read nothing from the database or Redis (a server importing them starts with an
unreachable DATABASE_URL)."""

from collab.asgi import application


def _import_views() -> None:
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018


_import_views()

__all__ = ["application"]
