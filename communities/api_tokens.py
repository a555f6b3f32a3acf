"""JSON API v1: one's own API tokens, to list them and revoke one (the sign-in endpoint that
issues them is in ``communities.api``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from communities import selectors
from communities.api import ErrorOut, _user, bearer
from communities.serializers import api_token_data
from communities.services import accounts

router = Router(auth=bearer)


class TokenInfo(Schema):
    id: int
    label: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    #: The token this request was made with.
    current: bool


@router.get("/auth/tokens", response=list[TokenInfo],
            summary="Mes jetons d'API / My API tokens")
def list_tokens(request: HttpRequest) -> list[dict[str, Any]]:
    current = request.auth.pk  # type: ignore[attr-defined]
    return [{**api_token_data(token), "current": token.pk == current}
            for token in selectors.api_tokens_of(_user(request))]


@router.delete("/auth/tokens/{token_id}", response={204: None, 404: ErrorOut},
               summary="Révoquer un de mes jetons / Revoke one of my tokens")
def revoke_token(request: HttpRequest, token_id: int) -> Status[None]:
    accounts.revoke_api_token(user=_user(request), token_id=token_id)
    return Status(204, None)
