"""The authorization matrix: every route of the gateway's OpenAPI document, called by every kind
of caller, answers what a small table of rules says (read from the code: the gateway's audiences
in gateway/access.py, the services' Reader/Writer and role checks), and another merchant's object
is never told apart from a missing one (404, never 403)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from typing import Any

import httpx
import pytest

from devstack.accounts import Session, bearer, log_in
from devstack.stack import Stack
from tests.security.bodies import BODIES
from tests.security.conftest import (
    FIGURES,
    Objects,
    Victim,
    call,
    created,
    from_own_address,
    with_key,
)

pytestmark = pytest.mark.e2e


class Rule(Enum):
    PUBLIC = "anyone"
    CHECKOUT = "anyone with the payment's client secret"
    PERSON = "any logged-in person, for themselves"
    MEMBER = "any member of the merchant"
    BUILDER = "the merchant's owners and developers"
    OWNER = "the merchant's owners"
    ADMIN = "platform operators"
    READ = "secret keys and every member"
    WRITE = "secret keys, owners and developers"
    MOVE = "secret keys and owners (moving money)"


DASHBOARD = {Rule.PERSON, Rule.MEMBER, Rule.BUILDER, Rule.OWNER, Rule.ADMIN}
ROLES = {
    Rule.MEMBER: {"owner", "developer", "viewer"},
    Rule.BUILDER: {"owner", "developer"},
    Rule.OWNER: {"owner"},
    Rule.READ: {"owner", "developer", "viewer"},
    Rule.WRITE: {"owner", "developer"},
    Rule.MOVE: {"owner"},
}
# What each route needs. A route of the document missing here fails the test: a new route is
# added here with the rule its code enforces, never left unchecked.
RULES: dict[tuple[str, str], Rule] = {
    ("GET", "/.well-known/jwks.json"): Rule.PUBLIC,
    ("POST", "/api/v1/auth/register"): Rule.PUBLIC,
    ("POST", "/api/v1/auth/login"): Rule.PUBLIC,
    ("POST", "/api/v1/auth/refresh"): Rule.PUBLIC,
    ("POST", "/api/v1/auth/verify-email"): Rule.PUBLIC,
    ("POST", "/api/v1/auth/verify-email/resend"): Rule.PUBLIC,
    ("POST", "/api/v1/auth/password/forgot"): Rule.PUBLIC,
    ("POST", "/api/v1/auth/password/reset"): Rule.PUBLIC,
    ("GET", "/api/v1/checkout/payments/{payment_id}"): Rule.CHECKOUT,
    ("POST", "/api/v1/checkout/payments/{payment_id}/confirm"): Rule.CHECKOUT,
    ("POST", "/api/v1/checkout/payments/{payment_id}/sandbox/upi-complete"): Rule.CHECKOUT,
    ("GET", "/api/v1/checkout/links/{slug}"): Rule.PUBLIC,
    ("POST", "/api/v1/checkout/links/{slug}/payments"): Rule.PUBLIC,
    ("GET", "/api/v1/auth/me"): Rule.PERSON,
    ("PATCH", "/api/v1/auth/me"): Rule.PERSON,
    ("POST", "/api/v1/auth/logout"): Rule.PERSON,
    ("POST", "/api/v1/auth/password/change"): Rule.PERSON,
    ("POST", "/api/v1/auth/2fa/enroll"): Rule.PERSON,
    ("POST", "/api/v1/auth/2fa/confirm"): Rule.PERSON,
    ("POST", "/api/v1/auth/2fa/disable"): Rule.PERSON,
    ("GET", "/api/v1/auth/audit-logs"): Rule.PERSON,
    ("GET", "/api/v1/auth/me/export"): Rule.PERSON,
    ("DELETE", "/api/v1/auth/me"): Rule.PERSON,
    ("POST", "/api/v1/invitations/accept"): Rule.PERSON,
    ("GET", "/api/v1/merchants"): Rule.PERSON,
    ("POST", "/api/v1/merchants"): Rule.PERSON,
    ("GET", "/api/v1/merchants/{merchant_id}"): Rule.MEMBER,
    ("GET", "/api/v1/merchants/{merchant_id}/members"): Rule.MEMBER,
    ("GET", "/api/v1/merchants/{merchant_id}/projects"): Rule.MEMBER,
    ("GET", "/api/v1/projects/{project_id}/api-keys"): Rule.MEMBER,
    ("POST", "/api/v1/merchants/{merchant_id}/projects"): Rule.BUILDER,
    ("POST", "/api/v1/projects/{project_id}/api-keys"): Rule.BUILDER,
    ("PATCH", "/api/v1/api-keys/{key_id}"): Rule.BUILDER,
    ("POST", "/api/v1/api-keys/{key_id}/rotate"): Rule.BUILDER,
    ("POST", "/api/v1/api-keys/{key_id}/revoke"): Rule.BUILDER,
    ("GET", "/api/v1/merchants/{merchant_id}/audit-logs"): Rule.OWNER,
    ("GET", "/api/v1/merchants/{merchant_id}/audit-logs/export"): Rule.OWNER,
    ("GET", "/api/v1/merchants/{merchant_id}/audit-logs/verify"): Rule.OWNER,
    ("GET", "/api/v1/merchants/{merchant_id}/invitations"): Rule.OWNER,
    ("POST", "/api/v1/merchants/{merchant_id}/members"): Rule.OWNER,
    ("PATCH", "/api/v1/merchants/{merchant_id}/members/{user_id}"): Rule.OWNER,
    ("DELETE", "/api/v1/merchants/{merchant_id}/members/{user_id}"): Rule.OWNER,
    ("POST", "/api/v1/admin/merchants/{merchant_id}/verify"): Rule.ADMIN,
    ("GET", "/api/v1/analytics/overview"): Rule.READ,
    ("GET", "/api/v1/merchants/{merchant_id}/analytics"): Rule.READ,
    ("GET", "/api/v1/analytics/payments/summary"): Rule.READ,
    ("GET", "/api/v1/logs"): Rule.READ,
    ("GET", "/api/v1/rate-limits"): Rule.READ,
    ("GET", "/api/v1/merchants/{merchant_id}/transactions"): Rule.READ,
    ("GET", "/api/v1/payments"): Rule.READ,
    ("GET", "/api/v1/payments/export"): Rule.READ,
    ("GET", "/api/v1/payments/{payment_id}"): Rule.READ,
    ("GET", "/api/v1/payments/{payment_id}/history"): Rule.READ,
    ("GET", "/api/v1/payments/{payment_id}/refunds"): Rule.READ,
    ("GET", "/api/v1/payments/{payment_id}/webhooks"): Rule.READ,
    ("POST", "/api/v1/payments"): Rule.WRITE,
    ("POST", "/api/v1/payments/{payment_id}/cancel"): Rule.WRITE,
    ("POST", "/api/v1/payments/{payment_id}/refund"): Rule.WRITE,
    ("GET", "/api/v1/payment-links"): Rule.READ,
    ("GET", "/api/v1/payment-links/{link_id}"): Rule.READ,
    ("POST", "/api/v1/payment-links"): Rule.WRITE,
    ("POST", "/api/v1/payment-links/{link_id}/deactivate"): Rule.WRITE,
    ("POST", "/api/v1/payment-methods"): Rule.WRITE,
    ("GET", "/api/v1/payment-methods/{payment_method_id}"): Rule.READ,
    ("POST", "/api/v1/plans"): Rule.WRITE,
    ("GET", "/api/v1/plans"): Rule.READ,
    ("GET", "/api/v1/plans/{plan_id}"): Rule.READ,
    ("POST", "/api/v1/subscriptions"): Rule.WRITE,
    ("GET", "/api/v1/subscriptions"): Rule.READ,
    ("GET", "/api/v1/subscriptions/{subscription_id}"): Rule.READ,
    ("GET", "/api/v1/subscriptions/{subscription_id}/invoices"): Rule.READ,
    ("POST", "/api/v1/subscriptions/{subscription_id}/cancel"): Rule.WRITE,
    ("POST", "/api/v1/subscriptions/{subscription_id}/pause"): Rule.WRITE,
    ("POST", "/api/v1/subscriptions/{subscription_id}/resume"): Rule.WRITE,
    ("POST", "/api/v1/subscriptions/{subscription_id}/change-plan"): Rule.WRITE,
    ("POST", "/api/v1/subscriptions/{subscription_id}/payment-method"): Rule.WRITE,
    ("POST", "/api/v1/subscriptions/{subscription_id}/test-clock/advance"): Rule.WRITE,
    ("POST", "/api/v1/payments/{payment_id}/disputes"): Rule.WRITE,
    ("GET", "/api/v1/disputes"): Rule.READ,
    ("GET", "/api/v1/disputes/{dispute_id}"): Rule.READ,
    ("POST", "/api/v1/disputes/{dispute_id}/evidence"): Rule.WRITE,
    ("POST", "/api/v1/disputes/{dispute_id}/files"): Rule.WRITE,
    ("GET", "/api/v1/disputes/{dispute_id}/files/{file_id}"): Rule.READ,
    ("POST", "/api/v1/disputes/{dispute_id}/submit"): Rule.WRITE,
    ("GET", "/api/v1/wallets"): Rule.READ,
    ("GET", "/api/v1/wallets/{wallet_id}"): Rule.READ,
    ("GET", "/api/v1/wallets/{wallet_id}/entries"): Rule.READ,
    ("GET", "/api/v1/topups/{movement_id}"): Rule.READ,
    ("GET", "/api/v1/transfers/{movement_id}"): Rule.READ,
    ("POST", "/api/v1/wallets"): Rule.MOVE,
    ("POST", "/api/v1/topups"): Rule.MOVE,
    ("POST", "/api/v1/transfers"): Rule.MOVE,
    ("GET", "/api/v1/webhooks/endpoints"): Rule.READ,
    ("GET", "/api/v1/webhooks/endpoints/{endpoint_id}"): Rule.READ,
    ("GET", "/api/v1/webhooks/attempts"): Rule.READ,
    ("GET", "/api/v1/webhooks/attempts/{attempt_id}"): Rule.READ,
    ("GET", "/api/v1/webhooks/messages"): Rule.READ,
    ("POST", "/api/v1/webhooks/verify"): Rule.READ,
    ("POST", "/api/v1/webhooks/endpoints"): Rule.WRITE,
    ("PATCH", "/api/v1/webhooks/endpoints/{endpoint_id}"): Rule.WRITE,
    ("DELETE", "/api/v1/webhooks/endpoints/{endpoint_id}"): Rule.WRITE,
    ("POST", "/api/v1/webhooks/endpoints/{endpoint_id}/ping"): Rule.WRITE,
    ("POST", "/api/v1/webhooks/endpoints/{endpoint_id}/replay"): Rule.WRITE,
    ("POST", "/api/v1/webhooks/endpoints/{endpoint_id}/rotate-secret"): Rule.WRITE,
    ("POST", "/api/v1/webhooks/endpoints/{endpoint_id}/test"): Rule.WRITE,
    ("POST", "/api/v1/webhooks/endpoints/{endpoint_id}/verify"): Rule.WRITE,
    ("POST", "/api/v1/webhooks/{attempt_id}/retry"): Rule.WRITE,
}
# Objects a route's body names (the wallet money moves from), as a path names its objects.
BODY_OBJECTS = {
    ("POST", "/api/v1/topups"): {"wallet_id"},
    ("POST", "/api/v1/transfers"): {"wallet_id"},
    ("POST", "/api/v1/subscriptions"): {"plan_id", "payment_method_id"},
    ("POST", "/api/v1/subscriptions/{subscription_id}/change-plan"): {"plan_id"},
    ("POST", "/api/v1/subscriptions/{subscription_id}/payment-method"): {"payment_method_id"},
}
# Path parameters naming an object of one mode: a key of the other mode finds none.
MODE_BOUND = {
    "payment_id",
    "link_id",
    "wallet_id",
    "movement_id",
    "endpoint_id",
    "attempt_id",
    "payment_method_id",
    "plan_id",
    "subscription_id",
    "dispute_id",
    "file_id",
}
# Routes whose call takes its object away (for the next caller): each admitted caller gets its
# own. Ending the caller's own session is called last of all.
CONSUMING = {("DELETE", "/api/v1/webhooks/endpoints/{endpoint_id}")}
LAST = ("POST", "/api/v1/auth/logout")
METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Caller:
    name: str
    headers: dict[str, str]
    kind: str  # "anonymous", "key" or "person"
    merchant: str | None = None  # "A" (the victim) or "B" (the stranger's)
    role: str | None = None
    key_type: str | None = None
    mode: str = "test"
    # The mode of the objects its paths name.
    objects: str = "test"


@dataclass(frozen=True)
class Expected:
    status: int | None  # None: admitted (the route's own answer: 2xx, or a 4xx about the input)
    code: str | None = None

    def __str__(self) -> str:
        if self.status is None:
            return "admitted"
        return f"{self.status} {self.code or 'not found'}"


ADMITTED = Expected(None)
# Any "no such thing" of the owning service (payment_not_found, merchant_not_found, ...).
NOT_FOUND = Expected(404)
REFUSED_BY_ADMISSION = {401, 403, 404}


def expected(rule: Rule, caller: Caller, params: set[str]) -> Expected:
    """`params`: the kinds of object the call names, in its path or its body."""
    """The answer the rules give `caller` on a route of `rule` naming objects `params`."""
    if rule is Rule.PUBLIC:
        return ADMITTED
    if rule is Rule.CHECKOUT:
        # The client secret opens the payment to anyone, but a key reaches its own merchant's
        # payments in its own mode only (services/payments/deps.py, checkout_access).
        foreign = caller.merchant != "A" or caller.mode != caller.objects
        return NOT_FOUND if caller.kind == "key" and foreign else ADMITTED
    if caller.kind == "anonymous":
        return Expected(401, "unauthenticated")
    if rule in DASHBOARD:
        if caller.kind == "key":
            return Expected(403, "api_key_not_allowed")
        if rule is Rule.PERSON:
            return ADMITTED
        if rule is Rule.ADMIN:
            return Expected(403, "platform_admin_required")
        if caller.merchant != "A":
            return NOT_FOUND
        return ADMITTED if caller.role in ROLES[rule] else Expected(403, "role_required")
    if caller.key_type == "publishable":
        return Expected(403, "publishable_key_not_allowed")
    names_an_object = bool(params)
    mode_bound = bool(params & MODE_BOUND)
    if names_an_object and (
        caller.merchant != "A" or (mode_bound and caller.mode != caller.objects)
    ):
        return NOT_FOUND
    if caller.kind == "key" or caller.role in ROLES[rule]:
        return ADMITTED
    return Expected(403, "role_required" if rule is Rule.MOVE else "permission_denied")


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    params: frozenset[str]
    has_body: bool

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.path)


def routes_of(document: dict[str, Any]) -> list[Route]:
    return [
        Route(
            method.upper(),
            path,
            frozenset(p["name"] for p in op.get("parameters", []) if p.get("in") == "path"),
            "requestBody" in op,
        )
        for path, item in document["paths"].items()
        for method, op in item.items()
        if method in METHODS
    ]


@dataclass
class Cast:
    """The matrix's callers, each with a session or key of its own and its own address."""

    victim: Victim
    callers: list[Caller]
    clients: dict[str, httpx.Client]
    key_id: str


