"""Each error class, from the API's real answers (and a stand-in's for a 5xx it cannot be made
to give on demand)."""

from __future__ import annotations

import asyncio
import json
import socket

import pytest

import expe
from tests.conftest import DECLINED_CARD, Stack, new_payment, pay
from tests.servers import Answer, LocalServer


def test_a_bad_parameter_is_an_invalid_request(client: expe.Expe) -> None:
    with pytest.raises(expe.InvalidRequestError) as refused:
        client.payments.create(amount=0, currency="INR", order_id="order-zero")
    error = refused.value
    assert (error.status_code, error.type, error.param) == (400, "invalid_request_error", "amount")
    assert error.request_id and error.request_id.startswith("req_")
    assert error.headers["x-request-id"] == error.request_id
    assert error.body["error"]["param"] == "amount"


def test_an_unknown_id_is_not_found(client: expe.Expe) -> None:
    with pytest.raises(expe.NotFoundError) as refused:
        client.payments.retrieve("pay_doesnotexist")
    assert refused.value.status_code == 404 and refused.value.code == "payment_not_found"
    assert isinstance(refused.value, expe.InvalidRequestError)


def test_a_wrong_key_is_an_authentication_error(stack: Stack) -> None:
    with expe.Expe("sk_test_" + "0" * 32, base_url=stack.api_url) as stranger:
        with pytest.raises(expe.AuthenticationError) as refused:
            stranger.payments.list()
    assert refused.value.status_code == 401 and refused.value.type == "authentication_error"


def test_a_publishable_key_may_not_list_payments(stack: Stack) -> None:
    with expe.Expe(stack.publishable_key, base_url=stack.api_url) as browser:
        with pytest.raises(expe.PermissionDeniedError) as refused:
            browser.payments.list()
    assert refused.value.status_code == 403 and refused.value.code == "publishable_key_not_allowed"


def test_a_declined_card_is_a_card_error(client: expe.Expe) -> None:
    payment = new_payment(client)
    with pytest.raises(expe.CardError) as declined:
        pay(client, payment, DECLINED_CARD)
    assert (declined.value.status_code, declined.value.code) == (402, "card_declined")
    assert client.payments.retrieve(payment.id).status == "failed"


def test_a_declined_top_up_is_a_payment_error(client: expe.Expe) -> None:
    wallet = client.wallets.create(currency="INR")
    with pytest.raises(expe.PaymentError) as declined:
        client.topups.create(wallet_id=wallet.id, amount=10099, source={"type": "bank"})
    error = declined.value
    assert (error.status_code, error.type, error.code) == (402, "payment_error", "topup_declined")


def test_a_state_conflict_is_a_conflict_error(client: expe.Expe) -> None:
    payment = new_payment(client)
    pay(client, payment)
    with pytest.raises(expe.ConflictError) as refused:
        client.payments.cancel(payment.id)
    assert refused.value.status_code == 409 and refused.value.code == "payment_state_conflict"
    assert not isinstance(refused.value, expe.IdempotencyError)


async def test_too_many_requests_is_a_rate_limit_error(stack: Stack) -> None:
    async with expe.AsyncExpe(stack.secret_key, base_url=stack.api_url, max_retries=0) as hasty:
        outcomes = await asyncio.gather(
            *(hasty.payments.list(limit=1) for _ in range(60)), return_exceptions=True
        )
    limited = [o for o in outcomes if isinstance(o, expe.RateLimitError)]
    assert limited, outcomes
    assert limited[0].status_code == 429 and limited[0].retry_after is not None


def test_a_server_failure_is_an_api_error() -> None:
    body = {"error": {"type": "api_error", "code": "service_unavailable", "message": "Down."}}
    answer = Answer(503, json.dumps(body).encode(), {"X-Request-ID": "req_standin"})
    with LocalServer(lambda _: answer) as upstream:
        with expe.Expe("sk_test_x", base_url=upstream.url, max_retries=0) as client:
            with pytest.raises(expe.ApiError) as failed:
                client.payments.list()
    assert (failed.value.status_code, failed.value.code) == (503, "service_unavailable")
    assert failed.value.request_id == "req_standin"


def test_an_answer_that_is_not_json_still_lands_on_its_class() -> None:
    with LocalServer(lambda _: Answer(502, b"<html>Bad gateway</html>")) as upstream:
        with expe.Expe("sk_test_x", base_url=upstream.url, max_retries=0) as client:
            with pytest.raises(expe.ApiError) as failed:
                client.payments.retrieve("pay_1")
    assert failed.value.status_code == 502 and failed.value.body == "<html>Bad gateway</html>"


def test_an_unknown_error_type_is_mapped_by_its_status() -> None:
    body = {"error": {"type": "brand_new_error", "code": "x", "message": "New."}}
    with LocalServer(lambda _: Answer(404, json.dumps(body).encode())) as upstream:
        with expe.Expe("sk_test_x", base_url=upstream.url) as client:
            with pytest.raises(expe.NotFoundError):
                client.payments.retrieve("pay_1")


def test_no_server_is_a_connection_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens on the port any more: every attempt is refused.
    with expe.Expe("sk_test_x", base_url=f"http://127.0.0.1:{port}", max_retries=1) as client:
        with pytest.raises(expe.ApiConnectionError):
            client.payments.list()
