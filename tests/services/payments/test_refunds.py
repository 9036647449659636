"""Refunds: partial and full, never beyond the captured amount, even all at once."""

from __future__ import annotations

import asyncio
import secrets

import httpx
import pytest

from tests.services.payments.conftest import Service, error_code
from tests.signing import AsGateway

pytestmark = pytest.mark.infra


def test_partial_refunds_then_the_rest_by_default(payments: Service) -> None:
    api = payments.api()
    payment = api.paid(amount=1_000)
    path = f"/api/v1/payments/{payment['id']}"
    first = api.post(f"{path}/refund", {"amount": 300, "reason": "one cup spilled"})
    rest = api.post(f"{path}/refund")
    more = api.post(f"{path}/refund", {"amount": 1})
    listed = api.get(f"{path}/refunds").json()["data"]
    after = api.get(path).json()
    issued = [
        e["envelope"]["data"]
        for e in payments.db["outbox"].find({"topic": "refund.issued"}).sort("order", 1)
    ]
    assert first.status_code == rest.status_code == 201
    assert first.json()["id"].startswith("re_")
    assert (first.json()["amount"], first.json()["amountRefunded"]) == (300, 300)
    assert (rest.json()["amount"], rest.json()["amountRefunded"]) == (700, 1_000)
    assert error_code(more) == (409, "payment_not_refundable")
    assert [r["id"] for r in listed] == [first.json()["id"], rest.json()["id"]]
    assert listed[0]["reason"] == "one cup spilled"
    assert after["amountRefunded"] == 1_000 and after["status"] == "succeeded"
    assert [(e["refundId"], e["amount"]) for e in issued] == [
        (first.json()["id"], 300),
        (rest.json()["id"], 700),
    ]


def test_a_refund_beyond_what_is_left_is_refused(payments: Service) -> None:
    api = payments.api()
    payment = api.paid(amount=1_000)
    path = f"/api/v1/payments/{payment['id']}"
    api.post(f"{path}/refund", {"amount": 600})
    too_much = api.post(f"{path}/refund", {"amount": 401})
    assert error_code(too_much) == (400, "refund_exceeds_captured")
    assert too_much.json()["error"]["param"] == "amount"
    assert api.get(path).json()["amountRefunded"] == 600


def test_only_succeeded_payments_are_refunded(payments: Service) -> None:
    api = payments.api()
    failed = api.create()
    api.confirm_card(failed["id"], "4000000000000002")
    unpaid = api.create()
    for payment, said in ((failed, "has failed"), (unpaid, "has not been confirmed yet")):
        response = api.post(f"/api/v1/payments/{payment['id']}/refund", {"amount": 1})
        assert error_code(response) == (409, "payment_not_refundable")
        assert response.json()["error"]["message"] == (
            f"This payment {said}; only succeeded payments can be refunded."
        )
    assert payments.db["refunds"].count_documents({}) == 0


@pytest.mark.parametrize("amount", [0, -1, 1.5, "10"])
def test_bad_refund_amounts_are_refused(payments: Service, amount: object) -> None:
    api = payments.api()
    payment = api.paid()
    response = api.post(f"/api/v1/payments/{payment['id']}/refund", {"amount": amount})
    assert error_code(response) == (400, "parameter_invalid")
    assert payments.db["refunds"].count_documents({}) == 0


def test_a_refund_replays_by_idempotency_key(payments: Service) -> None:
    api = payments.api()
    payment = api.paid(amount=1_000)
    path = f"/api/v1/payments/{payment['id']}/refund"
    key = {"Idempotency-Key": secrets.token_hex(8)}
    first = api.post(path, {"amount": 100}, headers=key)
    replay = api.post(path, {"amount": 100}, headers=key)
    other = api.post(path, {"amount": 200}, headers=key)
    assert replay.json() == first.json() and replay.headers["Idempotent-Replayed"] == "true"
    assert error_code(other) == (409, "idempotency_key_reused")
    assert api.get(f"/api/v1/payments/{payment['id']}").json()["amountRefunded"] == 100


async def test_twenty_concurrent_partial_refunds_never_exceed_the_captured_amount(
    payments: Service,
) -> None:
    api = payments.api()
    payment = api.paid(amount=1_000)
    path = f"{payments.url}/api/v1/payments/{payment['id']}/refund"
    async with httpx.AsyncClient(auth=AsGateway(api.caller), timeout=60) as client:
        responses = await asyncio.gather(
            *(client.post(path, json={"amount": 150}) for _ in range(20))
        )
    refunded = [r.json() for r in responses if r.status_code == 201]
    refused = {error_code(r) for r in responses if r.status_code != 201}
    after = api.get(f"/api/v1/payments/{payment['id']}").json()
    chain = sorted(r["amountRefunded"] for r in refunded)
    assert len(refunded) == 6  # 6 x 150 = 900; a seventh would reach 1050
    assert refused == {(400, "refund_exceeds_captured")}
    assert chain == [150 * n for n in range(1, 7)]
    assert after["amountRefunded"] == 900
    assert len(api.get(f"/api/v1/payments/{payment['id']}/refunds").json()["data"]) == 6
    assert payments.db["outbox"].count_documents({"topic": "refund.issued"}) == 6
    stored = payments.db["payments"].find_one({"_id": payment["id"]})
    assert stored is not None and stored["amountRefunded"] == 900  # what lists show


async def test_concurrent_full_refunds_refund_once(payments: Service) -> None:
    api = payments.api()
    payment = api.paid(amount=1_000)
    path = f"{payments.url}/api/v1/payments/{payment['id']}/refund"
    async with httpx.AsyncClient(auth=AsGateway(api.caller), timeout=60) as client:
        responses = await asyncio.gather(*(client.post(path) for _ in range(20)))
    assert sorted(r.status_code for r in responses) == [201] + [409] * 19
    assert api.get(f"/api/v1/payments/{payment['id']}").json()["amountRefunded"] == 1_000
