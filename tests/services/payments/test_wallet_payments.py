"""Paying from the customer's wallet and refunding to it: the payments and wallet services both
in this process, on the real infrastructure, with the wallet's ledger invariants checked (as a
service of the mesh would) after every test."""

from __future__ import annotations

import asyncio
import secrets
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from pymongo import AsyncMongoClient

from services.payments.links.service import LinkService
from services.payments.links.store import LinkStore
from services.payments.records import PaymentRecord, PendingCredit
from services.payments.refunds import RefundService
from services.payments.schemas import RefundCreate
from services.payments.service import PaymentService
from services.payments.settings import PaymentsSettings
from services.payments.store import PaymentStore
from services.payments.sweeper import Sweeper
from services.payments.wallet_client import WalletClient
from shared.clock import now_ms
from shared.errors import ServiceUnavailable
from shared.events.outbox import Outbox
from shared.identity import Caller
from shared.internal_http import ServiceClient
from shared.scopes import Scope
from shared.settings import LOCAL_INTERNAL_SECRET
from tests.callers import secret_key
from tests.services.payments.conftest import PAYMENTS, Mesh, customer, error_code
from tests.signing import AsGateway

pytestmark = pytest.mark.infra


def test_customer_pays_from_their_wallet_into_the_merchants(mesh: Mesh) -> None:
    payer = customer()
    wallet_id = mesh.funded_wallet(payer, 50_000)
    payment = mesh.payments.api().create(amount=12_345)
    view = (
        mesh.payments.api()
        .opening(payment, payer)
        .get(f"/api/v1/checkout/payments/{payment['id']}")
    )
    assert view.status_code == 200, view.text
    assert (view.json()["amount"], view.json()["status"]) == (12_345, "created")

    paid = mesh.confirm(payer, payment, wallet_id)

    assert paid.status_code == 200, paid.text
    body = paid.json()
    assert body["status"] == "succeeded" and body["method"] == "wallet"
    # The customer's browser sees what the checkout shows; the merchant sees the wallets.
    assert "walletId" not in body and "customer" not in body
    stored = mesh.payments.api().get(f"/api/v1/payments/{payment['id']}").json()
    assert stored["walletId"] == wallet_id and stored["merchantWalletId"]
    assert mesh.balance(payer, wallet_id) == {"available": 50_000 - 12_345, "held": 0}
    assert mesh.merchant_balance() == 12_345
    history = mesh.payments.api().get(f"/api/v1/payments/{payment['id']}/history").json()
    assert [step["to"] for step in history["data"]] == ["created", "processing", "succeeded"]
    assert history["data"][1]["actor"] == {"type": "user", "id": payer.user_id}


def test_insufficient_funds_fails_the_payment_with_402(mesh: Mesh) -> None:
    payer = customer()
    wallet_id = mesh.funded_wallet(payer, 1_000)
    payment = mesh.payments.api().create(amount=5_000)

    declined = mesh.confirm(payer, payment, wallet_id)

    assert error_code(declined) == (402, "insufficient_funds")
    # A wallet is no card: the SDKs raise PaymentError, not CardError.
    assert declined.json()["error"]["type"] == "payment_error"
    stored = mesh.payments.api().get(f"/api/v1/payments/{payment['id']}").json()
    assert stored["status"] == "failed" and stored["failureCode"] == "insufficient_funds"
    assert mesh.balance(payer, wallet_id) == {"available": 1_000, "held": 0}
    assert mesh.merchant_balance() == 0


def test_someone_elses_wallet_is_refused_and_nothing_moves(mesh: Mesh) -> None:
    owner, stranger = customer(), customer()
    wallet_id = mesh.funded_wallet(owner, 50_000)
    payment = mesh.payments.api().create(amount=5_000)

    refused = mesh.confirm(stranger, payment, wallet_id)
    unknown = mesh.confirm(stranger, payment, "wal_nope")

    assert error_code(refused) == (404, "wallet_not_found")
    assert error_code(unknown) == (404, "wallet_not_found")
    assert mesh.balance(owner, wallet_id) == {"available": 50_000, "held": 0}
    assert mesh.merchant_balance() == 0
    stored = mesh.payments.api().get(f"/api/v1/payments/{payment['id']}").json()
    assert stored["status"] == "created"
    # Refused before anything was claimed: the payment is still payable, by its customer.
    assert mesh.confirm(owner, payment, wallet_id).status_code == 200
    assert mesh.balance(owner, wallet_id) == {"available": 45_000, "held": 0}


