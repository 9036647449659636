"""The typed records read and write the payments service's documents exactly as stored."""

from __future__ import annotations

import pytest

from services.payments.records import RefundLink
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
