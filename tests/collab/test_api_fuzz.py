"""Schemathesis against /api/v1/openapi.json, on PostgreSQL, as a facilitator (a member with
every power, so the writes run too) holding a real API token: whatever the input, no 5xx, and
every answer is one the schema describes. Half the generated path parameters name real
objects of the facilitator's space, so the fuzzed bodies reach the services."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from schemathesis import checks

from communities.services.discussion import start_thread
from docs_store import services as documents
from tests.conftest import People
from tests.docs_store.conftest import moto_endpoint, s3_backend  # noqa: F401 (fixtures)
from tests.meetings.conftest import schedule

# Conformance, not strictness: the schema does not spell out every rule the services apply
# (a title of spaces, a NUL in a string), so a schema-valid request may rightly be refused.
CHECKS = [checks.not_a_server_error, checks.status_code_conformance,
          checks.content_type_conformance, checks.response_schema_conformance,
          checks.response_headers_conformance]

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())

# Bounded so the whole run stays under a minute; FUZZ_EXAMPLES=200 for a longer hunt.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))

#: Path parameter -> the value naming a real object, filled by the ``world`` fixture.
REAL: dict[str, Any] = {}


@schema.hook
def flatmap_path_parameters(context: Any, parameters: dict[str, Any] | None
                            ) -> st.SearchStrategy[Any]:
    if not parameters:
        return st.just(parameters)
    real = {name: REAL.get(name, value) for name, value in parameters.items()}
    return st.sampled_from([parameters, real])


@pytest.fixture
def one_connection() -> Iterator[None]:
    """Keep the test's connection (and its transaction) across requests, as Django's test
    client does: the WSGI handler would close it at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(people: People, request: pytest.FixtureRequest) -> dict[str, str]:
    """The space's objects, stored on the tests' S3 server so that direct uploads work."""
    request.getfixturevalue("s3_backend")
    posted = start_thread(actor=people.member, space=people.space, title="Parcs",
                          body="Qui a des exemples ?")
    folder = documents.create_folder(actor=people.facilitator, space=people.space,
                                     name="Procès-verbaux")
    document = documents.upload_document(actor=people.facilitator, space=people.space,
                                         file=io.BytesIO(b"Ordre du jour\n"),
                                         file_name="odj.txt", folder=folder)
    REAL.update(slug=people.space.slug, thread_id=posted.thread.pk,
                message_id=posted.message.pk, folder_id=folder.pk, document_id=document.pk,
                number=1, meeting_id=schedule(people).pk)
    token = Client().post("/api/v1/auth/token", {"email": people.facilitator.email,
                                                 "password": "mot-de-passe-solide-42"},
                          content_type="application/json").json()["token"]
    # Schemathesis's WSGI transport asks for gzip but hands the checks the undecoded bytes;
    # compressed answers are checked in tests/collab/test_compression.py.
    return {"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"}


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, database=None, phases=[Phase.generate],
          suppress_health_check=list(HealthCheck))
def test_no_input_makes_the_api_fail_or_leave_its_schema(
        case: schemathesis.Case, world: dict[str, str], uses_postgres: None,
        one_connection: None) -> None:
    case.call_and_validate(headers=world, checks=CHECKS)
