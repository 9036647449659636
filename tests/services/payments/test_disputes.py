"""Disputes on the real infrastructure: the payments and wallet services both in this process,
the sandbox network's reviewer run here on a clock of the test's, and the wallet's ledger
invariants checked after every test. A dispute withholds its amount and fee from the merchant's
wallet; a lost one is charged back exactly once however often and concurrently it is settled; a
won one gives the money back."""

from __future__ import annotations

import asyncio
import base64
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import pytest
from pymongo import AsyncMongoClient

from services.payments.disputes.reviewer import DisputeReviewer
from services.payments.disputes.service import DisputeService
from services.payments.disputes.store import DisputeStore
from services.payments.service import PaymentService
from services.payments.settings import PaymentsSettings
from services.payments.store import PaymentStore
from services.payments.wallet_client import WalletClient
from shared.claims import SlotLease
from shared.clock import now_ms
from shared.events.outbox import Outbox
from shared.internal_http import ServiceClient
from shared.settings import LOCAL_INTERNAL_SECRET
from tests.callers import secret_key
from tests.services.payments.conftest import Mesh, customer, error_code

pytestmark = pytest.mark.infra

FEE = 1_500  # 15 INR, the sandbox network's fee
PNG = b"\x89PNG\r\n\x1a\n" + secrets.token_bytes(64)


