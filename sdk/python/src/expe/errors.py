"""What the API refuses, as classes: catch `ExpeError` for all of them, or one class for a case.

Each answer is mapped by its `error.type` first and then by its HTTP status, so an error type
this version does not know yet still lands on a class that fits its status.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

__all__ = [
    "ApiConnectionError",
    "ApiError",
    "ApiTimeoutError",
    "AuthenticationError",
    "CardError",
    "ConflictError",
    "ExpeError",
    "IdempotencyError",
    "InvalidRequestError",
    "NotFoundError",
    "PaymentError",
    "PermissionDeniedError",
    "RateLimitError",
    "SignatureVerificationError",
]


class ExpeError(Exception):
    """Base of every error the SDK raises about a request."""

    def __init__(
        self,
        message: str,
        *,
        type: str | None = None,
        code: str | None = None,
        param: str | None = None,
        request_id: str | None = None,
        status_code: int | None = None,
        headers: httpx.Headers | None = None,
        body: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.type = type
        self.code = code
        self.param = param
        self.request_id = request_id
        self.status_code = status_code
        self.headers = headers if headers is not None else httpx.Headers()
        # The decoded JSON of the answer (or its text when it was not JSON).
        self.body = body

    def __str__(self) -> str:
        details = ", ".join(
            f"{name}={value}"
            for name, value in (
                ("status", self.status_code),
                ("code", self.code),
                ("param", self.param),
                ("request_id", self.request_id),
            )
            if value is not None
        )
        return f"{self.message} ({details})" if details else self.message


class InvalidRequestError(ExpeError):
    """The request is malformed or a parameter is invalid (400, `invalid_request_error`)."""


class NotFoundError(InvalidRequestError):
    """No such resource for this key (404)."""


class ConflictError(ExpeError):
    """The request conflicts with the resource's current state (409)."""


class IdempotencyError(ConflictError):
    """The Idempotency-Key was used for another request, or one with it is still running."""


class AuthenticationError(ExpeError):
    """The API key is missing, wrong, revoked or expired (401)."""


class PermissionDeniedError(ExpeError):
    """The key is valid but may not do this (403)."""


class CardError(ExpeError):
    """The card was declined (402, `card_error`); `code` says why."""


class PaymentError(ExpeError):
    """A wallet or UPI payment was declined (402, `payment_error`)."""


class RateLimitError(ExpeError):
    """Too many requests (429); `retry_after` says how long to wait, in seconds."""

    @property
    def retry_after(self) -> float | None:
        return retry_after_seconds(self.headers)


class ApiError(ExpeError):
    """The API failed to answer the request (5xx, `api_error`)."""


class ApiConnectionError(ExpeError):
    """The API could not be reached, or the connection broke before an answer."""


class ApiTimeoutError(ApiConnectionError):
    """No answer within the client's timeout."""


class SignatureVerificationError(Exception):
    """A webhook's signature does not prove it came from Expe (see `expe.webhooks.verify`)."""


_BY_TYPE: dict[str, type[ExpeError]] = {
    "card_error": CardError,
    "payment_error": PaymentError,
    "authentication_error": AuthenticationError,
    "permission_error": PermissionDeniedError,
    "rate_limit_error": RateLimitError,
    "api_error": ApiError,
}

_BY_STATUS: dict[int, type[ExpeError]] = {
    400: InvalidRequestError,
    401: AuthenticationError,
    402: PaymentError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    413: InvalidRequestError,
    429: RateLimitError,
}


def _error_class(error_type: str | None, code: str | None, status: int) -> type[ExpeError]:
    cls = _BY_TYPE.get(error_type or "")
    if cls is None:
        if status >= 500:
            cls = ApiError
        else:
            cls = _BY_STATUS.get(status, InvalidRequestError if error_type else ExpeError)
    if cls is ConflictError and (code or "").startswith("idempotency_key_"):
        return IdempotencyError
    return cls


def error_from_response(response: httpx.Response) -> ExpeError:
    """The error an answer of 400 or more stands for."""
    try:
        body: Any = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        body = response.text
    fields: dict[str, Any] = {}
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        fields = body["error"]
    error_type = fields.get("type") if isinstance(fields.get("type"), str) else None
    code = fields.get("code") if isinstance(fields.get("code"), str) else None
    message = fields.get("message") or f"HTTP {response.status_code} from the API"
    cls = _error_class(error_type, code, response.status_code)
    return cls(
        str(message),
        type=error_type,
        code=code,
        param=fields.get("param"),
        request_id=fields.get("requestId") or response.headers.get("x-request-id"),
        status_code=response.status_code,
        headers=response.headers,
        body=body,
    )


def retry_after_seconds(headers: httpx.Headers) -> float | None:
    """`Retry-After` in seconds, when the answer has one in that form."""
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if seconds >= 0 else None
