"""The mesh is up and observable: health, readiness, metrics, request ids and traces in logs."""

from __future__ import annotations

import json
import secrets

import httpx
import pytest

from devstack.accounts import bearer
from devstack.profile import SERVICES
from devstack.stack import Stack
from devstack.waiting import wait_until
from tests.e2e.conftest import Account

pytestmark = pytest.mark.e2e


def test_gateway_health_reports_every_service_and_dependency_green(gateway: httpx.Client) -> None:
    response = gateway.get("/healthz")
    report = response.json()
    assert response.status_code == 200
    assert report["status"] == "ok", report
    assert set(report["services"]) == set(SERVICES)
    assert all(service["ok"] for service in report["services"].values())
    assert {"mongo", "kafka", "redis"} <= set(report["infrastructure"])
    assert all(dependency["ok"] for dependency in report["infrastructure"].values())


@pytest.mark.parametrize("name", SERVICES)
def test_each_service_is_ready_and_exposes_metrics(stack: Stack, name: str) -> None:
    url = stack[name].url
    ready = httpx.get(f"{url}/readyz", timeout=5)
    assert ready.status_code == 200
    assert set(ready.json()["checks"]) == {"mongo", "kafka", "redis"}
    metrics = httpx.get(f"{url}/metrics", timeout=5).text
    assert "expe_outbox_pending" in metrics
    assert "expe_events_consumed_total" in metrics


def test_request_id_and_trace_reach_the_service_logs(
    gateway: httpx.Client, stack: Stack, account: Account
) -> None:
    request_id = f"req-e2e-{secrets.token_hex(6)}"
    trace_id = secrets.token_hex(16)
    response = gateway.get(
        "/api/v1/analytics/payments/summary",
        headers={
            "X-Request-ID": request_id,
            "traceparent": f"00-{trace_id}-{'1' * 16}-01",
            **bearer(account.secret_key),
        },
    )
    assert response.status_code == 200
    assert response.headers["X-Request-ID"] == request_id

    def logged_line() -> dict | None:
        for line in stack["analytics"].log_lines():
            if request_id in line:
                return json.loads(line)
        return None

    entry = wait_until(logged_line, timeout=10, what="analytics to log the request")
    assert entry["requestId"] == request_id
    assert entry["traceId"] == trace_id
    assert entry["status"] == 200


def test_bad_query_through_the_gateway_gets_an_error_body(
    gateway: httpx.Client, account: Account
) -> None:
    response = gateway.get(
        "/api/v1/analytics/payments/summary",
        params={"from": "yesterday"},
        headers=bearer(account.secret_key),
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "parameter_invalid"
    assert error["param"] == "from"
    assert error["requestId"] == response.headers["X-Request-ID"]


def test_a_form_body_through_the_gateway_is_told_to_be_json(
    gateway: httpx.Client, account: Account
) -> None:
    # What `curl -d 'amount=1000&currency=INR'` sends.
    response = gateway.post(
        "/api/v1/payments",
        data={"amount": "1000", "currency": "INR", "orderId": "o-1"},
        headers={**bearer(account.secret_key), "Idempotency-Key": secrets.token_hex(8)},
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["param"]) == ("body_not_json", None)
    assert "Content-Type: application/json" in error["message"]


def test_services_refuse_calls_that_bypass_the_gateway(stack: Stack, account: Account) -> None:
    direct = httpx.get(
        f"{stack['analytics'].url}/api/v1/analytics/payments/summary",
        headers={"X-Expe-Identity": "eyJraW5kIjoiZ2F0ZXdheSJ9", "X-Expe-Signature": "t=1,v1=0"},
    )
    assert direct.status_code == 401
    assert direct.json()["error"]["code"] == "invalid_internal_signature"
