"""The API object: routers, OpenAPI metadata, and one JSON error shape with French messages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema

from collab.api_input import StorableJsonParser, UnstorableText, with_common_errors
from communities.api import router as communities_router
from communities.api_committees import router as committees_router
from communities.api_conversation import router as conversation_router
from communities.api_people import router as people_router
from communities.api_tokens import router as tokens_router
from communities.errors import ServiceError
from communities.text import unstorable_text_error
from decisions.api import router as decisions_router
from docs_store.api import router as documents_router
from meetings.api import router as meetings_router


class Api(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None,
                           path_params: dict[str, Any] | None = None) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        with_common_errors(schema)
        return schema


api = Api(
    title="Espace collaboratif API",
    version="1",
    description="API des espaces des communautés de pratique d'Espace MUNI. "
    "Authentification : POST /api/v1/auth/token puis « Authorization: Bearer <jeton> ».",
    urls_namespace="api-v1",
    parser=StorableJsonParser(),
)
api.add_router("/", communities_router)
api.add_router("/", conversation_router)
api.add_router("/", tokens_router)
api.add_router("/", people_router)
api.add_router("/", documents_router)
api.add_router("/", meetings_router)
api.add_router("/", committees_router)
api.add_router("/", decisions_router)


def _error(request: HttpRequest, status: int, code: str, message: str,
           **extra: object) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, **extra},
                               status=status)


@api.exception_handler(ServiceError)
def on_service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    return _error(request, exc.status, exc.code, str(exc.message))


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "unauthenticated",
                  _("Authentification requise : fournissez « Authorization: Bearer <jeton> »."))


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return _error(request, 422, "invalid_request",
                  _("Requête invalide : vérifiez les champs envoyés."), errors=exc.errors)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # Ninja raises HttpError(400) with English text for a body that is not JSON.
    if exc.status_code == 400 and isinstance(exc.__cause__, UnstorableText):
        refusal = unstorable_text_error()
        return _error(request, 400, refusal.code, str(refusal.message))
    if exc.status_code == 400:
        return _error(request, 400, "invalid_request",
                      _("Requête invalide : le corps doit être du JSON lisible."))
    return _error(request, exc.status_code, "http_error", str(exc))
