"""Payments in MongoDB: the only module that touches the database.

`payments` (`_id` = `pay_…`) holds each payment as the API shows it. `payment_transitions`
(`_id` = `{paymentId}:{fromState}`) is both the claim of each state change and the payment's
timeline: it is a claim (`shared.claims`), so of concurrent requests exactly one moves a payment
out of a state, and only that one writes the payment document. `refunds`
(`_id` = `{paymentId}:refund:{n}`) is a chain per payment: each link holds the refunded total so
far, and the next link can be inserted only once, so concurrent refunds can never together go
beyond the captured amount.

The customer's personal data (`customer.email`, and any field `Customer` gains) is sealed at rest,
each field under its own purpose (`shared.sealing`); records hold it opened. Nothing looks a
payment up by it: a lookup by email would need a keyed hash (HMAC) stored beside the sealed value.
Evidence files of disputes, when they exist, are sealed the same way: their bytes under a data key
of their own (`Sealer.seal_bytes`), wherever they are stored, with their storage key as the field.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase

from services.payments.customers import CustomerSeal, sealed_customer_fields
from services.payments.records import PaymentRecord, PendingCredit, RefundLink
from services.payments.states import EXITS, transition_id
from shared.claims import SlotLease, insert_once
from shared.mongo import CollectionIndexes, Document
from shared.paging import page_of
from shared.sealing import Keyring

PAYMENTS = "payments"
TRANSITIONS = "payment_transitions"
REFUNDS = "refunds"
SWEEPS = "sweeps"
# Refunds of wallet payments whose credit to the customer's wallet may not have happened yet:
# written before the refund's link, removed once the wallet credited it (a small collection).
CREDITS_PENDING = "refund_credits_pending"

INDEXES = (
    CollectionIndexes(
        PAYMENTS,
        (
            IndexModel(
                [("merchantId", ASCENDING), ("mode", ASCENDING), ("createdAt", DESCENDING)],
                name="by_merchant",
            ),
            # The sweeper's: payments processing too long, and open ones past their expiry.
            IndexModel(
                [("status", ASCENDING), ("method", ASCENDING), ("updatedAt", ASCENDING)],
                name="by_status",
            ),
            IndexModel([("status", ASCENDING), ("expiresAt", ASCENDING)], name="by_expiry"),
            # Payments the sandbox card network is still to dispute (disputes/reviewer.py).
            IndexModel([("sandboxDispute", ASCENDING)], name="by_sandbox_dispute"),
            # The sweeper's window of recent creations, whose events it writes again.
            IndexModel([("createdAt", ASCENDING)], name="by_created"),
            # A payment link's payments, newest first, and the link's stats.
            IndexModel(
                [
                    ("merchantId", ASCENDING),
                    ("mode", ASCENDING),
                    ("paymentLinkId", ASCENDING),
                    ("createdAt", DESCENDING),
                ],
                name="by_payment_link",
            ),
        ),
    ),
    CollectionIndexes(
        REFUNDS,
        (
            IndexModel([("createdAt", ASCENDING)], name="by_created"),
            # A refund id is taken once: two runs of one Idempotency-Key (one of them taken over
            # from a process thought dead) cannot both add their refund to the chain.
            IndexModel([("id", ASCENDING)], name="by_refund_id", unique=True),
        ),
    ),
    CollectionIndexes(
        TRANSITIONS, (IndexModel([("applied", ASCENDING), ("at", ASCENDING)], name="pending"),)
    ),
)

_NEWEST_FIRST = [("createdAt", DESCENDING), ("_id", DESCENDING)]

# Where the customer's sealed fields are, for the re-seal job (shared/reseal.py).
SEALED_FIELDS = sealed_customer_fields(PAYMENTS, "payment-customer")


def refund_id(payment_id: str, n: int) -> str:
    return f"{payment_id}:refund:{n}"


class PaymentStore:
    def __init__(self, db: AsyncDatabase[Document], keyring: Keyring) -> None:
        self._payments = db[PAYMENTS]
        self._transitions = db[TRANSITIONS]
        self._refunds = db[REFUNDS]
        self._sweeps = db[SWEEPS]
        self._credits = db[CREDITS_PENDING]
        self._customer = CustomerSeal(keyring, SEALED_FIELDS)

    async def insert(self, payment: PaymentRecord) -> None:
        doc = payment.to_doc()
        doc["customer"] = self._customer.seal(doc["customer"])
        await self._payments.insert_one(doc)

    async def get(self, payment_id: str) -> PaymentRecord | None:
        doc = await self._payments.find_one({"_id": payment_id})
        return None if doc is None else self._record(doc)

    def _record(self, doc: Document) -> PaymentRecord:
        # Payments stored before the customer was sealed keep it plain until the re-seal.
        doc["customer"] = self._customer.open(doc["customer"])
        return PaymentRecord.from_doc(doc)

    def _records(self, docs: list[Document]) -> list[PaymentRecord]:
        return [self._record(doc) for doc in docs]

    async def set_fields(self, payment_id: str, fields: dict[str, Any]) -> None:
        """Only the claimant of the current transition calls this for a payment."""
        await self._payments.update_one({"_id": payment_id}, {"$set": fields})

    async def to_dispute(
        self, reasons: Sequence[str], limit: int
    ) -> list[tuple[PaymentRecord, str]]:
        """Payments the sandbox card network is to dispute, each with the dispute's reason."""
        query = {"sandboxDispute": {"$in": list(reasons)}}
        found = await self._payments.find(query).limit(limit).to_list()
        return [(self._record(doc), doc["sandboxDispute"]) for doc in found]

    async def disputed(self, payment_id: str) -> None:
        """The sandbox network opened the payment's dispute."""
        await self._payments.update_one({"_id": payment_id}, {"$set": {"sandboxDispute": None}})

    async def note_refunds(self, payment_id: str, count: int, refunded: int) -> None:
        # A hint only (the chain is the truth): `$max` keeps the furthest of racing writers.
        await self._payments.update_one(
            {"_id": payment_id}, {"$max": {"refundCount": count, "amountRefunded": refunded}}
        )

    async def claim(self, transition: Document) -> bool:
        """Inserts the transition; False when another request already left that state."""
        return await insert_once(self._transitions, transition)

    async def claimed(self, payment_id: str, from_state: str) -> Document | None:
        """The transition claimed out of `from_state`, applied or not."""
        return await self._transitions.find_one({"_id": transition_id(payment_id, from_state)})

    async def mark_applied(self, claim_id: str) -> None:
        await self._transitions.update_one({"_id": claim_id}, {"$set": {"applied": True}})

    async def timeline(self, payment_id: str) -> list[Document]:
        ids = [transition_id(payment_id, state) for state in EXITS]
        found = await self._transitions.find({"_id": {"$in": ids}}).to_list()
        order = {claim: n for n, claim in enumerate(ids)}
        return sorted(found, key=lambda doc: order[doc["_id"]])

    async def unapplied(self, before: datetime) -> list[Document]:
        query = {"applied": False, "at": {"$lt": before}}
        return await self._transitions.find(query).limit(500).to_list()

    async def expired(self, now: datetime) -> list[PaymentRecord]:
        query = {"status": "created", "expiresAt": {"$lt": now}}
        return self._records(await self._payments.find(query).limit(500).to_list())

    async def created_between(self, since: datetime, until: datetime) -> list[PaymentRecord]:
        query = {"createdAt": {"$gte": since, "$lt": until}}
        return self._records(await self._payments.find(query).to_list())

    async def stuck_payments(self, method: str, before: datetime) -> list[PaymentRecord]:
        query = {"status": "processing", "method": method, "updatedAt": {"$lt": before}}
        return self._records(await self._payments.find(query).limit(500).to_list())

    def sweep_lease(self, interval: float) -> SlotLease:
        """Of several replicas, the holder of this lease sweeps."""
        return SlotLease(self._sweeps, "sweep", interval)

    # Refunds: a chain of links `{paymentId}:refund:1`, `:2`, … each with the running total.

    async def refund_link(self, payment_id: str, n: int) -> RefundLink | None:
        doc = await self._refunds.find_one({"_id": refund_id(payment_id, n)})
        return None if doc is None else RefundLink.from_doc(doc)

    async def chain_head(self, payment_id: str, hint: int) -> tuple[int, int]:
        """(count, refunded total) of the chain, walking forward from the hinted length."""
        count, refunded = 0, 0
        n = max(hint, 1)
        if hint > 0:
            link = await self.refund_link(payment_id, hint)
            if link is None:  # the hint ran ahead of the chain: never, but start over then
                n = 1
            else:
                count, refunded, n = hint, link.amount_refunded, hint + 1
        while (link := await self.refund_link(payment_id, n)) is not None:
            count, refunded, n = n, link.amount_refunded, n + 1
        return count, refunded

    async def append_refund(self, link: RefundLink) -> bool:
        return await insert_once(self._refunds, link.to_doc())

    async def mark_credit(self, credit: PendingCredit) -> None:
        await self._credits.insert_one(credit.to_doc())

    async def clear_credit(self, refund: str) -> None:
        await self._credits.delete_one({"_id": refund})

    async def pending_credits(self, before: datetime) -> list[PendingCredit]:
        found = await self._credits.find({"at": {"$lt": before}}).limit(500).to_list()
        return [PendingCredit.from_doc(doc) for doc in found]

    async def refunds_between(self, since: datetime, until: datetime) -> list[RefundLink]:
        query = {"createdAt": {"$gte": since, "$lt": until}}
        return [RefundLink.from_doc(doc) for doc in await self._refunds.find(query).to_list()]

    async def refund(self, refund: str) -> RefundLink | None:
        doc = await self._refunds.find_one({"id": refund})
        return None if doc is None else RefundLink.from_doc(doc)

    async def refunds(self, payment_id: str, count: int) -> list[RefundLink]:
        ids = [refund_id(payment_id, n) for n in range(1, count + 1)]
        found = await self._refunds.find({"_id": {"$in": ids}}).to_list() if ids else []
        return sorted((RefundLink.from_doc(doc) for doc in found), key=lambda link: link.n)

    # Lists.

    async def page(
        self, query: Document, *, skip: int, limit: int
    ) -> tuple[list[PaymentRecord], int]:
        found, total = await page_of(self._payments, query, _NEWEST_FIRST, skip=skip, limit=limit)
        return self._records(found), total

    def of_link(self, merchant_id: str, mode: str, link_id: str) -> AsyncIterator[Document]:
        """The status and amount of each payment made through the link."""
        query = {"merchantId": merchant_id, "mode": mode, "paymentLinkId": link_id}
        return aiter(self._payments.find(query, {"status": 1, "amount": 1}))

    async def stream(self, query: Document) -> AsyncIterator[PaymentRecord]:
        async for doc in self._payments.find(query).sort(_NEWEST_FIRST).batch_size(500):
            yield self._record(doc)


def list_query(
    merchant_id: str,
    mode: str,
    *,
    statuses: Sequence[str] = (),
    since: datetime | None = None,
    until: datetime | None = None,
    min_amount: int | None = None,
    max_amount: int | None = None,
    q: str | None = None,
    payment_link_id: str | None = None,
) -> Document:
    query: Document = {"merchantId": merchant_id, "mode": mode}
    if payment_link_id:
        query["paymentLinkId"] = payment_link_id
    if statuses:
        query["status"] = {"$in": list(statuses)}
    window = {op: t for op, t in (("$gte", since), ("$lt", until)) if t is not None}
    if window:
        query["createdAt"] = window
    amounts = {op: a for op, a in (("$gte", min_amount), ("$lte", max_amount)) if a is not None}
    if amounts:
        query["amount"] = amounts
    if q:
        query["$or"] = [{"_id": q}, {"orderId": q}]
    return query