def test_the_wallet_refuses_a_hold_for_someone_else_even_if_payments_asked(mesh: Mesh) -> None:
    owner, stranger = customer(), customer()
    wallet_id = mesh.funded_wallet(owner, 50_000)
    with mesh.wallet(PAYMENTS) as client:
        refused = client.post(
            "/internal/v1/holds",
            json={
                "walletId": wallet_id,
                "amount": 100,
                "currency": "INR",
                "reference": "pay_x",
                "mode": "test",
                "ownerType": "user",
                "ownerId": stranger.user_id,
            },
        )
    assert error_code(refused) == (403, "wallet_not_owned")
    assert mesh.balance(owner, wallet_id) == {"available": 50_000, "held": 0}


def test_a_wallet_in_another_currency_or_a_non_customer_caller_is_refused(mesh: Mesh) -> None:
    payer = customer()
    usd_wallet = mesh.funded_wallet(payer, 50_000, "USD")
    payment = mesh.payments.api().create(amount=5_000)
    other = mesh.payments.api().create(amount=5_000)

    wrong_currency = mesh.confirm(payer, payment, usd_wallet)
    by_key = mesh.confirm(secret_key(mesh.payments.merchant_id), other, usd_wallet)

    assert error_code(wrong_currency) == (400, "currency_mismatch")
    assert error_code(by_key) == (400, "method_unavailable")
    assert mesh.balance(payer, usd_wallet) == {"available": 50_000, "held": 0}
    stored = mesh.payments.api().get(f"/api/v1/payments/{payment['id']}").json()
    assert stored["status"] == "created"


def test_fifty_concurrent_wallet_confirms_charge_once(mesh: Mesh) -> None:
    payer = customer()
    wallet_id = mesh.funded_wallet(payer, 100_000)
    payment = mesh.payments.api().create(amount=7_000)

    async def confirm_all() -> list[httpx.Response]:
        async with httpx.AsyncClient(
            base_url=mesh.payments.url,
            auth=AsGateway(payer),
            headers={"Expe-Client-Secret": payment["clientSecret"]},
            timeout=120,
        ) as client:
            path = f"/api/v1/checkout/payments/{payment['id']}/confirm"
            body = {"method": "wallet", "walletId": wallet_id}
            return await asyncio.gather(*(client.post(path, json=body) for _ in range(50)))

    responses = asyncio.run(confirm_all())

    statuses = sorted(response.status_code for response in responses)
    assert statuses.count(200) == 1, statuses
    assert set(statuses) <= {200, 409}, statuses
    assert mesh.balance(payer, wallet_id) == {"available": 100_000 - 7_000, "held": 0}
    assert mesh.merchant_balance() == 7_000


def test_refunds_credit_the_customers_wallet_once_even_when_retried(mesh: Mesh) -> None:
    payer = customer()
    wallet_id = mesh.funded_wallet(payer, 30_000)
    merchant = mesh.payments.api()
    payment = merchant.create(amount=20_000)
    assert mesh.confirm(payer, payment, wallet_id).status_code == 200

    path = f"/api/v1/payments/{payment['id']}/refund"
    key = {"Idempotency-Key": secrets.token_hex(8)}
    first = merchant.post(path, {"amount": 5_000}, headers=key)
    again = merchant.post(path, {"amount": 5_000}, headers=key)
    rest = merchant.post(path)

    assert first.status_code == 201, first.text
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert rest.status_code == 201 and rest.json()["amount"] == 15_000
    assert mesh.balance(payer, wallet_id) == {"available": 30_000, "held": 0}
    assert mesh.merchant_balance() == 0

    # The sweeper finds no refund left to credit: the wallet moves nothing more.
    asyncio.run(_sweep(mesh, timedelta(minutes=2)))
    assert mesh.balance(payer, wallet_id) == {"available": 30_000, "held": 0}
    assert mesh.merchant_balance() == 0


