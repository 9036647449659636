"""One OpenAPI document for the whole API, served at `/openapi.json`.

Each service describes its own routes (shared/openapi.py) and serves that at its own
`/openapi.json`; the gateway fetches them, keeps the public routes (those its routing sends to
that service), and adds what only the gateway knows: who may call a route (from the same rules
that admit requests, gateway/access.py), the headers that pick a merchant and a mode, rate
limits and their headers, and the errors the gateway itself answers. A service that does not
answer leaves its routes out until it does, and the document says so in `x-expe-missing`.
"""

from __future__ import annotations

import asyncio
import copy
import gzip
import json
import logging
import re
import time
from collections.abc import Callable, Mapping
from typing import Any

from gateway.access import (
    ApiKeyNotAllowed,
    Audience,
    PublishableKeyNotAllowed,
    audience_of,
)
from gateway.credentials import (
    MERCHANT_ID,
    ContextHeaderInvalid,
    InvalidAccessToken,
    InvalidApiKey,
    IpNotAllowed,
)
from gateway.routing import service_for
from shared.errors import (
    ExpeError,
    PayloadTooLarge,
    RateLimited,
    ServiceUnavailable,
    Unauthenticated,
    UpstreamTimeout,
)
from shared.internal_http import ServiceClient
from shared.openapi import API_VERSION, add_errors, add_examples, rename_schemas

logger = logging.getLogger(__name__)

# A complete document is kept this long, so a deployed service's new routes show up soon.
_FRESH_SECONDS = 60.0
_FETCH_TIMEOUT_SECONDS = 5.0
_PUBLIC_PREFIXES = ("/api/v1/", "/.well-known/")
_SCHEMA_REF = re.compile(r'"#/components/schemas/([^"]+)"')

DESCRIPTION = """\
The Expe API: payments, refunds, wallets, webhooks and analytics, over HTTPS with JSON.

**Authentication.** Servers send a secret key, `Authorization: Bearer sk_test_…` (test mode) or
`sk_live_…`; publishable keys (`pk_…`) reach only the checkout routes; people in the dashboard
send the access token from `POST /api/v1/auth/login`, plus `Expe-Merchant` (the merchant they act
for) and `Expe-Mode` (`test` or `live`). Each operation lists the credentials it accepts.

**Idempotency.** Every `POST` takes an `Idempotency-Key`: the same key and body answer the first
response again (`Idempotent-Replayed: true`) for 24 hours; another body is refused with 409
`idempotency_key_reused`.

**Errors** always have the body `{"error": {type, code, message, param, requestId}}` and the
status that fits; each operation lists the codes it can answer, with an example of each.

**Rate limits.** Every answer carries `RateLimit-Limit`, `RateLimit-Remaining` and
`RateLimit-Reset` (seconds); over the limit, 429 with `Retry-After`. `GET /api/v1/rate-limits`
shows the caller's buckets.

**Lists** take `page` and `limit` (at most 100) and answer `{data, page, limit, total, hasMore}`.

**Money** is an integer in the currency's minor unit (paise for INR) with an ISO 4217 code.
"""

SECURITY_SCHEMES = {
    "secretKey": {
        "type": "http",
        "scheme": "bearer",
        "description": "A secret API key, `sk_test_…` or `sk_live_…`: for your server only.",
    },
    "publishableKey": {
        "type": "http",
        "scheme": "bearer",
        "description": "A publishable key, `pk_test_…` or `pk_live_…`: the checkout routes only.",
    },
    "accessToken": {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "A person's access token from `POST /api/v1/auth/login` (15 minutes).",
    },
}

PARAMETERS = {
    "ExpeMerchant": {
        "name": "Expe-Merchant",
        "in": "header",
        "required": False,
        "description": "With an access token: the merchant to act for (`mer_…`). An API key "
        "acts for its own merchant; sent with one, this must name that merchant.",
        "schema": {"type": "string", "pattern": MERCHANT_ID.pattern},
    },
    "ExpeMode": {
        "name": "Expe-Mode",
        "in": "header",
        "required": False,
        "description": "With an access token: `test` (the default) or `live`. An API key's "
        "mode is its own (`sk_test_` or `sk_live_`); sent with one, this must match it.",
        "schema": {"type": "string", "enum": ["test", "live"], "default": "test"},
    },
    "ExpeClientSecret": {
        "name": "Expe-Client-Secret",
        "in": "header",
        "required": False,
        "description": "The payment's `clientSecret`: what opens it on the checkout without "
        "a secret key.",
        "schema": {"type": "string", "maxLength": 200},
    },
}