def _person(
    name: str, session: Session, merchant: str, merchant_id: str, role: str | None
) -> Caller:
    return Caller(name, session.headers(merchant_id), "person", merchant=merchant, role=role)


@pytest.fixture(scope="module")
def cast(gateway: httpx.Client, stack: Stack, victim: Victim) -> Iterator[Cast]:
    # Sessions of the matrix's own: its logout ends them, not the suite's.
    def again(session: Session) -> Session:
        return log_in(gateway, session.email)

    a, b = victim.merchant_id, victim.stranger_merchant.merchant_id
    callers = [
        Caller("anonymous", {}, "anonymous"),
        Caller(
            "publishable key", bearer(victim.publishable_key), "key", "A", key_type="publishable"
        ),
        Caller(
            "another merchant's key", bearer(victim.stranger_key), "key", "B", key_type="secret"
        ),
        _person("another merchant's owner", again(victim.stranger), "B", b, "owner"),
        _person("viewer", again(victim.viewer), "A", a, "viewer"),
        _person("developer", again(victim.developer), "A", a, "developer"),
        _person("owner", again(victim.owner), "A", a, "owner"),
        Caller("secret key", bearer(victim.secret_key), "key", "A", key_type="secret"),
        Caller(
            "live key on test objects",
            bearer(victim.live_key),
            "key",
            "A",
            key_type="secret",
            mode="live",
        ),
        Caller(
            "test key on live objects",
            bearer(victim.secret_key),
            "key",
            "A",
            key_type="secret",
            objects="live",
        ),
    ]
    key = created(
        gateway.post(
            f"/api/v1/projects/{victim.merchant.project_id}/api-keys",
            json={"type": "secret", "mode": "test", "name": "matrix target"},
            headers=victim.owner.headers(),
        )
    )
    clients = {caller.name: from_own_address(stack) for caller in callers}
    yield Cast(victim, callers, clients, key["id"])
    for client in clients.values():
        client.close()


