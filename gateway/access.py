"""Which callers may reach which routes, decided before a request leaves the gateway."""

from __future__ import annotations

import re
from enum import Enum

from shared.errors import PermissionDenied, Unauthenticated
from shared.identity import Caller


class Audience(Enum):
    # anyone: sign-up, login, token refresh, password reset, JWKS, a payment link's page
    PUBLIC = "public"
    DASHBOARD = "dashboard"  # people only (JWT): account, merchants, members, keys
    # anyone: the payment's client secret, checked by the payments service, opens it
    CHECKOUT = "checkout"
    API = "api"  # people and secret keys


def _rules(*pairs: tuple[str, str]) -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(pattern), methods) for pattern, methods in pairs)


_PUBLIC = _rules(
    (r"^/api/v1/auth/(register|login|refresh|verify-email|verify-email/resend)$", "POST"),
    (r"^/api/v1/auth/password/(forgot|reset)$", "POST"),
    (r"^/\.well-known/jwks\.json$", "GET"),
    (r"^/api/v1/checkout/links/[^/]+$", "GET"),
    (r"^/api/v1/checkout/links/[^/]+/payments$", "POST"),
)
_DASHBOARD = re.compile(
    r"^/api/v1/(auth|users|merchants(?!/[^/]+/(transactions|analytics))|projects|api-keys"
    r"|invitations|admin)(/|$)"
)
_CHECKOUT = re.compile(r"^/api/v1/checkout(/|$)")


def audience_of(method: str, path: str) -> Audience:
    for pattern, methods in _PUBLIC:
        if method in methods.split(",") and pattern.match(path):
            return Audience.PUBLIC
    if _DASHBOARD.match(path):
        return Audience.DASHBOARD
    if _CHECKOUT.match(path):
        return Audience.CHECKOUT
    return Audience.API


class ApiKeyNotAllowed(PermissionDenied):
    """API keys cannot manage accounts; log in to the dashboard for that."""

    code = "api_key_not_allowed"


class PublishableKeyNotAllowed(PermissionDenied):
    """Publishable keys may only reach the checkout endpoints."""

    code = "publishable_key_not_allowed"


def authorize(caller: Caller, audience: Audience) -> None:
    """Raises unless `caller` may reach a route of `audience`."""
    if audience in (Audience.PUBLIC, Audience.CHECKOUT):
        return
    if caller.kind == "anonymous":
        raise Unauthenticated(
            "No credentials: send `Authorization: Bearer <access token or API key>`.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if caller.kind != "api_key":
        return
    if audience is Audience.DASHBOARD:
        raise ApiKeyNotAllowed("API keys cannot reach this endpoint; use a dashboard login.")
    if caller.key_type == "publishable":
        raise PublishableKeyNotAllowed(
            "Publishable keys may only call checkout endpoints; use a secret key on your server."
        )