HEADERS = {
    "X-Request-ID": {
        "description": "This request's id (yours when you sent a plain one); quote it to "
        "support. Also in every error body as `requestId`.",
        "schema": {"type": "string"},
    },
    "RateLimit-Limit": {
        "description": "Requests allowed in the caller's current window.",
        "schema": {"type": "integer"},
    },
    "RateLimit-Remaining": {
        "description": "Requests left in the window.",
        "schema": {"type": "integer"},
    },
    "RateLimit-Reset": {
        "description": "Seconds until the window is full again.",
        "schema": {"type": "integer"},
    },
    "Retry-After": {
        "description": "Seconds to wait before retrying.",
        "schema": {"type": "integer"},
    },
    "Idempotent-Replayed": {
        "description": "`true` when this is the stored answer to an earlier request with the "
        "same `Idempotency-Key`.",
        "schema": {"type": "string", "enum": ["true"]},
    },
}

_EVERY_ANSWER_HEADERS = (
    "X-Request-ID",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
)

_SECURITY = {
    Audience.PUBLIC: [{}],
    Audience.DASHBOARD: [{"accessToken": []}],
    # The payment's client secret (a header) opens it for anyone; keys and members need none.
    Audience.CHECKOUT: [{}, {"publishableKey": []}, {"secretKey": []}, {"accessToken": []}],
    Audience.API: [{"secretKey": []}, {"accessToken": []}],
}

_REFUSALS: dict[Audience, tuple[type[ExpeError], ...]] = {
    Audience.PUBLIC: (),
    Audience.DASHBOARD: (
        Unauthenticated,
        InvalidAccessToken,
        ApiKeyNotAllowed,
        IpNotAllowed,
        ContextHeaderInvalid,
    ),
    Audience.CHECKOUT: (InvalidAccessToken, InvalidApiKey, IpNotAllowed),
    Audience.API: (
        Unauthenticated,
        InvalidAccessToken,
        InvalidApiKey,
        IpNotAllowed,
        PublishableKeyNotAllowed,
        ContextHeaderInvalid,
    ),
}

TAG_DESCRIPTIONS = {
    "payments": "Payments your customers pay on the hosted checkout, by card, UPI or wallet.",
    "checkout": "What the hosted checkout calls with a payment's client secret.",
    "payment links": "Shareable links that make a payment for whoever opens them.",
    "wallets": "Wallets, top-ups and transfers on a double-entry ledger.",
    "webhooks": "Endpoints, signed deliveries (Standard Webhooks), attempts and replays.",
    "analytics": "Summaries of the merchant's payments.",
    "gateway": "What the gateway itself answers: rate limits and the request log.",
}


def public_part(service: str, document: Mapping[str, Any]) -> dict[str, Any]:
    """The service's routes the gateway forwards to it; its internal ones are left out."""
    part = copy.deepcopy(dict(document))
    part["paths"] = {
        path: item
        for path, item in part.get("paths", {}).items()
        if path.startswith(_PUBLIC_PREFIXES) and service_for(path) == service
    }
    return part


