"""Retries and timeouts, against a local stand-in for the API that answers as told."""

from __future__ import annotations

import json
import time

import httpx
import pytest

import expe
from expe._transport import BACKOFF_CAP_SECONDS, RETRY_AFTER_CAP_SECONDS, Settings, _Policy
from tests.servers import Answer, LocalServer, Received, scripted

PAYMENT = {
    "id": "pay_standin",
    "merchantId": "mer_standin",
    "mode": "test",
    "status": "created",
    "amount": 1000,
    "currency": "INR",
    "orderId": "order-1",
    "createdAt": "2026-01-31T10:15:02.417Z",
}
CREATED = Answer(201, json.dumps(PAYMENT).encode(), {"Content-Type": "application/json"})


def _error(status: int, error_type: str, code: str, **headers: str) -> Answer:
    body = {"error": {"type": error_type, "code": code, "message": code, "requestId": "req_1"}}
    return Answer(status, json.dumps(body).encode(), headers)


UNAVAILABLE = _error(503, "api_error", "service_unavailable", **{"Retry-After": "1"})


def _create(client: expe.Expe) -> expe.models.Payment:
    return client.payments.create(amount=1000, currency="INR", order_id="order-1")


def test_a_503_with_retry_after_is_retried_after_that_long_with_the_same_key() -> None:
    with LocalServer(scripted(UNAVAILABLE, CREATED)) as upstream:
        with expe.Expe("sk_test_standin", base_url=upstream.url) as client:
            started = time.monotonic()
            payment = _create(client)
            waited = time.monotonic() - started
    assert payment.id == "pay_standin" and waited >= 1.0
    first, second = upstream.received
    key = first.headers["idempotency-key"]
    assert len(key) >= 32 and second.headers["idempotency-key"] == key
    assert first.body == second.body
    assert first.headers["user-agent"] == f"expe-python/{expe.__version__}"
    assert first.headers["authorization"] == "Bearer sk_test_standin"


@pytest.mark.parametrize(
    "refusal",
    [
        _error(429, "rate_limit_error", "rate_limited", **{"Retry-After": "0"}),
        _error(500, "api_error", "internal_error"),
        _error(409, "invalid_request_error", "idempotency_key_in_use", **{"Retry-After": "0"}),
    ],
    ids=["429", "500", "key-in-use"],
)
def test_retryable_answers_are_retried(refusal: Answer) -> None:
    with LocalServer(scripted(refusal, CREATED)) as upstream:
        with expe.Expe("sk_test_standin", base_url=upstream.url) as client:
            assert _create(client).id == "pay_standin"
    assert len(upstream.received) == 2


@pytest.mark.parametrize(
    "refusal",
    [
        _error(400, "invalid_request_error", "parameter_invalid"),
        _error(409, "invalid_request_error", "idempotency_key_reused"),
        _error(402, "card_error", "card_declined"),
    ],
    ids=["400", "key-reused", "402"],
)
def test_other_refusals_are_not_retried(refusal: Answer) -> None:
    with LocalServer(scripted(refusal, CREATED)) as upstream:
        with expe.Expe("sk_test_standin", base_url=upstream.url) as client:
            with pytest.raises(expe.ExpeError):
                _create(client)
    assert len(upstream.received) == 1


def test_retries_stop_at_max_retries() -> None:
    always = _error(503, "api_error", "service_unavailable", **{"Retry-After": "0"})
    with LocalServer(scripted(always)) as upstream:
        with expe.Expe("sk_test_standin", base_url=upstream.url, max_retries=3) as client:
            with pytest.raises(expe.ApiError):
                client.payments.retrieve("pay_standin")
    assert len(upstream.received) == 4


def test_a_call_without_an_answer_in_time_times_out_after_its_retries() -> None:
    holder: list[LocalServer] = []

    def respond(_: Received) -> Answer:
        holder[0].released.wait(10)
        return CREATED

    with LocalServer(respond) as upstream:
        holder.append(upstream)
        with expe.Expe(
            "sk_test_standin", base_url=upstream.url, timeout=0.3, max_retries=1
        ) as client:
            started = time.monotonic()
            with pytest.raises(expe.ApiTimeoutError):
                _create(client)
            assert time.monotonic() - started < 5
        assert len(upstream.received) == 2
        keys = {request.headers["idempotency-key"] for request in upstream.received}
        assert len(keys) == 1


async def test_the_async_client_retries_the_same_way() -> None:
    with LocalServer(scripted(UNAVAILABLE, CREATED)) as upstream:
        async with expe.AsyncExpe("sk_test_standin", base_url=upstream.url) as client:
            payment = await client.payments.create(amount=1000, currency="INR", order_id="o")
    assert payment.id == "pay_standin"
    first, second = upstream.received
    assert first.headers["idempotency-key"] == second.headers["idempotency-key"]


def test_waits_are_capped() -> None:
    policy = _Policy(Settings("sk_test_x", "http://x", 30, 50, {}))
    request = httpx.Request("GET", "http://x/api/v1/payments")
    patient = httpx.Response(503, headers={"Retry-After": "3600"}, request=request)
    assert policy.wait_after_answer(patient, 0) == RETRY_AFTER_CAP_SECONDS
    plain = httpx.Response(503, request=request)
    waits = [policy.wait_after_answer(plain, attempt) for attempt in range(20)]
    assert all(wait is not None and 0 <= wait <= BACKOFF_CAP_SECONDS for wait in waits)
    assert policy.wait_after_answer(plain, 50) is None