def test_a_refund_the_merchants_wallet_cannot_pay_is_refused_unrecorded(mesh: Mesh) -> None:
    payer = customer()
    wallet_id = mesh.funded_wallet(payer, 30_000)
    merchant = mesh.payments.api()
    payment = merchant.create(amount=20_000)
    assert mesh.confirm(payer, payment, wallet_id).status_code == 200
    paid = merchant.get(f"/api/v1/payments/{payment['id']}").json()
    # The merchant pays most of its wallet out elsewhere.
    elsewhere = mesh.funded_wallet(customer(), 0)
    with mesh.wallet(secret_key(mesh.payments.merchant_id)) as client:
        moved = client.post(
            "/api/v1/transfers",
            json={
                "fromWalletId": paid["merchantWalletId"],
                "to": {"walletId": elsewhere},
                "amount": 15_000,
                "currency": "INR",
            },
            headers={"Idempotency-Key": secrets.token_hex(8)},
        )
    assert moved.status_code == 201, moved.text

    too_much = merchant.post(f"/api/v1/payments/{payment['id']}/refund", {"amount": 6_000})
    fits = merchant.post(f"/api/v1/payments/{payment['id']}/refund", {"amount": 5_000})

    assert error_code(too_much) == (402, "insufficient_funds")
    assert too_much.json()["error"]["type"] == "payment_error"
    assert fits.status_code == 201, fits.text
    refunds = merchant.get(f"/api/v1/payments/{payment['id']}/refunds").json()["data"]
    assert [refund["amount"] for refund in refunds] == [5_000]
    assert mesh.balance(payer, wallet_id) == {"available": 15_000, "held": 0}
    assert mesh.merchant_balance() == 0


async def _sweep(
    mesh: Mesh,
    ahead: timedelta,
    before_sweep: Any = None,
    store_type: type[PaymentStore] = PaymentStore,
) -> None:
    """Runs the payments sweeper once, as if `ahead` had passed; `before_sweep(service,
    wallet)` first does what a request would have done before it died."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mesh.mongo_url, tz_aware=True)
    try:
        db = client[mesh.payments.db.name]
        store, outbox = (
            store_type(db, PaymentsSettings().sealing_keyring()),
            Outbox(db, "payments"),
        )
        settings = PaymentsSettings(env="test")
        async with ServiceClient("wallet", mesh.wallet_url, timeout=60) as http:
            wallet = WalletClient(http, LOCAL_INTERNAL_SECRET)
            service = PaymentService(store, outbox, settings, wallet=wallet)
            if before_sweep is not None:
                await before_sweep(service, wallet)

            def later() -> Any:
                return now_ms() + ahead

            refunds = RefundService(service, store, outbox, wallet=wallet)
            links = LinkService(LinkStore(db), service, store, outbox, settings, later)
            await Sweeper(service, refunds, store, outbox, links, clock=later).sweep()
    finally:
        await client.close()


async def _claimed_and_held(
    service: PaymentService, wallet: WalletClient, payment_id: str, wallet_id: str, payer: Caller
) -> tuple[PaymentRecord, dict[str, Any]]:
    """What a wallet confirm does before it captures: the payment claimed (processing) and the
    customer's money held. Returns the claimed payment and the hold."""
    stored = await service._store.get(payment_id)
    assert stored is not None
    fields = {"method": "wallet", "walletId": wallet_id, "payerUserId": payer.user_id}
    moved = await service.move(stored, "processing", "confirm:wallet", None, fields)
    assert moved is not None
    hold = await wallet.hold(
        wallet_id=wallet_id,
        amount=stored.amount,
        currency=stored.currency,
        mode="test",
        owner_id=str(payer.user_id),
        reference=payment_id,
    )
    assert hold["status"] == "held"
    return moved, hold


@pytest.mark.parametrize("died_after", ["hold", "capture"])
def test_a_request_dying_mid_payment_is_finished_by_the_sweeper(
    mesh: Mesh, died_after: str
) -> None:
    payer = customer()
    wallet_id = mesh.funded_wallet(payer, 40_000)
    payment = mesh.payments.api().create(amount=9_000)

    async def died(service: PaymentService, wallet: WalletClient) -> None:
        moved, hold = await _claimed_and_held(service, wallet, payment["id"], wallet_id, payer)
        # A processing wallet payment is not the merchant's to cancel: its money is moving.
        cancel = mesh.payments.api().post(f"/api/v1/payments/{payment['id']}/cancel")
        assert error_code(cancel) == (409, "payment_state_conflict")
        if died_after == "capture":
            target = await wallet.merchant_wallet(moved.merchant_id, "INR", "test")
            await wallet.capture(hold["id"], target)

    asyncio.run(_sweep(mesh, timedelta(minutes=2), died))

    stored = mesh.payments.api().get(f"/api/v1/payments/{payment['id']}").json()
    assert stored["status"] == "succeeded", stored
    assert mesh.balance(payer, wallet_id) == {"available": 40_000 - 9_000, "held": 0}
    assert mesh.merchant_balance() == 9_000