def merge(own: Mapping[str, Any], services: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The whole API from the gateway's own document and each service's (name → document)."""
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    examples: dict[str, Any] = {}
    owners: dict[str, str] = {}
    parts = [("gateway", copy.deepcopy(dict(own)))]
    parts += [(name, public_part(name, document)) for name, document in services.items()]
    for name, part in parts:
        own_schemas = part.get("components", {}).get("schemas", {})
        # Two services may name different models alike: the later one is renamed, and so are
        # its references.
        clashes = {
            schema_name: name.capitalize() + schema_name
            for schema_name, schema in own_schemas.items()
            if schema_name in schemas and schemas[schema_name] != schema
        }
        if clashes:
            part = rename_schemas(part, clashes)
        schemas.update(part.get("components", {}).get("schemas", {}))
        for code, example in part.get("components", {}).get("examples", {}).items():
            examples.setdefault(code, example)
        for path, item in part.get("paths", {}).items():
            if path.startswith(_PUBLIC_PREFIXES):
                paths.setdefault(path, {}).update(item)
                owners[path] = name
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "Expe API",
            "version": API_VERSION,
            "description": DESCRIPTION,
            "license": {"name": "Apache 2.0", "identifier": "Apache-2.0"},
        },
        "servers": [{"url": "/", "description": "This gateway"}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(schemas.items())),
            "examples": examples,
            "securitySchemes": SECURITY_SCHEMES,
            "parameters": PARAMETERS,
            "headers": HEADERS,
        },
        "tags": [
            {"name": tag, "description": description}
            for tag, description in TAG_DESCRIPTIONS.items()
        ],
    }
    for path, item in document["paths"].items():
        for method, operation in item.items():
            _as_the_gateway_answers(path, method, operation)
    add_examples(document)
    document["components"]["examples"] = dict(sorted(examples.items()))
    document["components"]["schemas"] = _referenced(document)
    _unique_operation_ids(document, owners)
    return document


def _referenced(document: dict[str, Any]) -> dict[str, Any]:
    """The schemas the paths use, directly or through other schemas: an internal route's models
    stay out with the route."""
    schemas: dict[str, Any] = document["components"]["schemas"]
    used: set[str] = set()
    pending = [json.dumps(document["paths"]), json.dumps(document["components"]["examples"])]
    while pending:
        for name in _SCHEMA_REF.findall(pending.pop()):
            if name not in used and name in schemas:
                used.add(name)
                pending.append(json.dumps(schemas[name]))
    return {name: schema for name, schema in schemas.items() if name in used}


def _unique_operation_ids(document: dict[str, Any], owners: Mapping[str, str]) -> None:
    """Two services may name a route's function alike; the later one takes its service's name."""
    seen: set[str] = set()
    for path, item in document["paths"].items():
        for operation in item.values():
            operation_id = operation.get("operationId")
            if operation_id is None:
                continue
            if operation_id in seen:
                service = owners.get(path, "gateway")
                operation_id = service + operation_id[0].upper() + operation_id[1:]
                operation["operationId"] = operation_id
            seen.add(operation_id)


def _as_the_gateway_answers(path: str, method: str, operation: dict[str, Any]) -> None:
    audience = audience_of(method.upper(), path)
    operation["security"] = _SECURITY[audience]
    parameters = operation.setdefault("parameters", [])
    headers = {
        ("ExpeMerchant", audience in (Audience.API, Audience.DASHBOARD)),
        ("ExpeMode", audience in (Audience.API, Audience.DASHBOARD)),
        ("ExpeClientSecret", audience is Audience.CHECKOUT),
    }
    declared = {str(p.get("name", "")).lower() for p in parameters}
    for component, applies in sorted(headers):
        # A route that reads the header itself already declares it.
        if applies and str(PARAMETERS[component]["name"]).lower() not in declared:
            parameters.append({"$ref": f"#/components/parameters/{component}"})
    responses = operation.setdefault("responses", {})
    refusals: list[type[ExpeError]] = [*_REFUSALS[audience], RateLimited]
    refusals += [ServiceUnavailable, UpstreamTimeout]
    if "requestBody" in operation:
        refusals.append(PayloadTooLarge)
    add_errors(responses, refusals)
    replays = any(p.get("name") == "Idempotency-Key" for p in parameters)
    for status, answer in responses.items():
        headers = answer.setdefault("headers", {})
        for name in _EVERY_ANSWER_HEADERS:
            headers[name] = {"$ref": f"#/components/headers/{name}"}
        if status in ("429", "503"):
            headers["Retry-After"] = {"$ref": "#/components/headers/Retry-After"}
        if replays and status.startswith("2"):
            headers["Idempotent-Replayed"] = {"$ref": "#/components/headers/Idempotent-Replayed"}


class ApiDocument:
    """The merged document, fetched from the services when first asked and kept a minute, as
    JSON bytes and gzipped (it is a few hundred kilobytes)."""

    def __init__(
        self, own: Callable[[], Mapping[str, Any]], clients: Mapping[str, ServiceClient]
    ) -> None:
        self._own = own
        self._clients = clients
        self._encoded: tuple[bytes, bytes] | None = None
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()

    async def encoded(self) -> tuple[bytes, bytes]:
        """The document as JSON, and the same gzipped."""
        async with self._lock:
            if self._encoded is None or time.monotonic() - self._fetched_at > _FRESH_SECONDS:
                document = await self._build()
                plain = json.dumps(document, separators=(",", ":")).encode()
                self._encoded = plain, gzip.compress(plain, compresslevel=6)
                # An incomplete document is built again on the next request.
                complete = not document.get("x-expe-missing")
                self._fetched_at = time.monotonic() if complete else 0.0
            return self._encoded

    async def _build(self) -> dict[str, Any]:
        names = list(self._clients)
        answers = await asyncio.gather(
            *(self._fetch(self._clients[name]) for name in names), return_exceptions=True
        )
        found: dict[str, Mapping[str, Any]] = {}
        missing: list[str] = []
        for name, answer in zip(names, answers, strict=True):
            if isinstance(answer, BaseException):
                logger.warning("no OpenAPI document from %s: %s", name, answer)
                missing.append(name)
            else:
                found[name] = answer
        document = merge(self._own(), found)
        if missing:
            document["x-expe-missing"] = missing
        return document

    @staticmethod
    async def _fetch(client: ServiceClient) -> Mapping[str, Any]:
        response = await client.request("GET", "/openapi.json", timeout=_FETCH_TIMEOUT_SECONDS)
        if response.status_code != 200:
            raise ServiceUnavailable(f"{client.service} answered {response.status_code}")
        document: Mapping[str, Any] = response.json()
        return document
