"""What every API request goes through before an endpoint sees it, and the answers every
operation may give whatever its own: the JSON parser refuses text the database cannot store
(NUL, lone surrogates) in the body and the query string, and the OpenAPI document lists the
refusals the error handlers produce (400, 401, 422), so a client can rely on it."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.parser import Parser

from communities.text import is_storable, unstorable_text_error


class UnstorableText(ValueError):
    """Raised while parsing a body; ninja wraps it in HttpError(400), whose handler reads it
    back from ``__cause__`` to answer with the French message."""


def _all_storable(value: Any) -> bool:
    if isinstance(value, str):
        return is_storable(value)
    if isinstance(value, dict):
        return all(_all_storable(k) and _all_storable(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_all_storable(item) for item in value)
    return True


class StorableJsonParser(Parser):
    def parse_body(self, request: HttpRequest) -> Any:
        data = json.loads(request.body)
        if not _all_storable(data):
            raise UnstorableText
        return data

    def parse_querydict(self, data: MultiValueDict[str, Any], list_fields: list[str],
                        request: HttpRequest) -> dict[str, Any]:
        for key, values in data.lists():
            if not _all_storable(key) or not all(
                    _all_storable(v) for v in values if isinstance(v, str)):
                raise unstorable_text_error()
        return super().parse_querydict(data, list_fields, request)


ERROR_SCHEMA = {
    "type": "object",
    "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
    "required": ["code", "message"],
}
# Refusals any operation can give: a body or query the parser or the schema refuses, and
# a missing or bad token (except on the token endpoint itself, which answers 401 anyway).
COMMON_ERRORS = {
    "400": "Requête invalide (JSON illisible, texte impossible à enregistrer) / Bad request",
    "401": "Authentification requise / Authentication required",
    "422": "Champs invalides / Invalid fields",
}


def with_common_errors(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the common refusals to every operation that does not describe them already."""
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            # Routers declare statuses as integers, the common ones are strings: compared as
            # strings, or both would be written and the document would carry duplicate keys.
            declared = {str(status) for status in responses}
            for status, description in COMMON_ERRORS.items():
                if status in declared:
                    continue
                responses.setdefault(status, {
                    "description": description,
                    "content": {"application/json": {"schema": ERROR_SCHEMA}},
                })
    return schema
