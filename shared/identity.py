"""Who is calling: the identity the gateway vouches for, signed so services can trust it.

The gateway authenticates every request (JWT, API key, or nobody), then passes the caller to the
service in `X-Expe-Identity` (base64url JSON) with `X-Expe-Signature: t=<unix>,v1=<hex>`, an
HMAC-SHA256 with the internal secret over the timestamp, method, path and identity. A service
accepts a request only with a fresh, valid signature for that very method and path, so a caller
that reaches a service directly, or replays headers against another route, is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Annotated, Literal

from fastapi import Depends, Request
from pydantic import ConfigDict, ValidationError

from shared.errors import PermissionDenied, Unauthenticated
from shared.schemas import Schema

IDENTITY_HEADER = "X-Expe-Identity"
SIGNATURE_HEADER = "X-Expe-Signature"
# How old a signature may be: covers clock skew between hosts and a slow upstream queue.
MAX_SIGNATURE_AGE_SECONDS = 60

CallerKind = Literal["anonymous", "user", "api_key", "gateway", "service"]
MemberRole = Literal["owner", "developer", "viewer"]
KeyType = Literal["secret", "publishable"]
Mode = Literal["test", "live"]


class Caller(Schema):
    """The authenticated caller of one request."""

    model_config = ConfigDict(frozen=True)

    kind: CallerKind
    # The calling service, for kind "service" (payments asking wallet for a hold).
    service: str | None = None
    ip: str | None = None
    user_id: str | None = None
    email: str | None = None
    email_verified: bool = False
    platform_admin: bool = False
    session_id: str | None = None
    # The merchant the request acts for, and the caller's role in it (users) or key (API keys).
    merchant_id: str | None = None
    role: MemberRole | None = None
    project_id: str | None = None
    key_id: str | None = None
    key_type: KeyType | None = None
    mode: Mode | None = None

    def encode(self) -> str:
        raw = self.model_dump_json(by_alias=True, exclude_none=True).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, value: str) -> Caller:
        padded = value + "=" * (-len(value) % 4)
        return cls.model_validate_json(base64.urlsafe_b64decode(padded))


def _mac(secret: str, timestamp: int, method: str, path: str, identity: str) -> str:
    message = f"{timestamp}.{method.upper()}.{path}.{identity}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(
    caller: Caller, *, secret: str, method: str, path: str, now: float | None = None
) -> dict[str, str]:
    identity = caller.encode()
    timestamp = int(time.time() if now is None else now)
    signature = _mac(secret, timestamp, method, path, identity)
    return {IDENTITY_HEADER: identity, SIGNATURE_HEADER: f"t={timestamp},v1={signature}"}


class InvalidInternalSignature(Unauthenticated):
    """The request did not come through the gateway, or its identity was tampered with."""

    code = "invalid_internal_signature"


def verify_headers(
    identity: str | None,
    signature: str | None,
    *,
    secret: str,
    method: str,
    path: str,
    now: float | None = None,
) -> Caller:
    if not identity or not signature:
        raise InvalidInternalSignature("Requests must come through the API gateway.")
    parts = dict(part.split("=", 1) for part in signature.split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError):
        raise InvalidInternalSignature("The internal signature is malformed.") from None
    current = time.time() if now is None else now
    if abs(current - timestamp) > MAX_SIGNATURE_AGE_SECONDS:
        raise InvalidInternalSignature("The internal signature has expired.")
    if not hmac.compare_digest(given, _mac(secret, timestamp, method, path, identity)):
        raise InvalidInternalSignature("The internal signature does not match.")
    try:
        return Caller.decode(identity)
    except (ValueError, ValidationError):
        raise InvalidInternalSignature("The caller identity is malformed.") from None


async def caller_from_request(request: Request) -> Caller:
    """The verified caller; every API route of every service depends on it."""
    cached: Caller | None = getattr(request.state, "caller", None)
    if cached is not None:
        return cached
    secret = request.app.state.runtime.settings.internal_secret.get_secret_value()
    caller = verify_headers(
        request.headers.get(IDENTITY_HEADER),
        request.headers.get(SIGNATURE_HEADER),
        secret=secret,
        method=request.method,
        path=request.url.path,
    )
    request.state.caller = caller
    return caller


CallerDep = Annotated[Caller, Depends(caller_from_request)]


async def require_user(caller: CallerDep) -> Caller:
    if caller.kind != "user" or caller.user_id is None:
        raise Unauthenticated("Log in to do this.")
    return caller


async def require_gateway(caller: CallerDep) -> Caller:
    """Internal routes: only the gateway itself may call them."""
    if caller.kind != "gateway":
        raise PermissionDenied("This route is internal to the platform.")
    return caller


async def require_service(caller: CallerDep) -> Caller:
    """Service-to-service routes: only another service of the mesh may call them."""
    if caller.kind != "service" or not caller.service:
        raise PermissionDenied("This route is internal to the platform.")
    return caller


def service_caller(name: str) -> Caller:
    """The identity a service signs its own calls to other services with."""
    return Caller(kind="service", service=name)


UserDep = Annotated[Caller, Depends(require_user)]
GatewayDep = Annotated[Caller, Depends(require_gateway)]
ServiceDep = Annotated[Caller, Depends(require_service)]
