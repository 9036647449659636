"""Customers, for new against returning payments and monthly cohort retention.

Which payment was a customer's first, and so which month's cohort they belong to, can change
when events arrive out of order: a payment of March counted after one of May moves the customer
from May's cohort to March's. So each customer has a document (`payers`) with their first
payment and their paid payments per month, and every paid payment moves it from one state to
the next; the move yields increments (periods.py's `firstPayments`, the cohorts' cells) that
undo what the old state counted and count the new one.

A customer's payments are taken one at a time: the document is locked by the event moving it (a
lock left by a consumer that stopped is taken over after CLAIM_SECONDS). The new state is written
together with the increments it yields (`pending`), so a crash after that write leaves them for
whoever locks the document next, who applies them (exactly once, counting.py) before anything
else; the event's claim then says `payerApplied`, so its redelivery does not move the state again.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from services.analytics.counting import CLAIM_SECONDS, Increment, apply, merged, release
from services.analytics.periods import COHORTS, COUNTED_EVENTS, PAYERS, month_of, period_increments
from shared.clock import now_ms
from shared.mongo import Document


@dataclass(frozen=True, slots=True)
class Paid:
    """A paid payment, as a customer's history orders it (by time, then id)."""

    payment_id: str
    at: datetime
    amount: int
    currency: str

    def before(self, other: Paid) -> bool:
        return (self.at, self.payment_id) < (other.at, other.payment_id)


@dataclass(frozen=True, slots=True)
class Payer:
    first: Paid | None
    # Paid payments per month (`2026-12`).
    months: dict[str, int]


def cohort_id(merchant_id: str, mode: str) -> str:
    return f"{merchant_id}:{mode}"


def moved(merchant_id: str, mode: str, payer: Payer, paid: Paid) -> tuple[Payer, list[Increment]]:
    """The customer after paying `paid`, and the increments that move the counters with them."""
    month = month_of(paid.at.astimezone(UTC).date())
    months = dict(payer.months)
    months[month] = months.get(month, 0) + 1
    first = payer.first
    changes: list[Increment] = []
    if first is None or paid.before(first):
        if first is not None:
            undo = {"firstPayments": -1, "firstVolume": -first.amount}
            changes += period_increments(merchant_id, mode, first.at, first.currency, undo)
        count = {"firstPayments": 1, "firstVolume": paid.amount}
        changes += period_increments(merchant_id, mode, paid.at, paid.currency, count)
        first = paid
    old_cohort = month_of(payer.first.at.astimezone(UTC).date()) if payer.first else None
    cohort = month_of(first.at.astimezone(UTC).date())
    cells: dict[str, int] = {}
    if old_cohort is not None and old_cohort != cohort:
        for active in payer.months:
            cells[f"m.{old_cohort}.{active}"] = -1
            cells[f"m.{cohort}.{active}"] = 1
    if month not in payer.months:
        cells[f"m.{cohort}.{month}"] = 1
    on_insert = {"merchantId": merchant_id, "mode": mode}
    changes.append(Increment(COHORTS, cohort_id(merchant_id, mode), cells, on_insert))
    return Payer(first, months), merged(changes)


def _stored_paid(paid: Paid) -> Document:
    return {
        "paymentId": paid.payment_id,
        "at": paid.at,
        "amount": paid.amount,
        "currency": paid.currency,
    }


def _payer_of(doc: Document) -> Payer:
    first = doc.get("first")
    return Payer(
        Paid(first["paymentId"], first["at"], first["amount"], first["currency"])
        if first
        else None,
        dict(doc.get("months", {})),
    )


class LockLost(RuntimeError):
    """This event held a customer's lock so long that another took it over; the event is
    handled again later (its claim is not marked counted)."""


class PayerBook:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._db = db
        self._payers = db[PAYERS]
        self._claims = db[COUNTED_EVENTS]

    async def record(
        self, event_id: str, merchant_id: str, mode: str, customer_id: str, paid: Paid
    ) -> None:
        """Moves the customer on by the paid payment of `event_id`, once."""
        payer_id = f"{merchant_id}:{mode}:{customer_id}"
        doc = await self._lock(payer_id, event_id)
        try:
            if doc.get("pending"):
                await self._finish(payer_id, doc["pending"])
            claim = await self._claims.find_one({"_id": event_id}, {"payerApplied": 1})
            if claim is not None and claim.get("payerApplied"):
                return
            payer, changes = moved(merchant_id, mode, _payer_of(doc), paid)
            assert payer.first is not None
            pending = {"event": event_id, "increments": [change.stored() for change in changes]}
            state = {"first": _stored_paid(payer.first), "months": payer.months}
            written = await self._payers.update_one(
                {"_id": payer_id, "lockedBy": event_id},
                {"$set": state | {"pending": pending}},
            )
            if written.matched_count == 0:
                raise LockLost(f"{event_id} lost the lock of {payer_id}")
            await self._finish(payer_id, pending)
        finally:
            await self._payers.update_one(
                {"_id": payer_id, "lockedBy": event_id},
                {"$set": {"lockedBy": None, "lockedAt": None}},
            )

    async def _finish(self, payer_id: str, pending: Document) -> None:
        """Applies a move's increments, says so on its event's claim, then clears them."""
        mark = f"{pending['event']}:payer"
        changes = [Increment.from_stored(stored) for stored in pending["increments"]]
        await apply(self._db, mark, changes)
        await self._claims.update_one({"_id": pending["event"]}, {"$set": {"payerApplied": True}})
        await self._payers.update_one(
            {"_id": payer_id, "pending.event": pending["event"]}, {"$unset": {"pending": ""}}
        )
        await release(self._db, mark, changes)

    async def _lock(self, payer_id: str, holder: str) -> Document:
        """The customer's document, locked by `holder` (made when it is the first payment)."""
        while True:
            stale = now_ms() - timedelta(seconds=CLAIM_SECONDS)
            free = [{"lockedBy": None}, {"lockedBy": holder}, {"lockedAt": {"$lt": stale}}]
            try:
                doc = await self._payers.find_one_and_update(
                    {"_id": payer_id, "$or": free},
                    {"$set": {"lockedBy": holder, "lockedAt": now_ms()}},
                    upsert=True,
                    return_document=ReturnDocument.AFTER,
                )
            except DuplicateKeyError:  # it exists, and another event holds it
                doc = None
            if doc is not None:
                return doc
            await asyncio.sleep(0.05)

    async def cohorts(self, merchant_id: str, mode: str) -> dict[str, dict[str, int]]:
        """Customers per first month and month they paid in: `{"2026-01": {"2026-03": 4}}`."""
        doc = await self._db[COHORTS].find_one({"_id": cohort_id(merchant_id, mode)}, {"m": 1})
        return doc["m"] if doc else {}
