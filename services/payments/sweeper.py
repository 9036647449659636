"""The sweeper: expires unconfirmed payments and finishes what a crash left half done.

A request that dies between its claim and its last write leaves a claimed transition unapplied,
a payment or refund without its event, or a card payment processing for ever. The sweeper, run
by one replica per interval (each of its steps is a claim too, or idempotent), completes them.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from pymongo.errors import PyMongoError

from services.payments.events import creation_event_id, refund_event
from services.payments.links.service import LinkService
from services.payments.refunds import RefundService
from services.payments.service import SYSTEM, PaymentService
from services.payments.states import NEW
from services.payments.store import PaymentStore
from shared.clock import now_ms
from shared.errors import ExpeError
from shared.events.outbox import Outbox

logger = logging.getLogger("expe.payments.sweeper")

# A step older than this is finished by the sweeper (its request is gone); writes are checked for
# a missing event this far back; a card payment processing this long failed (the request charging
# it died; the sandbox answers in milliseconds).
_SETTLE = timedelta(minutes=1)
_LOOKBACK = timedelta(minutes=10)
_CARD_TIMEOUT = timedelta(minutes=5)


class Sweeper:
    def __init__(
        self,
        payments: PaymentService,
        refunds: RefundService,
        store: PaymentStore,
        outbox: Outbox,
        links: LinkService,
        clock: Callable[[], datetime] = now_ms,
    ) -> None:
        self._payments = payments
        self._links = links
        self._refunds = refunds
        self._store = store
        self._outbox = outbox
        self._clock = clock
        # Writes up to here were checked for a missing event already: each sweep checks only
        # what is new since the last, so the check costs once per payment, not once per sweep
        # for as long as the payment is in the lookback (a restart checks the lookback again).
        self._checked_until: datetime | None = None

    async def run(self, interval: float) -> None:
        """Sweeps every `interval` seconds; of several replicas, one sweeps each interval."""
        await self._store.sweep_lease(interval).run_each_slot(self.sweep)

    async def sweep(self) -> None:
        """Each step runs even when one before it failed: work of one kind that cannot be done
        now (the wallet away, a bug on one payment) must not leave every other kind undone."""
        now = self._clock()
        await self._step("expire", self._expire(now))
        await self._step("transitions", self._finish_transitions(now - _SETTLE))
        since, until = now - _LOOKBACK, now - _SETTLE
        if self._checked_until is not None:
            since = max(since, self._checked_until)
        created = await self._step("creation events", self._publish_creations(since, until))
        refunded = await self._step("refund events", self._publish_refunds(since, until))
        linked = await self._step("payment link events", self._links.republish(since, until))
        if created and refunded and linked:
            self._checked_until = until
        await self._step("stuck cards", self._fail_stuck_cards(now - _CARD_TIMEOUT))
        await self._step("stuck wallets", self._settle_stuck_wallets(now - _SETTLE))
        await self._step("refund credits", self._credit_refunds(now - _SETTLE))

    @staticmethod
    async def _step(name: str, work: Awaitable[None]) -> bool:
        """Runs one step of the sweep; False (logged) when it failed, to be tried next sweep."""
        try:
            await work
        except (PyMongoError, ExpeError) as error:  # the store or a service is away
            logger.warning("payments sweep step failed", extra={"step": name, "error": repr(error)})
            return False
        except Exception:  # a bug: reported in full
            logger.exception("payments sweep step failed", extra={"step": name})
            return False
        return True

    async def _expire(self, now: datetime) -> None:
        for payment in await self._store.expired(now):
            await self._payments.move(payment, "expired", "expired", None)

    async def _finish_transitions(self, before: datetime) -> None:
        for entry in await self._store.unapplied(before):
            payment = await self._store.get(entry["paymentId"])
            if payment is not None:
                await self._payments.apply(payment, entry)

    async def _publish_creations(self, since: datetime, until: datetime) -> None:
        """Writes the creation event of a payment whose creator died between inserting it and
        writing the event. A creator writes the event last, so a payment whose event the outbox
        holds is complete: one read of the outbox passes over all of those."""
        created = {
            creation_event_id(p.id): p for p in await self._store.created_between(since, until)
        }
        written = await self._outbox.stored(list(created))
        for event_id, payment in created.items():
            if event_id in written:
                continue
            timeline = await self._store.timeline(payment.id)
            if timeline:
                entry = timeline[0]
            else:
                entry = self._payments.transition(
                    payment.id, NEW, "created", payment.created_at, "payment_created", SYSTEM
                )
                entry["applied"] = True
                await self._store.claim(entry)
            await self._payments.publish(dataclasses.replace(payment, status="created"), entry)

    async def _publish_refunds(self, since: datetime, until: datetime) -> None:
        """Writes refund events again by their derived ids (a no-op unless one is missing)."""
        for link in await self._store.refunds_between(since, until):
            payment = await self._store.get(link.payment_id)
            if payment is not None:
                await self._outbox.add(refund_event(payment, link), key=payment.merchant_id)
                await self._refunds.note_refunds(payment.id, link.n, link.amount_refunded)

    async def _fail_stuck_cards(self, before: datetime) -> None:
        for payment in await self._store.stuck_payments("card", before):
            await self._payments.fail(payment, "processing_error", "processing_timeout", None)

    async def _credit_refunds(self, before: datetime) -> None:
        """Credits refunds of wallet payments whose request died (or found the wallet down)
        before the credit; a marker without its refund link is a refund that never was."""
        for marker in await self._store.pending_credits(before):
            link = await self._store.refund_link(marker.payment_id, marker.n)
            payment = await self._store.get(marker.payment_id)
            if link is None or link.id != marker.refund_id or payment is None:
                await self._store.clear_credit(marker.refund_id)
                continue
            await self._refunds.settle_credit(payment, link)

    async def _settle_stuck_wallets(self, before: datetime) -> None:
        """A wallet payment processing this long lost its request between the claim and the
        capture: settling it again reuses its one hold (same reference) and captures it, or
        fails the payment when the hold was declined or released. No money appears or goes."""
        if self._payments.wallet is None:
            return
        for payment in await self._store.stuck_payments("wallet", before):
            try:
                await self._payments.settle_wallet(payment, None)
            except ExpeError as error:
                logger.info(
                    "stuck wallet payment settled",
                    extra={"payment": payment.id, "outcome": repr(error)},
                )
