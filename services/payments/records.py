"""The payments service's stored documents as typed records, converted once each way at the store.

Each record reads its document with `from_doc` and writes it back with `to_doc`, field for
field: the stored format is the one the queries and the existing data rely on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from shared.mongo import Document


@dataclass(frozen=True, slots=True)
class RefundLink:
    """The nth refund of a payment: a link of its chain, holding the refunded total so far."""

    key: str  # the link's `_id`, `{paymentId}:refund:{n}`; `id` is the refund's own `re_…`
    n: int
    id: str
    payment_id: str
    merchant_id: str
    mode: str
    amount: int
    currency: str
    amount_refunded: int
    status: Literal["succeeded"]
    reason: str | None
    actor: dict[str, Any]
    created_at: datetime

    @classmethod
    def from_doc(cls, doc: Document) -> RefundLink:
        return cls(
            key=doc["_id"],
            n=doc["n"],
            id=doc["id"],
            payment_id=doc["paymentId"],
            merchant_id=doc["merchantId"],
            mode=doc["mode"],
            amount=doc["amount"],
            currency=doc["currency"],
            amount_refunded=doc["amountRefunded"],
            status=doc["status"],
            reason=doc["reason"],
            actor=doc["actor"],
            created_at=doc["createdAt"],
        )

    def to_doc(self) -> Document:
        return {
            "_id": self.key,
            "n": self.n,
            "id": self.id,
            "paymentId": self.payment_id,
            "merchantId": self.merchant_id,
            "mode": self.mode,
            "amount": self.amount,
            "currency": self.currency,
            "amountRefunded": self.amount_refunded,
            "status": self.status,
            "reason": self.reason,
            "actor": self.actor,
            "createdAt": self.created_at,
        }


@dataclass(frozen=True, slots=True)
class PendingCredit:
    """A wallet payment's refund whose credit to the customer's wallet may not have happened."""

    refund_id: str
    payment_id: str
    n: int
    at: datetime

    @classmethod
    def of(cls, link: RefundLink) -> PendingCredit:
        return cls(link.id, link.payment_id, link.n, link.created_at)

    @classmethod
    def from_doc(cls, doc: Document) -> PendingCredit:
        return cls(refund_id=doc["_id"], payment_id=doc["paymentId"], n=doc["n"], at=doc["at"])

    def to_doc(self) -> Document:
        return {"_id": self.refund_id, "paymentId": self.payment_id, "n": self.n, "at": self.at}
