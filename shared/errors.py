"""The error base class and the one handler that renders every error as the API's error body.

Body: {"error": {"type", "code", "message", "param", "requestId"}} with the HTTP status.
Services subclass `ExpeError` with names that state a fact (`PaymentNotFound`); they never raise
HTTPException.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pymongo.errors import ConnectionFailure, ExecutionTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.context import REQUEST_ID_HEADER, current_request_id
from shared.metrics import count_error
from shared.responses import JsonResponse

logger = logging.getLogger("expe.errors")


class ExpeError(Exception):
    """Base of every error the API reports to its caller."""

    status_code: ClassVar[int] = 400
    type: ClassVar[str] = "invalid_request_error"
    code: ClassVar[str] = "invalid_request"

    def __init__(
        self, message: str, *, param: str | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.param = param
        self.headers = headers or {}


class InvalidRequest(ExpeError):
    """The request is malformed or a parameter is invalid."""


class Unauthenticated(ExpeError):
    """No valid credentials came with the request."""

    status_code = 401
    type = "authentication_error"
    code = "unauthenticated"


class PermissionDenied(ExpeError):
    """The caller is known but may not do this."""

    status_code = 403
    type = "permission_error"
    code = "permission_denied"


class ResourceNotFound(ExpeError):
    """No resource with this id exists for the caller."""

    status_code = 404
    code = "resource_missing"


class MerchantNotFound(ResourceNotFound):
    """No merchant with this id is the caller's."""

    code = "merchant_not_found"


class Conflict(ExpeError):
    """The request conflicts with the current state of a resource."""

    status_code = 409
    code = "conflict"


class PaymentRefused(ExpeError):
    """Money could not move for a reason that is no card's: a wallet short of funds, a declined
    top-up. Card declines are `card_error` (the payments service's own)."""

    status_code = 402
    type = "payment_error"
    code = "payment_refused"


class PayloadTooLarge(ExpeError):
    """The request body is larger than the configured limit."""

    status_code = 413
    code = "payload_too_large"


class RateLimited(ExpeError):
    """Too many requests; retry after the time in Retry-After."""

    status_code = 429
    type = "rate_limit_error"
    code = "rate_limited"


class ServiceUnavailable(ExpeError):
    """A service or piece of infrastructure needed for the request cannot be reached."""

    status_code = 503
    type = "api_error"
    code = "service_unavailable"


class UpstreamTimeout(ExpeError):
    """A service did not answer in time."""

    status_code = 504
    type = "api_error"
    code = "upstream_timeout"


# Starlette raises HTTPException for routing problems (unknown path, wrong method).
_HTTP_STATUS_CODES = {404: "resource_missing", 405: "method_not_allowed"}


def error_body(*, type: str, code: str, message: str, param: str | None = None) -> dict[str, Any]:
    return {
        "error": {
            "type": type,
            "code": code,
            "message": message,
            "param": param,
            "requestId": current_request_id(),
        }
    }


def error_response(
    status_code: int,
    *,
    type: str,
    code: str,
    message: str,
    param: str | None = None,
    headers: dict[str, str] | None = None,
) -> JsonResponse:
    response = JsonResponse(
        error_body(type=type, code=code, message=message, param=param),
        status_code=status_code,
        headers=headers,
    )
    request_id = current_request_id()
    if request_id:
        response.headers[REQUEST_ID_HEADER] = request_id
    return response


def _param_path(location: Sequence[Any]) -> str | None:
    # ("body", "metadata", "orderId") -> "metadata.orderId"; the first element names the source.
    parts = [str(part) for part in location[1:]] if len(location) > 1 else []
    return ".".join(parts) or None


_JSON_BODY = "a JSON object, sent with Content-Type: application/json"


def _whole_body_error(error: Mapping[str, Any], body: Any) -> tuple[str, str]:
    """The body as a whole is wrong: no parameter to name, so say what the body must be."""
    if isinstance(body, bytes):
        # FastAPI parses a body only when its content type is JSON; a form (curl's -d without
        # a content type) or plain text reaches validation as the raw bytes.
        return "body_not_json", f"The request body must be {_JSON_BODY}."
    if error.get("type") == "missing":
        return "parameter_missing", f"The request body is missing; send {_JSON_BODY}."
    if error.get("type") == "value_error":
        # A check of the body as a whole, such as Input's refusal of what is no text.
        return "parameter_invalid", str(error["msg"]).removeprefix("Value error, ")
    return "parameter_invalid", "The request body must be a JSON object."


def _validation_error(exc: RequestValidationError) -> tuple[str, str, str | None]:
    """The 400's code, message and parameter for the first thing wrong with the request."""
    first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request", "type": ""}
    location = tuple(first.get("loc", ()))
    if first.get("type") == "json_invalid":
        return "invalid_json", "The request body is not valid JSON.", None
    if location == ("body",):
        return (*_whole_body_error(first, exc.body), None)
    param = _param_path(location)
    missing = first.get("type") == "missing"
    message = str(first.get("msg", "invalid value"))
    if first.get("type") == "value_error":
        # A validator's own words, which pydantic prefixes with "Value error, ".
        message = message.removeprefix("Value error, ")
    if param:
        message = f"{param}: {message}"
    return "parameter_missing" if missing else "parameter_invalid", message, param


def _counted(
    request: Request,
    status_code: int,
    *,
    type: str,
    code: str,
    message: str,
    param: str | None = None,
    headers: dict[str, str] | None = None,
) -> JsonResponse:
    """The error answer, counted by route, status and code (shared/metrics.py)."""
    count_error(request, status_code, code)
    return error_response(
        status_code, type=type, code=code, message=message, param=param, headers=headers
    )


def install_error_handlers(app: FastAPI) -> None:
    """Maps every exception a request can raise to the API's error body, each one counted."""

    @app.exception_handler(ExpeError)
    async def _expe_error(request: Request, exc: ExpeError) -> JsonResponse:
        return _counted(
            request,
            exc.status_code,
            type=exc.type,
            code=exc.code,
            message=exc.message,
            param=exc.param,
            headers=exc.headers,
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(request: Request, exc: RequestValidationError) -> JsonResponse:
        code, message, param = _validation_error(exc)
        return _counted(
            request, 400, type="invalid_request_error", code=code, message=message, param=param
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JsonResponse:
        return _counted(
            request,
            exc.status_code,
            type="invalid_request_error",
            code=_HTTP_STATUS_CODES.get(exc.status_code, "http_error"),
            message="No such route." if exc.status_code == 404 else str(exc.detail),
            headers=dict(exc.headers or {}),
        )

    @app.exception_handler(ConnectionFailure)
    @app.exception_handler(ExecutionTimeout)
    async def _store_unavailable(request: Request, exc: Exception) -> JsonResponse:
        # The database did not answer in time (down, or saturated): the caller may retry, and a
        # money-moving request retried with its idempotency key cannot apply twice.
        logger.warning("database unavailable", extra={"error": repr(exc)})
        return _counted(
            request,
            503,
            type="api_error",
            code="service_unavailable",
            message="The database did not answer in time; retry shortly.",
            headers={"Retry-After": "1"},
        )

    @app.exception_handler(Exception)
    async def _unexpected_error(request: Request, exc: Exception) -> JsonResponse:
        logger.exception("unhandled error", exc_info=exc)
        return _counted(
            request,
            500,
            type="api_error",
            code="internal_error",
            message="Something went wrong on our side. The request id identifies it to support.",
        )
