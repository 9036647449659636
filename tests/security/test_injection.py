"""Hostile input gets a clean refusal: MongoDB operators in every string field of every request
body and in every query parameter, CR/LF in echoed headers, traversal and odd bytes in ids,
oversized and deeply nested bodies. Never a 500, never a 2xx that acted on the input."""

from __future__ import annotations

import copy
import json
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from devstack.accounts import bearer, create_key
from devstack.stack import Stack
from gateway.access import Audience, audience_of
from tests.security.bodies import WELL_FORMED
from tests.security.conftest import FIGURES, Victim, call, from_own_address, with_key

pytestmark = pytest.mark.e2e

OPERATORS: tuple[Any, ...] = ({"$gt": ""}, {"$where": "sleep(100)"}, {"$ne": None})
# A query string carries text: the operators as JSON, and as a bare operator name.
QUERY_VALUES = (*(json.dumps(operator) for operator in OPERATORS), "$ne", "[$ne]")
METHODS = ("get", "post", "put", "patch", "delete")
# A JSON path into a body: keys of objects, 0 for an array's first item.
FieldPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    spec: dict[str, Any]

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.path)


@pytest.fixture(scope="module")
def document(gateway: httpx.Client) -> dict[str, Any]:
    return dict(gateway.get("/openapi.json").json())


@pytest.fixture(scope="module")
def operations(document: dict[str, Any]) -> list[Operation]:
    return [
        Operation(method.upper(), path, op)
        for path, item in document["paths"].items()
        for method, op in item.items()
        if method in METHODS
    ]


@pytest.fixture(scope="module")
def key_id(gateway: httpx.Client, victim: Victim) -> str:
    return str(create_key(gateway, victim.merchant, type="publishable")["id"])


@pytest.fixture(scope="module")
def client(stack: Stack) -> Iterator[httpx.Client]:
    with from_own_address(stack) as client:
        yield client


def _resolved(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].split("/")[-1]]
    return schema


def string_fields(
    schema: dict[str, Any], document: dict[str, Any], at: FieldPath = ()
) -> list[FieldPath]:
    """Where a body of `schema` holds strings, nested objects and arrays included."""
    schema = _resolved(schema, document)
    found: list[FieldPath] = []
    for option in schema.get("anyOf", []) + schema.get("oneOf", []):
        found += string_fields(option, document, at)
    if schema.get("type") == "string":
        found.append(at)
    if schema.get("type") == "array" and "items" in schema:
        found += string_fields(schema["items"], document, (*at, 0))
    for name, prop in schema.get("properties", {}).items():
        found += string_fields(prop, document, (*at, name))
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict):
        found += string_fields(extra, document, (*at, "note"))
    return list(dict.fromkeys(found))


def with_value(body: Any, at: FieldPath, value: Any) -> Any:
    """A copy of `body` with `value` at `at`, the objects and arrays on the way made as needed."""
    changed = copy.deepcopy(body) if isinstance(body, dict) else {}
    holder: Any = changed
    for step, following in zip(at, (*at[1:], None), strict=True):
        if following is None:
            break
        nxt: Any = [] if isinstance(following, int) else {}
        if isinstance(holder, list):
            if not holder or not isinstance(holder[0], type(nxt)):
                holder[:1] = [nxt]
            holder = holder[0]
        else:
            if not isinstance(holder.get(step), type(nxt)):
                holder[step] = nxt
            holder = holder[step]
    last = at[-1]
    if isinstance(holder, list):
        holder[:1] = [value]
    else:
        holder[last] = value
    return changed


class Sender:
    """Sends a request to an operation as a caller it admits, on the victim's real objects."""

    def __init__(self, stack: Stack, victim: Victim, key_id: str) -> None:
        self.stack = stack
        self.victim = victim
        self.key_id = key_id

    def headers(self, op: Operation) -> dict[str, str]:
        audience = audience_of(op.method, op.path.replace("{", "").replace("}", ""))
        victim = self.victim
        if audience is Audience.DASHBOARD:
            return with_key(victim.owner.headers(victim.merchant_id))
        if audience is Audience.API:
            return with_key(bearer(victim.secret_key))
        headers = with_key({})
        if audience is Audience.CHECKOUT:
            headers["Expe-Client-Secret"] = victim.test.client_secret
        return headers

    def send(self, client: httpx.Client, op: Operation, **options: Any) -> httpx.Response:
        path = self.victim.path(op.path, self.victim.test, self.key_id)
        return call(client, op.method, path, headers=self.headers(op), **options)


