"""The OpenAPI document is one that strict readers accept: Swagger UI (js-yaml) refuses a
mapping with a key written twice, and then lists no operation at all."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client


def _refusing_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    assert not duplicates, f"keys written twice: {duplicates}"
    return dict(pairs)


def test_the_openapi_document_writes_no_key_twice(db: None) -> None:
    answer = Client().get("/api/v1/openapi.json")
    assert answer.status_code == 200
    document = json.loads(answer.content, object_pairs_hook=_refusing_duplicates)
    reactions = document["paths"]["/api/v1/messages/{message_id}/reactions"]["post"]
    assert {"400", "401", "422", "429"} <= set(reactions["responses"])