class StoreFailingExpiry(PaymentStore):
    """A store on which the sweep's first step, expiring old payments, fails as a bug would."""

    async def expired(self, _now: datetime) -> list[PaymentRecord]:
        raise RuntimeError("expiry is broken")


def test_a_failing_sweep_step_leaves_the_other_steps_running(
    mesh: Mesh, caplog: pytest.LogCaptureFixture
) -> None:
    payer = customer()
    wallet_id = mesh.funded_wallet(payer, 40_000)
    payment = mesh.payments.api().create(amount=9_000)

    async def died_after_hold(service: PaymentService, wallet: WalletClient) -> None:
        await _claimed_and_held(service, wallet, payment["id"], wallet_id, payer)

    asyncio.run(_sweep(mesh, timedelta(minutes=2), died_after_hold, StoreFailingExpiry))

    stored = mesh.payments.api().get(f"/api/v1/payments/{payment['id']}").json()
    assert stored["status"] == "succeeded", stored
    assert mesh.balance(payer, wallet_id) == {"available": 40_000 - 9_000, "held": 0}
    failed = [r for r in caplog.records if r.getMessage() == "payments sweep step failed"]
    assert [getattr(r, "step", None) for r in failed] == ["expire"]


def test_a_stuck_payment_whose_hold_was_released_fails_and_the_money_stays(mesh: Mesh) -> None:
    payer = customer()
    wallet_id = mesh.funded_wallet(payer, 40_000)
    payment = mesh.payments.api().create(amount=9_000)

    async def died_and_released(service: PaymentService, wallet: WalletClient) -> None:
        _, hold = await _claimed_and_held(service, wallet, payment["id"], wallet_id, payer)
        await wallet.release(hold["id"])

    asyncio.run(_sweep(mesh, timedelta(minutes=2), died_and_released))

    stored = mesh.payments.api().get(f"/api/v1/payments/{payment['id']}").json()
    assert (stored["status"], stored["failureCode"]) == ("failed", "processing_error")
    assert mesh.balance(payer, wallet_id) == {"available": 40_000, "held": 0}
    assert mesh.merchant_balance() == 0


class WalletDownForCredits(WalletClient):
    """The wallet service as a request saw it when it went down just before the credit."""

    async def refund_credit(self, **_fields: Any) -> dict[str, Any]:
        raise ServiceUnavailable("The wallet service is unavailable.")


def test_a_refund_credit_the_wallet_missed_is_made_once_by_the_sweeper(mesh: Mesh) -> None:
    payer = customer()
    wallet_id = mesh.funded_wallet(payer, 30_000)
    payment = mesh.payments.api().create(amount=20_000)
    assert mesh.confirm(payer, payment, wallet_id).status_code == 200
    scope = Scope(mesh.payments.merchant_id, "test", {"type": "api_key", "id": "key_x"})

    async def refund_while_wallet_down(service: PaymentService, wallet: WalletClient) -> None:
        down = WalletDownForCredits(wallet._http._client, LOCAL_INTERNAL_SECRET)
        refunds = RefundService(service, service._store, service._outbox, wallet=down)
        link = await refunds.refund(scope, payment["id"], RefundCreate(amount=4_000))
        assert link.amount == 4_000

    asyncio.run(_sweep(mesh, timedelta(seconds=0), refund_while_wallet_down))
    # Refunded, not yet credited (the sweep above ran before the credit was a minute old).
    assert mesh.balance(payer, wallet_id) == {"available": 10_000, "held": 0}
    pending = list(mesh.payments.db["refund_credits_pending"].find({"paymentId": payment["id"]}))
    assert len(pending) == 1
    assert PendingCredit.from_doc(pending[0]).to_doc() == pending[0]
    paid = mesh.payments.db["payments"].find_one({"_id": payment["id"]})
    assert paid is not None and paid["merchantWalletId"] and paid["holdId"]
    assert PaymentRecord.from_doc(paid).to_doc() == paid

    asyncio.run(_sweep(mesh, timedelta(minutes=2)))
    asyncio.run(_sweep(mesh, timedelta(minutes=2)))

    assert mesh.balance(payer, wallet_id) == {"available": 14_000, "held": 0}
    assert mesh.merchant_balance() == 16_000
