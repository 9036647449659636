"""One payment is one trace in Jaeger: from the gateway through payments, the outbox relay and
Kafka to the webhooks and analytics consumers and the delivery to the merchant, with the
database, Redis and Kafka spans between them, each under the span that caused it."""

from __future__ import annotations

import secrets
from typing import Any

import httpx
import pytest

from devstack.accounts import bearer
from devstack.profile import Profile
from devstack.waiting import wait_until
from tests.e2e.conftest import Account, register
from tests.e2e.test_webhooks import CARD
from tests.receivers import Receiver, receiving

pytestmark = pytest.mark.e2e

Span = dict[str, Any]


def _trace(profile: Profile, trace_id: str) -> dict[str, Any] | None:
    answer = httpx.get(f"{profile.jaeger_url}/api/traces/{trace_id}", timeout=5)
    if answer.status_code == 404:
        return None
    answer.raise_for_status()
    (found,) = answer.json()["data"]
    return dict(found)


def _services(trace: dict[str, Any]) -> dict[str, str]:
    return {key: process["serviceName"] for key, process in trace["processes"].items()}


def _parent(span: Span) -> str | None:
    return next((r["spanID"] for r in span["references"] if r["refType"] == "CHILD_OF"), None)


def _ancestors(span: Span, by_id: dict[str, Span]) -> list[Span]:
    chain, parent = [], _parent(span)
    while parent is not None and parent in by_id:
        chain.append(by_id[parent])
        parent = _parent(by_id[parent])
    return chain


def test_a_payment_is_one_trace_across_the_mesh(
    gateway: httpx.Client, account: Account, profile: Profile
) -> None:
    # As an instrumented client would: the merchant's own trace, continued by Expe.
    trace_id = secrets.token_hex(16)
    traceparent = {"traceparent": f"00-{trace_id}-{secrets.token_hex(8)}-01"}
    with receiving(Receiver()) as receiver:
        register(gateway, account, receiver.url, ["payment.completed"])
        created = gateway.post(
            "/api/v1/payments",
            json={"amount": 2500, "currency": "INR", "orderId": f"ord_{secrets.token_hex(4)}"},
            headers={
                **bearer(account.secret_key),
                **traceparent,
                "Idempotency-Key": secrets.token_hex(8),
            },
        )
        assert created.status_code == 201, created.text
        payment_id = created.json()["id"]
        # Paid as the customer pays on the hosted checkout, with the payment's client secret.
        confirmed = gateway.post(
            f"/api/v1/checkout/payments/{payment_id}/confirm",
            json={"method": "card", "card": CARD},
            headers={"Expe-Client-Secret": created.json()["clientSecret"], **traceparent},
        )
        assert confirmed.status_code == 200, confirmed.text
        receiver.wait_for(1)  # the endpoint wants payment.completed only

    confirm_path = f"/api/v1/checkout/payments/{payment_id}/confirm"

    def complete() -> dict[str, Any] | None:
        found = _trace(profile, trace_id)
        if found is None:
            return None
        names = {(_services(found)[s["processID"]], s["operationName"]) for s in found["spans"]}
        # Each process exports on its own schedule: wait for every span the test reads.
        wanted = {
            ("expe-gateway", f"POST {confirm_path}"),
            ("expe-payments", f"POST {confirm_path}"),
            ("expe-payments", "publish payment.completed"),
            ("expe-webhooks", "consume payment.completed"),
            ("expe-webhooks", "deliver payment.completed"),
            ("expe-analytics", "consume payment.completed"),
        }
        # The checkout's answer names the merchant, asked of auth (a new merchant is not
        # remembered yet).
        asked_auth = any(
            service == "expe-auth" and operation.startswith("GET /internal/v1/merchants/")
            for service, operation in names
        )
        return found if wanted <= names and asked_auth else None

    found = wait_until(complete, timeout=30, what=f"trace {trace_id} to reach the delivery")
    services = _services(found)
    spans: list[Span] = found["spans"]
    by_id = {span["spanID"]: span for span in spans}

    def one(service: str, operation: str) -> Span:
        matching = [
            s
            for s in spans
            if services[s["processID"]] == service and s["operationName"] == operation
        ]
        assert matching, f"no {operation!r} span of {service} in {sorted(by_id)}"
        return matching[0]

    assert {services[s["processID"]] for s in spans} >= {
        "expe-gateway",
        "expe-auth",
        "expe-payments",
        "expe-webhooks",
        "expe-analytics",
    }
    at_gateway = one("expe-gateway", f"POST {confirm_path}")
    at_payments = one("expe-payments", f"POST {confirm_path}")
    published = one("expe-payments", "publish payment.completed")
    consumed = one("expe-webhooks", "consume payment.completed")
    delivered = one("expe-webhooks", "deliver payment.completed")
    analysed = one("expe-analytics", "consume payment.completed")

    # Each step under the one before it: the delivery's ancestry is the whole path.
    assert _parent(at_payments) == at_gateway["spanID"]
    assert at_payments in _ancestors(published, by_id)
    assert _parent(consumed) == published["spanID"]
    assert _parent(analysed) == published["spanID"]
    assert consumed in _ancestors(delivered, by_id)
    assert [s["spanID"] for s in _ancestors(delivered, by_id)][-2:] == [
        at_payments["spanID"],
        at_gateway["spanID"],
    ]
    delivery_status = {t["key"]: t["value"] for t in delivered["tags"]}
    assert delivery_status["http.response.status_code"] == 200

    # The stores the payment touched, each inside the request or event that used it.
    def under(store: str, service: str, parent: Span) -> bool:
        return any(
            services[s["processID"]] == service
            and s["operationName"].startswith(store)
            and parent in _ancestors(s, by_id)
            for s in spans
        )

    assert under("mongo ", "expe-payments", at_payments)
    assert under("redis ", "expe-gateway", at_gateway)
    assert under("mongo ", "expe-webhooks", consumed)
