"""Fuzzing the whole API through the gateway (schemathesis), as each kind of caller, with real
credentials and real objects in the paths, so that requests get past authentication and the
lookups and reach the handlers: not one answer may be a server error, and every answer is one
the document describes (status, content type, body schema).

tests/e2e/test_openapi.py holds the document to the API with every check schemathesis has and
its slow boundary-value phase; this run is bounded instead (a fixed number of examples per
operation, a fixed seed, so it sends the same requests each time in at most about 3 minutes),
and goes deeper: its path parameters name objects that exist, so a refund, a key rotation or a
checkout confirm is fuzzed past its 404. It prints the count of requests sent.

For a longer hunt, raise the examples per operation: EXPE_FUZZ_EXAMPLES=500.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from devstack.accounts import SEEN, Merchant, bearer, create_key, create_merchant, sign_up
from devstack.waiting import wait_until
from tests.e2e.schemathesis_runs import (
    ACCOUNT_DELETION,
    DASHBOARD,
    DASHBOARD_EXCLUDED,
    GET_CONFIG,
    run_schemathesis,
)
from tests.receivers import Receiver, receiving
from tests.security.conftest import FIGURES

pytestmark = pytest.mark.e2e

EXAMPLES = 25
SEED = 20261213
CHECKS = ",".join(
    (
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
    )
)
CHECKOUT = r"^/api/v1/checkout/"


@dataclass(frozen=True)
class Fuzzed:
    """A merchant of the run's own, its credentials, and one object of each kind."""

    merchant: Merchant
    secret_key: str
    publishable_key: str
    # Every path parameter and context header, by location and name: `path.payment_id`.
    parameters: dict[str, str]


def _created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code in (200, 201), response.text
    return dict(response.json())