def _path(cast: Cast, route: Route, objects: Objects) -> str:
    if route.key in CONSUMING:
        return cast.victim.path(
            route.path, objects, cast.key_id, endpoint_id=_fresh_endpoint(cast, objects)
        )
    return cast.victim.path(route.path, objects, cast.key_id)


def _fresh_endpoint(cast: Cast, objects: Objects) -> str:
    key = cast.victim.live_key if objects is cast.victim.live else cast.victim.secret_key
    endpoint = created(
        cast.clients["secret key"].post(
            "/api/v1/webhooks/endpoints",
            json={"url": objects.webhook_url, "enabledEvents": ["*"]},
            headers=with_key(bearer(key)),
        )
    )
    return str(endpoint["id"])


def _matches(want: Expected, got: httpx.Response) -> bool:
    if got.status_code >= 500:
        return False
    if want.status is None:
        return got.status_code not in REFUSED_BY_ADMISSION
    body = got.json() if got.headers.get("content-type", "").startswith("application/json") else {}
    code = str(body.get("error", {}).get("code"))
    if want is NOT_FOUND:
        return got.status_code == 404 and (
            code.endswith("_not_found") or code == "resource_missing"
        )
    return got.status_code == want.status and code == want.code


def test_every_route_answers_every_caller_as_its_rule_says(
    gateway: httpx.Client, cast: Cast
) -> None:
    routes = routes_of(gateway.get("/openapi.json").json())
    unruled = sorted(route.key for route in routes if route.key not in RULES)
    assert not unruled, f"routes without a rule in RULES: {unruled}"
    gone = sorted(set(RULES) - {route.key for route in routes})
    assert not gone, f"rules for routes the API no longer has: {gone}"

    ordered = sorted(routes, key=lambda route: route.key == LAST)
    victim = cast.victim
    wrong: list[str] = []
    checked = 0
    for route in ordered:
        rule = RULES[route.key]
        for caller in cast.callers:
            named = set(route.params) | BODY_OBJECTS.get(route.key, set())
            if caller.objects == "live" and not named & MODE_BOUND:
                continue  # the same cell as the secret key's
            objects = victim.live if caller.objects == "live" else victim.test
            want = expected(rule, caller, named)
            path = (
                _path(cast, route, objects)
                if want is ADMITTED
                else _path_refused(cast, route, objects)
            )
            headers = with_key(caller.headers)
            if rule is Rule.CHECKOUT:
                headers["Expe-Client-Secret"] = objects.client_secret
            body = BODIES.get(route.key)
            options: dict[str, Any] = {"headers": headers}
            if body is not None:
                options["json"] = body(objects)
            elif route.has_body and rule in (Rule.PUBLIC, Rule.PERSON):
                options["json"] = {}
            got = call(cast.clients[caller.name], route.method, path, **options)
            checked += 1
            if not _matches(want, got):
                wrong.append(
                    f"{route.method} {route.path} as {caller.name}: want {want}, "
                    f"got {got.status_code} {got.text[:160]}"
                )
    FIGURES.append(f"authorization matrix: {len(routes)} routes, {checked} route x caller cells")
    assert not wrong, "\n".join(wrong)


def _path_refused(cast: Cast, route: Route, objects: Objects) -> str:
    """The path of a call that must be refused: the shared objects (nothing is consumed)."""
    return cast.victim.path(route.path, objects, cast.key_id)
