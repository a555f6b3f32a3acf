"""The deployment tests use the end-to-end tests' people and the documents tests' S3 server."""

from tests.docs_store.conftest import moto_endpoint  # noqa: F401
from tests.integration.conftest import community  # noqa: F401
