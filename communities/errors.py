"""The one error type services raise: a stable code for machines and a French-first message
for people. Views, the API and the websocket turn it into a form error, a JSON body or an
``error`` frame without inventing their own wording."""

from __future__ import annotations

from django.utils.functional import Promise


class ServiceError(Exception):
    #: HTTP status the API answers with.
    status = 400

    def __init__(self, code: str, message: str | Promise, *, status: int | None = None) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message
        if status is not None:
            self.status = status

    def __str__(self) -> str:
        return str(self.message)


class Forbidden(ServiceError):
    status = 403


class NotFound(ServiceError):
    status = 404


class Conflict(ServiceError):
    status = 409
