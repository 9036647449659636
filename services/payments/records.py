"""The payments service's stored documents as typed records, converted once each way at the store.

Each record reads its document with `from_doc` and writes it back with `to_doc`, field for
field: the stored format is the one the queries and the existing data rely on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from services.payments.states import PaymentStatus
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


@dataclass(frozen=True, slots=True)
class PaymentRecord:
    """A payment as stored: the fields the API shows, its refund hints, and for wallet payments
    the wallets and hold involved (stored only once the payment has them)."""

    id: str
    merchant_id: str
    mode: str
    status: PaymentStatus
    amount: int
    currency: str
    # Hints kept up with the refund chain (the chain is the truth).
    amount_refunded: int
    refund_count: int
    order_id: str
    description: str | None
    customer: dict[str, Any] | None
    metadata: dict[str, str]
    allowed_methods: tuple[str, ...]
    method: str | None
    card: dict[str, Any] | None
    failure_code: str | None
    failure_message: str | None
    checkout_url: str
    qr_payload: str
    expires_at: datetime
    created_at: datetime
    updated_at: datetime
    wallet_id: str | None = None
    payer_user_id: str | None = None
    hold_id: str | None = None
    merchant_wallet_id: str | None = None
    # Opens the payment on the hosted checkout; payments made before it existed have none.
    client_secret: str | None = None
    return_url: str | None = None
    # The payment link the customer opened, when the payment was made through one.
    payment_link_id: str | None = None
    # The saved card charged, when the payment is a charge of one (methods/).
    payment_method_id: str | None = None

    @classmethod
    def from_doc(cls, doc: Document) -> PaymentRecord:
        return cls(
            id=doc["_id"],
            merchant_id=doc["merchantId"],
            mode=doc["mode"],
            status=doc["status"],
            amount=doc["amount"],
            currency=doc["currency"],
            amount_refunded=doc["amountRefunded"],
            refund_count=doc["refundCount"],
            order_id=doc["orderId"],
            description=doc["description"],
            customer=doc["customer"],
            metadata=doc["metadata"],
            allowed_methods=tuple(doc["allowedMethods"]),
            method=doc["method"],
            card=doc["card"],
            failure_code=doc["failureCode"],
            failure_message=doc["failureMessage"],
            checkout_url=doc["checkoutUrl"],
            qr_payload=doc["qrPayload"],
            expires_at=doc["expiresAt"],
            created_at=doc["createdAt"],
            updated_at=doc["updatedAt"],
            wallet_id=doc.get("walletId"),
            payer_user_id=doc.get("payerUserId"),
            hold_id=doc.get("holdId"),
            merchant_wallet_id=doc.get("merchantWalletId"),
            client_secret=doc.get("clientSecret"),
            return_url=doc.get("returnUrl"),
            payment_link_id=doc.get("paymentLinkId"),
            payment_method_id=doc.get("paymentMethodId"),
        )

    def to_doc(self) -> Document:
        doc: Document = {
            "_id": self.id,
            "merchantId": self.merchant_id,
            "mode": self.mode,
            "status": self.status,
            "amount": self.amount,
            "currency": self.currency,
            "amountRefunded": self.amount_refunded,
            "refundCount": self.refund_count,
            "orderId": self.order_id,
            "description": self.description,
            "customer": self.customer,
            "metadata": self.metadata,
            "allowedMethods": list(self.allowed_methods),
            "method": self.method,
            "card": self.card,
            "failureCode": self.failure_code,
            "failureMessage": self.failure_message,
            "checkoutUrl": self.checkout_url,
            "qrPayload": self.qr_payload,
            "expiresAt": self.expires_at,
            "createdAt": self.created_at,
            "updatedAt": self.updated_at,
        }
        optional = (
            ("walletId", self.wallet_id),
            ("payerUserId", self.payer_user_id),
            ("holdId", self.hold_id),
            ("merchantWalletId", self.merchant_wallet_id),
            ("clientSecret", self.client_secret),
            ("returnUrl", self.return_url),
            ("paymentLinkId", self.payment_link_id),
            ("paymentMethodId", self.payment_method_id),
        )
        doc.update((key, value) for key, value in optional if value is not None)
        return doc

    def with_fields(self, fields: Document) -> PaymentRecord:
        """The payment after a transition set `fields` (stored names) on its document."""
        return PaymentRecord.from_doc({**self.to_doc(), **fields})
