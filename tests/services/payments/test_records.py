"""The typed records read and write the payments service's documents exactly as stored."""

from __future__ import annotations

import pytest

from services.payments.records import PaymentRecord, RefundLink
from tests.services.payments.conftest import Service

pytestmark = pytest.mark.infra


def test_refund_links_round_trip(payments: Service) -> None:
    api = payments.api()
    payment = api.paid(amount=1_000)
    path = f"/api/v1/payments/{payment['id']}"
    assert (
        api.post(f"{path}/refund", {"amount": 300, "reason": "one cup spilled"}).status_code == 201
    )
    assert api.post(f"{path}/refund").status_code == 201
    links = list(payments.db["refunds"].find({"paymentId": payment["id"]}))
    assert sorted((link["n"], link["reason"]) for link in links) == [
        (1, "one cup spilled"),
        (2, None),
    ]
    for doc in links:
        assert RefundLink.from_doc(doc).to_doc() == doc


def test_payments_in_every_state_round_trip(payments: Service) -> None:
    api = payments.api()
    created = api.create(amount=1_000, description="two cups", metadata={"table": "4"})
    paid = api.paid(amount=2_000)
    declined = api.create(amount=3_000)
    api.confirm_card(declined["id"], number="4000000000000002")
    upi = api.create(amount=4_000)
    api.post(f"/api/v1/checkout/payments/{upi['id']}/confirm", {"method": "upi_qr"})
    canceled = api.create(amount=5_000)
    api.post(f"/api/v1/payments/{canceled['id']}/cancel", {"reason": "changed mind"})
    ids = [p["id"] for p in (created, paid, declined, upi, canceled)]
    docs = list(payments.db["payments"].find({"_id": {"$in": ids}}))
    assert sorted(doc["status"] for doc in docs) == [
        "canceled",
        "created",
        "failed",
        "processing",
        "succeeded",
    ]
    for doc in docs:
        assert PaymentRecord.from_doc(doc).to_doc() == doc