def _fuzzed(gateway: httpx.Client, merchant: Merchant, receiver_url: str) -> Fuzzed:
    secret_key = str(create_key(gateway, merchant)["secret"])
    headers = bearer(secret_key)

    def post(path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        idempotent = {**headers, "Idempotency-Key": secrets.token_hex(8)}
        return _created(gateway.post(path, json=body, headers=idempotent))

    payment = post("/api/v1/payments", {"amount": 5_000, "currency": "INR", "orderId": "ord_fz"})
    wallet = post("/api/v1/wallets", {"currency": "INR"})
    topup = post(
        "/api/v1/topups", {"walletId": wallet["id"], "amount": 100_000, "source": {"type": "upi"}}
    )
    endpoint = post("/api/v1/webhooks/endpoints", {"url": receiver_url, "enabledEvents": ["*"]})
    SEEN.add(endpoint["secret"])
    post(f"/api/v1/webhooks/endpoints/{endpoint['id']}/test")
    attempts = wait_until(
        lambda: gateway.get(
            "/api/v1/webhooks/attempts", params={"endpointId": endpoint["id"]}, headers=headers
        ).json()["data"],
        timeout=30,
        what="a webhook attempt to the endpoint",
    )
    return Fuzzed(
        merchant,
        secret_key=secret_key,
        publishable_key=str(create_key(gateway, merchant, type="publishable")["secret"]),
        parameters={
            "path.payment_id": payment["id"],
            "path.wallet_id": wallet["id"],
            "path.movement_id": topup["id"],
            "path.endpoint_id": endpoint["id"],
            "path.attempt_id": attempts[0]["id"],
            "path.merchant_id": merchant.merchant_id,
            "path.project_id": merchant.project_id,
            # A key of its own for the key routes to rotate and revoke, never the run's.
            "path.key_id": create_key(gateway, merchant)["id"],
            "path.user_id": merchant.owner.user_id,
            # The context headers name the run's merchant and mode: a drawn one is refused
            # before any handler runs, which is tested once, not fuzzed through every route.
            "header.Expe-Merchant": merchant.merchant_id,
            "header.Expe-Mode": "test",
            "header.Expe-Client-Secret": payment["clientSecret"],
        },
    )


@pytest.fixture(scope="module")
def fuzzed(gateway: httpx.Client, mailpit_url: str) -> Iterator[Fuzzed]:
    merchant = create_merchant(gateway, sign_up(gateway, mailpit_url))
    with receiving(Receiver()) as receiver:
        yield _fuzzed(gateway, merchant, receiver.url)


def _headers(headers: dict[str, str]) -> list[str]:
    return [
        option for name, value in headers.items() for option in ("--header", f"{name}: {value}")
    ]


def _config(folder: Path, parameters: dict[str, str]) -> Path:
    """Schemathesis' configuration: the real objects' ids as the path parameters' values."""
    fixed = "\n".join(
        f"{json.dumps(name)} = {json.dumps(value)}" for name, value in parameters.items()
    )
    config = folder / "schemathesis.toml"
    config.write_text(f"[parameters]\n{fixed}\n{GET_CONFIG}")
    return config


def schemathesis(gateway_url: str, folder: Path, parameters: dict[str, str], *options: str) -> int:
    """Runs schemathesis; the number of requests it sent, read from its HAR record."""
    har = folder / "requests.har"
    examples = os.environ.get("EXPE_FUZZ_EXAMPLES", str(EXAMPLES))
    run_schemathesis(
        gateway_url,
        _config(folder, parameters),
        *("--checks", CHECKS, "--phases", "examples,fuzzing"),
        *("--max-examples", examples, "--seed", str(SEED), "--generation-deterministic"),
        *("--report", "har", "--report-har-path", str(har)),
        *options,
        timeout=300,
    )
    return len(json.loads(har.read_text())["log"]["entries"])


@pytest.mark.timeout(600)
def test_no_request_gets_a_server_error(
    gateway: httpx.Client, fuzzed: Fuzzed, tmp_path_factory: pytest.TempPathFactory
) -> None:
    url = str(gateway.base_url).rstrip("/")
    runs = {
        "secret key": (
            *_headers(bearer(fuzzed.secret_key)),
            "--exclude-path-regex",
            f"{DASHBOARD}|{CHECKOUT}",
        ),
        "dashboard login": (
            *_headers(bearer(fuzzed.merchant.owner.access_token)),
            "--include-path-regex",
            DASHBOARD,
            "--exclude-path-regex",
            DASHBOARD_EXCLUDED,
            "--exclude-operation-id",
            ACCOUNT_DELETION,
        ),
        "customer at checkout": (
            *_headers(bearer(fuzzed.publishable_key)),
            "--include-path-regex",
            CHECKOUT,
        ),
    }
    sent = {
        caller: schemathesis(url, tmp_path_factory.mktemp("fuzz"), fuzzed.parameters, *options)
        for caller, options in runs.items()
    }
    counts = ", ".join(f"{count} as the {caller}" for caller, count in sent.items())
    FIGURES.append(f"schemathesis: {sum(sent.values())} requests, no server error ({counts})")


def _post(gateway: httpx.Client, fuzzed: Fuzzed, path: str, body: dict[str, Any]) -> httpx.Response:
    """A POST of `body` as JSON that escapes every non-ASCII character (`\\ud800` too)."""
    headers = {**bearer(fuzzed.secret_key), "Idempotency-Key": secrets.token_hex(8)}
    headers["Content-Type"] = "application/json"
    return gateway.post(path, content=json.dumps(body), headers=headers)


def test_what_fuzzing_found_is_answered_as_a_mistake_of_the_caller(
    gateway: httpx.Client, fuzzed: Fuzzed
) -> None:
    message = {"secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "body": "{}"}
    now = str(int(time.time()))
    for signature, timestamp in (("v1,\u00e9", now), ("v1,abc", "1" + "0" * 400)):
        headers = {"webhook-id": "msg_1", "webhook-timestamp": timestamp}
        headers["webhook-signature"] = signature
        answer = _post(gateway, fuzzed, "/api/v1/webhooks/verify", {**message, "headers": headers})
        assert answer.status_code == 200, answer.text
        assert answer.json()["reason"] == "malformed_header"
    lone = {"webhook-id": "msg_\ud800", "webhook-timestamp": now, "webhook-signature": "v1,a"}
    refused = _post(gateway, fuzzed, "/api/v1/webhooks/verify", {**message, "headers": lone})
    assert refused.status_code == 400, refused.text
    assert "surrogate" in refused.json()["error"]["message"]
    payment = {"amount": 100, "currency": "INR", "orderId": "o", "metadata": {"k": "\udc00"}}
    refused = _post(gateway, fuzzed, "/api/v1/payments", payment)
    assert refused.status_code == 400, refused.text
    assert refused.json()["error"]["code"] == "parameter_invalid"