@asynccontextmanager
async def network(mesh: Mesh, ahead: timedelta = timedelta()) -> AsyncIterator[DisputeReviewer]:
    """The sandbox network's reviewer on the payments service's database, on a clock `ahead`
    of now (the served service runs its own as well, which any of these may race)."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mesh.mongo_url, tz_aware=True)
    try:
        db = client[mesh.payments.db.name]
        settings = PaymentsSettings(env="test")
        keyring = settings.sealing_keyring()
        async with ServiceClient("wallet", mesh.wallet_url, timeout=60) as http:
            wallet = WalletClient(http, LOCAL_INTERNAL_SECRET)

            def later() -> Any:
                return now_ms() + ahead

            outbox = Outbox(db, "payments")
            payments = PaymentService(PaymentStore(db, keyring), outbox, settings, later, wallet)
            store = DisputeStore(db, keyring)
            disputes = DisputeService(store, payments, outbox, settings, wallet, later)
            lease = SlotLease(db["sweeps"], "dispute-reviews-test", 60)
            yield DisputeReviewer(disputes, store, PaymentStore(db, keyring), lease, later)
    finally:
        await client.close()


async def review(mesh: Mesh, ahead: timedelta = timedelta(), times: int = 1) -> None:
    async with network(mesh, ahead) as reviewer:
        await asyncio.gather(*(reviewer.review() for _ in range(times)))


def merchant_wallet(mesh: Mesh) -> dict[str, int]:
    with mesh.wallet(secret_key(mesh.payments.merchant_id)) as client:
        wallets = client.get("/api/v1/wallets").json()["data"]
    found = [w for w in wallets if w["currency"] == "INR"]
    return {key: sum(int(w[key]) for w in found) for key in ("available", "held")}


def fund_merchant(mesh: Mesh, amount: int) -> None:
    """A customer pays the merchant `amount` from their wallet."""
    payer = customer()
    wallet_id = mesh.funded_wallet(payer, amount)
    payment = mesh.payments.api().create(amount=amount)
    assert mesh.confirm(payer, payment, wallet_id).status_code == 200


def dispute_of(mesh: Mesh, payment_id: str, **body: Any) -> dict[str, Any]:
    opened = mesh.payments.api().post(f"/api/v1/payments/{payment_id}/disputes", body)
    assert opened.status_code == 201, opened.text
    return dict(opened.json())


def dispute(mesh: Mesh, dispute_id: str) -> dict[str, Any]:
    return dict(mesh.payments.api().get(f"/api/v1/disputes/{dispute_id}").json())


def submitted(mesh: Mesh, dispute_id: str, **evidence: str) -> dict[str, Any]:
    api = mesh.payments.api()
    added = api.post(f"/api/v1/disputes/{dispute_id}/evidence", evidence)
    assert added.status_code == 200, added.text
    sent = api.post(f"/api/v1/disputes/{dispute_id}/submit", None)
    assert sent.status_code == 200, sent.text
    return dict(sent.json())


def event_types(mesh: Mesh, dispute_id: str) -> list[str]:
    found = mesh.payments.db["outbox"].find({"envelope.data.disputeId": dispute_id})
    return sorted(doc["envelope"]["type"] for doc in found)


async def test_a_lost_dispute_is_charged_back_once_however_often_it_is_settled(
    mesh: Mesh,
) -> None:
    fund_merchant(mesh, 50_000)
    payment = mesh.payments.api().paid(amount=20_000)

    opened = dispute_of(mesh, payment["id"], reason="fraudulent")

    assert (opened["status"], opened["funds"]) == ("needs_response", "withheld")
    assert (opened["amount"], opened["fee"], opened["currency"]) == (20_000, FEE, "INR")
    assert merchant_wallet(mesh) == {"available": 50_000 - 21_500, "held": 21_500}
    refund = mesh.payments.api().post(f"/api/v1/payments/{payment['id']}/refund", {})
    assert error_code(refund) == (409, "payment_disputed")

    under_review = submitted(mesh, opened["id"], uncategorizedText="losing_evidence")
    assert under_review["status"] == "under_review" and under_review["reviewEndsAt"]
    # The review ends; eight reviews at once, and the served service's own, decide it.
    await review(mesh, timedelta(minutes=2), times=8)
    await review(mesh, timedelta(minutes=3), times=4)

    closed = dispute(mesh, opened["id"])
    assert (closed["status"], closed["funds"]) == ("lost", "charged_back")
    assert closed["closedAt"]
    assert merchant_wallet(mesh) == {"available": 50_000 - 21_500, "held": 0}
    assert event_types(mesh, opened["id"]) == [
        "dispute.closed",
        "dispute.created",
        "dispute.funds_withdrawn",
        "dispute.updated",
    ]


async def test_a_won_dispute_gives_the_money_back(mesh: Mesh) -> None:
    fund_merchant(mesh, 30_000)
    payment = mesh.payments.api().paid(amount=10_000)
    opened = dispute_of(mesh, payment["id"], reason="product_not_received", amount=4_000)
    assert merchant_wallet(mesh) == {"available": 30_000 - 5_500, "held": 5_500}
    upload = {
        "purpose": "shipping_documentation",
        "filename": "tracking.png",
        "contentType": "image/png",
        "contentBase64": base64.b64encode(PNG).decode(),
    }
    uploaded = mesh.payments.api().post(f"/api/v1/disputes/{opened['id']}/files", upload)
    assert uploaded.status_code == 201, uploaded.text
    assert uploaded.json()["size"] == len(PNG)

    submitted(mesh, opened["id"], shippingTrackingNumber="EX123456789IN")
    await review(mesh, timedelta(minutes=2), times=3)

    closed = dispute(mesh, opened["id"])
    assert (closed["status"], closed["funds"]) == ("won", "reinstated")
    assert [f["filename"] for f in closed["files"]] == ["tracking.png"]
    assert closed["evidence"]["shippingTrackingNumber"] == "EX123456789IN"
    assert merchant_wallet(mesh) == {"available": 30_000, "held": 0}
    file_url = f"/api/v1/disputes/{opened['id']}/files/{uploaded.json()['id']}"
    downloaded = mesh.payments.api().get(file_url)
    assert downloaded.content == PNG and downloaded.headers["content-type"] == "image/png"
    assert "dispute.funds_reinstated" in event_types(mesh, opened["id"])
    # Won, the payment is the merchant's again: it can be refunded.
    refund = mesh.payments.api().post(f"/api/v1/payments/{payment['id']}/refund", {})
    assert refund.status_code == 201, refund.text


async def test_an_unanswered_dispute_is_lost_at_its_due_date(mesh: Mesh) -> None:
    fund_merchant(mesh, 30_000)
    payment = mesh.payments.api().paid(amount=10_000)
    opened = dispute_of(mesh, payment["id"])

    await review(mesh, timedelta(days=6))
    assert dispute(mesh, opened["id"])["status"] == "needs_response"
    await review(mesh, timedelta(days=7, minutes=1), times=2)

    closed = dispute(mesh, opened["id"])
    assert (closed["status"], closed["funds"]) == ("lost", "charged_back")
    assert merchant_wallet(mesh) == {"available": 30_000 - 11_500, "held": 0}


async def test_a_wallet_too_short_is_charged_back_once_it_holds_enough(mesh: Mesh) -> None:
    payment = mesh.payments.api().paid(amount=10_000)  # by card: the merchant's wallet is empty
    opened = dispute_of(mesh, payment["id"])
    assert opened["funds"] == "awaiting_funds"

    await review(mesh, timedelta(days=8))  # lost unanswered, with nothing to charge back yet
    assert dispute(mesh, opened["id"])["funds"] == "awaiting_funds"
    fund_merchant(mesh, 40_000)
    await review(mesh, timedelta(days=9), times=3)

    closed = dispute(mesh, opened["id"])
    assert (closed["status"], closed["funds"]) == ("lost", "charged_back")
    assert merchant_wallet(mesh) == {"available": 40_000 - 11_500, "held": 0}
    await review(mesh, timedelta(days=20), times=2)
    assert merchant_wallet(mesh) == {"available": 40_000 - 11_500, "held": 0}


async def test_the_disputing_test_card_has_its_payment_disputed_once(mesh: Mesh) -> None:
    api = mesh.payments.api()
    payment = api.create(amount=7_000)
    confirmed = api.confirm_card(payment["id"], "4000000000000259")
    assert confirmed.json()["status"] == "succeeded"

    await review(mesh, times=3)
    await review(mesh)

    listed = api.get("/api/v1/disputes").json()
    mine = [d for d in listed["data"] if d["paymentId"] == payment["id"]]
    assert [(d["reason"], d["amount"], d["status"]) for d in mine] == [
        ("fraudulent", 7_000, "needs_response")
    ]


def test_disputes_refuse_what_they_cannot_do(mesh: Mesh) -> None:
    api = mesh.payments.api()
    unpaid = api.create(amount=5_000)
    paid = api.paid(amount=5_000)
    live = mesh.payments.api(secret_key(mesh.payments.merchant_id, "live"))

    assert error_code(api.post(f"/api/v1/payments/{unpaid['id']}/disputes", {})) == (
        409,
        "payment_not_disputable",
    )
    too_much = api.post(f"/api/v1/payments/{paid['id']}/disputes", {"amount": 5_001})
    assert error_code(too_much) == (400, "dispute_amount_too_large")
    live_payment = live.create(amount=5_000)
    live_dispute = live.post(f"/api/v1/payments/{live_payment['id']}/disputes", {})
    assert error_code(live_dispute) == (400, "sandbox_only")
    assert live.post(f"/api/v1/payments/{paid['id']}/disputes", {}).status_code == 404
    opened = dispute_of(mesh, paid["id"])
    again = api.post(f"/api/v1/payments/{paid['id']}/disputes", {})
    assert error_code(again) == (409, "payment_already_disputed")
    files = f"/api/v1/disputes/{opened['id']}/files"
    upload = {"purpose": "receipt", "filename": "r.pdf", "contentType": "application/pdf"}
    big = base64.b64encode(b"%PDF-" + bytes(512 * 1024)).decode()
    assert error_code(api.post(files, {**upload, "contentBase64": big})) == (
        413,
        "evidence_file_too_large",
    )
    not_pdf = base64.b64encode(PNG).decode()
    assert error_code(api.post(files, {**upload, "contentBase64": not_pdf})) == (
        400,
        "evidence_file_invalid",
    )
    assert error_code(api.post(files, {**upload, "contentBase64": "%%%%"})) == (
        400,
        "evidence_file_invalid",
    )
    assert api.get(f"/api/v1/disputes/{opened['id']}").json()["files"] == []
    assert live.get(f"/api/v1/disputes/{opened['id']}").status_code == 404

    submitted(mesh, opened["id"], productDescription="A lamp")
    resubmit = api.post(f"/api/v1/disputes/{opened['id']}/submit", None)
    late = api.post(f"/api/v1/disputes/{opened['id']}/evidence", {"customerName": "A"})
    assert error_code(resubmit) == (409, "dispute_not_open")
    assert error_code(late) == (409, "dispute_not_open")
    listed = api.get("/api/v1/disputes", params={"status": "under_review"}).json()
    assert [d["id"] for d in listed["data"]] == [opened["id"]]


def test_the_customers_name_and_email_in_evidence_are_sealed_at_rest(mesh: Mesh) -> None:
    paid = mesh.payments.api().paid(amount=5_000)
    opened = dispute_of(mesh, paid["id"])
    evidence = {"customerName": "Asha Rao", "customerEmail": "asha@example.com"}
    mesh.payments.api().post(f"/api/v1/disputes/{opened['id']}/evidence", evidence)

    stored = mesh.payments.db["disputes"].find_one({"_id": opened["id"]})
    assert stored is not None
    assert "Asha" not in str(stored["evidence"]) and "asha@" not in str(stored["evidence"])
    assert dispute(mesh, opened["id"])["evidence"]["customerName"] == "Asha Rao"