def _refused(response: httpx.Response) -> bool:
    """A 4xx with the API's error body."""
    if not 400 <= response.status_code < 500:
        return False
    try:
        return bool(response.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        return False


def _nothing_found(response: httpx.Response) -> bool:
    """A 2xx that matched nothing: an empty page, or a CSV of its header line only."""
    if not 200 <= response.status_code < 300:
        return False
    if response.headers.get("content-type", "").startswith("text/csv"):
        return len(response.text.strip().splitlines()) <= 1
    body = response.json()
    return isinstance(body, dict) and body.get("data") == []


def test_operators_in_every_string_field_of_every_body_are_refused(
    document: dict[str, Any], operations: list[Operation], victim: Victim, key_id: str, stack: Stack
) -> None:
    sender = Sender(stack, victim, key_id)
    wrong: list[str] = []
    tried = 0
    for op in operations:
        schema = op.spec.get("requestBody", {}).get("content", {}).get("application/json")
        if schema is None:
            continue
        base = WELL_FORMED.get(op.key, lambda _: {})(victim.test)
        # Its own address per operation: sign-ups and reset emails are limited per address.
        with from_own_address(stack) as client:
            for at in string_fields(schema["schema"], document):
                for operator in OPERATORS:
                    got = sender.send(client, op, json=with_value(base, at, operator))
                    tried += 1
                    if not _refused(got):
                        wrong.append(
                            f"{op.method} {op.path} {'.'.join(map(str, at))}={operator}: "
                            f"{got.status_code} {got.text[:160]}"
                        )
    FIGURES.append(f"injection: {tried} operator payloads in body fields")
    assert tried > 100
    assert not wrong, "\n".join(wrong)


def test_operators_in_every_query_parameter_find_nothing_or_are_refused(
    operations: list[Operation], victim: Victim, key_id: str, stack: Stack, client: httpx.Client
) -> None:
    sender = Sender(stack, victim, key_id)
    wrong: list[str] = []
    tried = 0
    for op in operations:
        names = [p["name"] for p in op.spec.get("parameters", []) if p.get("in") == "query"]
        for name in names:
            for value in QUERY_VALUES:
                got = sender.send(client, op, params={name: value})
                tried += 1
                if not (_refused(got) or _nothing_found(got)):
                    wrong.append(
                        f"{op.method} {op.path}?{name}={value}: {got.status_code} {got.text[:160]}"
                    )
    FIGURES.append(f"injection: {tried} operator payloads in query parameters")
    assert tried > 50
    assert not wrong, "\n".join(wrong)


def raw_exchange(stack: Stack, request: bytes) -> tuple[int, dict[str, list[str]]]:
    """Sends `request` as bytes (no client library to clean it up); the status and headers of
    the answer, or status 0 when the server closed the connection without one."""
    url = urlsplit(stack["gateway"].url)
    with socket.create_connection((url.hostname, url.port), timeout=15) as connection:
        connection.sendall(request)
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = connection.recv(65536)
            if not chunk:
                break
            received += chunk
    head = received.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    if not head:
        return 0, {}
    status_line, *lines = head.split("\r\n")
    headers: dict[str, list[str]] = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    return int(status_line.split()[1]), headers


def _raw_get(path: str, headers: dict[str, bytes]) -> bytes:
    lines = [f"GET {path} HTTP/1.1".encode(), b"Host: gateway", b"Connection: close"]
    lines += [name.encode() + b": " + value for name, value in headers.items()]
    return b"\r\n".join(lines) + b"\r\n\r\n"


SPLITTERS = (b"\r", b"\n", b"\r\n", b"\x00", b"%0d%0a", "é\u2028".encode())


def test_line_breaks_in_echoed_headers_never_reach_an_answer(stack: Stack, victim: Victim) -> None:
    tried = 0
    for name in ("X-Request-ID", "Idempotency-Key", "Expe-Merchant", "Expe-Mode"):
        for splitter in SPLITTERS:
            value = b"req_abc" + splitter + b"X-Injected: yes"
            request = _raw_get(
                "/api/v1/payments",
                {"Authorization": f"Bearer {victim.secret_key}".encode(), name: value},
            )
            status, headers = raw_exchange(stack, request)
            tried += 1
            assert "x-injected" not in headers, (name, splitter, headers)
            assert status == 0 or 200 <= status < 500, (name, splitter, status)
            for echoed in headers.get("x-request-id", []):
                assert "injected" not in echoed.lower(), (name, splitter, echoed)
    FIGURES.append(f"injection: {tried} header values with line breaks")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/hooks\r\nX-Injected: yes",
        "http://127.0.0.1:9/hooks\nX-Injected: yes",
        "http://127.0.0.1:9/ho\x00oks",
        "http://127.0.0.1:9/hooks HTTP/1.1\r\nHost: evil",
    ],
)
def test_a_webhook_url_with_line_breaks_is_refused(
    gateway: httpx.Client, victim: Victim, url: str
) -> None:
    headers = with_key(bearer(victim.secret_key))
    made = gateway.post("/api/v1/webhooks/endpoints", json={"url": url}, headers=headers)
    assert _refused(made), made.text
    endpoint = victim.test.values["endpoint_id"]
    changed = gateway.patch(
        f"/api/v1/webhooks/endpoints/{endpoint}", json={"url": url}, headers=headers
    )
    assert _refused(changed), changed.text


