"""Saved cards in MongoDB.

`payment_methods` (`_id` = `pm_…`) holds each saved card: what a payment keeps of a card (brand,
last four digits, expiry, fingerprint, issuer country) and the sandbox's answer for its number,
never the number or the security code. Cards are read by id only. The customer's personal data
is sealed at rest, each field under its own purpose, as on payments (store.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pymongo.asynchronous.database import AsyncDatabase

from services.payments.customers import CustomerSeal, sealed_customer_fields
from shared.claims import insert_or_get
from shared.mongo import Document
from shared.sealing import Keyring

METHODS = "payment_methods"

# Where the customer's sealed fields are, for the re-seal job (shared/reseal.py).
SEALED_FIELDS = sealed_customer_fields(METHODS, "payment-method-customer")


@dataclass(frozen=True, slots=True)
class PaymentMethodRecord:
    """A saved card as stored."""

    id: str
    merchant_id: str
    mode: str
    type: Literal["card"]
    # brand, last4, expMonth, expYear, fingerprint, country: a payment's `card`, field for field.
    card: dict[str, Any]
    customer: dict[str, Any] | None
    # The decline code the sandbox answers for the card's number; None: it approves.
    sandbox_decline: str | None
    created_at: datetime

    @classmethod
    def from_doc(cls, doc: Document) -> PaymentMethodRecord:
        return cls(
            id=doc["_id"],
            merchant_id=doc["merchantId"],
            mode=doc["mode"],
            type=doc["type"],
            card=doc["card"],
            customer=doc["customer"],
            sandbox_decline=doc["sandboxDecline"],
            created_at=doc["createdAt"],
        )

    def to_doc(self) -> Document:
        return {
            "_id": self.id,
            "merchantId": self.merchant_id,
            "mode": self.mode,
            "type": self.type,
            "card": self.card,
            "customer": self.customer,
            "sandboxDecline": self.sandbox_decline,
            "createdAt": self.created_at,
        }


class PaymentMethodStore:
    def __init__(self, db: AsyncDatabase[Document], keyring: Keyring) -> None:
        self._methods = db[METHODS]
        self._customer = CustomerSeal(keyring, SEALED_FIELDS)

    async def insert(self, method: PaymentMethodRecord) -> PaymentMethodRecord:
        """Stores the card, or returns the one stored first under its id."""
        doc = method.to_doc()
        doc["customer"] = self._customer.seal(doc["customer"])
        return self._record(await insert_or_get(self._methods, doc))

    async def get(self, method_id: str) -> PaymentMethodRecord | None:
        doc = await self._methods.find_one({"_id": method_id})
        return None if doc is None else self._record(doc)

    def _record(self, doc: Document) -> PaymentMethodRecord:
        return PaymentMethodRecord.from_doc(
            {**doc, "customer": self._customer.open(doc["customer"])}
        )
