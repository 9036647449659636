"""The sandbox card network's side of disputes, run by one replica per interval: it opens the
disputes its test cards call for, loses disputes left unanswered past their due date, decides
reviews that ended, moves dispute money a request could not, and writes again any event a
crash left unwritten. Every step is a conditional change or idempotent, so a step cut off, or
run twice, changes nothing twice."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from pymongo.errors import PyMongoError

from services.payments.disputes.service import DisputeService
from services.payments.disputes.store import DisputeStore
from services.payments.errors import PaymentNotDisputable
from services.payments.sandbox import DISPUTING
from services.payments.store import PaymentStore
from shared.claims import SlotLease
from shared.clock import now_ms
from shared.errors import ExpeError

logger = logging.getLogger("expe.payments.disputes")

_BATCH = 100
# Changes older than this are checked for their events, as far back as the lookback.
_SETTLE = timedelta(seconds=30)
_LOOKBACK = timedelta(minutes=10)


class DisputeReviewer:
    def __init__(
        self,
        disputes: DisputeService,
        store: DisputeStore,
        payments: PaymentStore,
        lease: SlotLease,
        clock: Callable[[], datetime] = now_ms,
    ) -> None:
        self._disputes = disputes
        self._store = store
        self._payments = payments
        self._lease = lease
        self._clock = clock

    async def run(self) -> None:
        await self._lease.run_each_slot(self.review)

    async def review(self) -> None:
        now = self._clock()
        await _step("open", self._open_disputed())
        await _step("overdue", self._lose_overdue(now))
        await _step("decide", self._decide(now))
        await _step("funds", self._settle_funds(now))
        await _step("events", self._republish(now - _LOOKBACK, now - _SETTLE))

    async def _open_disputed(self) -> None:
        reasons = sorted(set(DISPUTING.values()))
        for payment, reason in await self._payments.to_dispute(reasons, _BATCH):
            try:
                await self._disputes.open(payment, reason)
            except PaymentNotDisputable:
                pass  # refunded in full meanwhile: nothing is left to dispute
            await self._payments.disputed(payment.id)

    async def _lose_overdue(self, now: datetime) -> None:
        for dispute in await self._store.due("dueBy", "needs_response", now, _BATCH):
            await self._disputes.close(dispute, "needs_response", "lost")

    async def _decide(self, now: datetime) -> None:
        for dispute in await self._store.due("reviewEndsAt", "under_review", now, _BATCH):
            await self._disputes.decide(dispute)

    async def _settle_funds(self, now: datetime) -> None:
        for dispute in await self._store.funds_due(now, _BATCH):
            await self._disputes.settle_funds(dispute)

    async def _republish(self, since: datetime, until: datetime) -> None:
        for dispute in await self._store.changed_between(since, until):
            await self._disputes.publish(dispute)


async def _step(name: str, work: Awaitable[None]) -> None:
    """One step of a review; one that fails (logged) is tried again next interval, and the
    steps after it still run."""
    try:
        await work
    except (PyMongoError, ExpeError) as error:
        logger.warning("dispute review step failed", extra={"step": name, "error": repr(error)})
    except Exception:
        logger.exception("dispute review step failed", extra={"step": name})