ODD_IDS = (
    "..",
    "..%2f..%2fmerchants",
    "%2e%2e%2f%2e%2e%2fauth%2fme",
    "%2e%2e",
    "pay_%00",
    "%00",
    "pay_%0d%0aX-Injected:%20yes",
    "pay_" + "a" * 4000,
    "pay_" + "a" * 60_000,
    "pay_%E2%9C%93",
    "%ff%fe",
    "pay_%22%3E%3Cscript%3E",
    "*",
    "%2a",
    "pay_%7B%22%24gt%22%3A%22%22%7D",
)
ID_ROUTES = (
    "/api/v1/payments/{}",
    "/api/v1/payments/{}/refunds",
    "/api/v1/checkout/payments/{}",
    "/api/v1/payment-links/{}",
    "/api/v1/checkout/links/{}",
    "/api/v1/wallets/{}",
    "/api/v1/wallets/{}/entries?format=csv",
    "/api/v1/topups/{}",
    "/api/v1/webhooks/endpoints/{}",
    "/api/v1/webhooks/attempts/{}",
    "/api/v1/merchants/{}",
    "/api/v1/projects/{}/api-keys",
)


def test_traversal_and_odd_bytes_in_ids_find_nothing(stack: Stack, victim: Victim) -> None:
    tried = 0
    for template in ID_ROUTES:
        dashboard = template.startswith(("/api/v1/merchants", "/api/v1/projects"))
        credentials = victim.owner.headers() if dashboard else bearer(victim.secret_key)
        for odd in ODD_IDS:
            request = _raw_get(
                template.format(odd),
                {name: value.encode() for name, value in credentials.items()},
            )
            status, headers = raw_exchange(stack, request)
            tried += 1
            assert 400 <= status < 500, (template, odd[:40], status)
            assert "x-injected" not in headers, (template, odd[:40], headers)
    FIGURES.append(f"injection: {tried} traversal and odd-byte ids")


def test_a_body_over_the_limit_is_refused_with_413(gateway: httpx.Client, victim: Victim) -> None:
    headers = {**with_key(bearer(victim.secret_key)), "Content-Type": "application/json"}
    huge = b'{"amount": 100, "currency": "INR", "orderId": "' + b"a" * 2_000_000 + b'"}'
    declared = gateway.post("/api/v1/payments", content=huge, headers=headers)
    assert declared.status_code == 413, declared.text
    assert declared.json()["error"]["code"] == "payload_too_large"

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit is found while reading
        for start in range(0, len(huge), 65536):
            yield huge[start : start + 65536]

    streamed = gateway.post("/api/v1/payments", content=chunks(), headers=with_key(headers))
    assert streamed.status_code == 413, streamed.text


@pytest.mark.parametrize("depth", [40, 300, 1_000, 100_000])
@pytest.mark.parametrize("shape", ["objects", "arrays", "in metadata"])
def test_deeply_nested_json_is_refused_cleanly(
    gateway: httpx.Client, victim: Victim, depth: int, shape: str
) -> None:
    if shape == "objects":
        body = '{"a":' * depth + "1" + "}" * depth
    elif shape == "arrays":
        body = "[" * depth + "]" * depth
    else:
        nested = '{"a":' * depth + '"x"' + "}" * depth
        body = f'{{"amount": 100, "currency": "INR", "orderId": "o_1", "metadata": {nested}}}'
    headers = {**with_key(bearer(victim.secret_key)), "Content-Type": "application/json"}
    answer = call(gateway, "POST", "/api/v1/payments", content=body, headers=headers)
    assert answer.status_code == 400, answer.text
    assert answer.json()["error"]["code"] in ("body_too_deep", "parameter_invalid")
