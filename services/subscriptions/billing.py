"""Billing: the steps a subscription takes on its own as its time passes.

A subscription's `dueAt` is when its next step is due, on its own clock (the real one, or its
test clock): the first charge, a renewal at the end of a period, a retry of a failed renewal
(dunning), a cancel at the end of the period. `settle` runs every step due by a time, each at
the moment it was due, so a renewal late by an hour (or a test clock moved on by a month) bills
the same periods as one on time.

Each step happens once, however many replicas or restarts run it:
- the period's invoice is made once (its id derives from the subscription and the period);
- each charge of it names a reference (invoice and attempt), from which the payments service
  derives the payment's id: the same attempt run again is the same payment, charged once;
- its events have ids derived from the step, so writing them again writes nothing;
- the subscription then moves on by a conditional update on its version. A run that died before
  it leaves the step due, and the next run repeats it with the same invoice, the same payment and
  the same events. Events are written before that update, never after: an update without its
  events could not be told from a finished one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from services.subscriptions.events import invoice_event, subscription_event
from services.subscriptions.payments_client import PaymentsClient
from services.subscriptions.periods import shifted
from services.subscriptions.store import SubscriptionStore
from shared.clock import now_ms
from shared.events.envelope import (
    INVOICE_PAID,
    SUBSCRIPTION_CANCELED,
    SUBSCRIPTION_PAST_DUE,
    SUBSCRIPTION_PAYMENT_FAILED,
    SUBSCRIPTION_RENEWED,
    SUBSCRIPTION_UPDATED,
    EventEnvelope,
)
from shared.events.outbox import Outbox
from shared.ids import derived_id
from shared.mongo import Document

# More steps than any one settle should meet (a test clock moves at most twelve periods at a
# time); the rest waits for the next run.
_MAX_STEPS = 200


def period_bounds(subscription: Document, number: int) -> tuple[datetime, datetime]:
    """Start and end of period `number`, counted from the subscription's anchor."""
    plan = subscription["plan"]
    offset = number - subscription["anchorPeriod"]
    anchor = subscription["anchor"]
    return (
        shifted(anchor, plan["interval"], plan["intervalCount"], offset),
        shifted(anchor, plan["interval"], plan["intervalCount"], offset + 1),
    )


def period_invoice_id(subscription_id: str, number: int) -> str:
    return derived_id("in", subscription_id, "period", str(number))


class Billing:
    def __init__(
        self,
        store: SubscriptionStore,
        outbox: Outbox,
        payments: PaymentsClient,
        clock: Callable[[], datetime] = now_ms,
    ) -> None:
        self._store = store
        self._outbox = outbox
        self._payments = payments
        self._clock = clock

    def now_of(self, subscription: Document) -> datetime:
        """The subscription's own now: its test clock's time, or the real time."""
        test_clock = subscription.get("testClock")
        return test_clock["frozenTime"] if test_clock else self._clock()

    async def settle(self, subscription: Document, until: datetime | None = None) -> Document:
        """Runs every step due by `until` (the subscription's now); the subscription after them.
        A charge the payments service has not finished stops here, to be run again later."""
        until = until or self.now_of(subscription)
        for _ in range(_MAX_STEPS):
            due_at = subscription.get("dueAt")
            if due_at is None or due_at > until:
                break
            moved = await self._step(subscription)
            if moved is None:
                break
            subscription = moved
        return subscription

    async def save(
        self,
        subscription: Document,
        changes: dict[str, Any],
        events: Callable[[Document], Sequence[EventEnvelope]] = lambda _: (),
    ) -> Document | None:
        """Writes the events of the subscription as `changes` make it, then the changes if no
        one changed it first; the new subscription, or None when someone did."""
        after = {**subscription, **changes, "version": subscription["version"] + 1}
        for event in events(after):
            await self._outbox.add(event, key=subscription["merchantId"])
        return await self._store.replace(subscription, changes)

    async def _step(self, subscription: Document) -> Document | None:
        status = subscription["status"]
        if status in ("trialing", "active") and subscription["cancelAtPeriodEnd"]:
            moved = await self._cancel_at_period_end(subscription)
        elif status in ("incomplete", "trialing", "active"):
            moved = await self._renew(subscription)
        elif status == "past_due":
            moved = await self._retry(subscription)
        else:  # nothing is due in any other status
            moved = await self.save(subscription, {"dueAt": None})
        if moved is None:
            # Another writer moved it on (or a charge is unfinished): read what it is now.
            current = await self._store.get(subscription["_id"])
            if current is None or current["version"] == subscription["version"]:
                return None
            return current
        return moved

    async def _cancel_at_period_end(self, subscription: Document) -> Document | None:
        at = subscription["dueAt"]
        changes = {"status": "canceled", "canceledAt": at, "dueAt": None, "updatedAt": at}
        return await self.save(
            subscription,
            changes,
            lambda after: [subscription_event(SUBSCRIPTION_CANCELED, after, "period_end")],
        )

    async def _renew(self, subscription: Document) -> Document | None:
        """Charges the next period: the first one (status `incomplete`), the first after the
        trial, or a renewal."""
        at = subscription["dueAt"]
        number = subscription["period"] + 1
        start, end = period_bounds(subscription, number)
        invoice = await self._period_invoice(subscription, number, start, end)
        charged = await self.charge(subscription, invoice, 1, at)
        if charged is None:
            return None
        moved_on = {
            "period": number,
            "currentPeriodStart": start,
            "currentPeriodEnd": end,
            "latestInvoiceId": invoice["_id"],
            "creditBalance": subscription["creditBalance"] - invoice["creditApplied"],
            "updatedAt": at,
        }
        first = subscription["status"] == "incomplete"
        if charged["status"] == "paid":
            changes = moved_on | {"status": "active", "dueAt": end, "dunning": None}

            def paid(after: Document) -> list[EventEnvelope]:
                events = [invoice_event(INVOICE_PAID, charged, charged["_id"])]
                if not first:
                    events.append(subscription_event(SUBSCRIPTION_RENEWED, after, f"{number}"))
                return events

            return await self.save(subscription, changes, paid)
        failed = f"{invoice['_id']}:1"
        if first:
            # No period starts unpaid: the subscription stays incomplete, and nothing is due.
            await self._store.set_invoice(invoice["_id"], {"status": "void"})
            changes = {"latestInvoiceId": invoice["_id"], "dueAt": None, "updatedAt": at}
            return await self.save(
                subscription,
                changes,
                lambda after: [subscription_event(SUBSCRIPTION_PAYMENT_FAILED, after, failed)],
            )
        retry_days = subscription["plan"]["retryDays"]
        if not retry_days:
            return await self._give_up(subscription, invoice, at, moved_on, failed)
        next_at = at + timedelta(days=retry_days[0])
        dunning = {
            "invoiceId": invoice["_id"],
            "attempt": 1,
            "firstFailedAt": at,
            "nextAttemptAt": next_at,
        }
        changes = moved_on | {"status": "past_due", "dunning": dunning, "dueAt": next_at}
        return await self.save(
            subscription,
            changes,
            lambda after: [
                subscription_event(SUBSCRIPTION_PAYMENT_FAILED, after, failed),
                subscription_event(SUBSCRIPTION_PAST_DUE, after, f"{number}"),
            ],
        )

    async def _retry(self, subscription: Document) -> Document | None:
        """Charges the past-due invoice again (dunning), on the plan's schedule."""
        at = subscription["dueAt"]
        dunning = subscription["dunning"]
        invoice = await self._store.invoice(dunning["invoiceId"])
        assert invoice is not None  # made before the subscription went past due
        attempt = dunning["attempt"] + 1
        charged = await self.charge(subscription, invoice, attempt, at)
        if charged is None:
            return None
        if charged["status"] == "paid":
            changes = {
                "status": "active",
                "dunning": None,
                "dueAt": subscription["currentPeriodEnd"],
                "updatedAt": at,
            }
            number = subscription["period"]
            return await self.save(
                subscription,
                changes,
                lambda after: [
                    invoice_event(INVOICE_PAID, charged, charged["_id"]),
                    subscription_event(SUBSCRIPTION_RENEWED, after, f"{number}"),
                ],
            )
        failed = f"{invoice['_id']}:{attempt}"
        retry_days = subscription["plan"]["retryDays"]
        if attempt > len(retry_days):
            return await self._give_up(subscription, invoice, at, {}, failed)
        next_at = dunning["firstFailedAt"] + timedelta(days=retry_days[attempt - 1])
        changes = {
            "dunning": {**dunning, "attempt": attempt, "nextAttemptAt": next_at},
            "dueAt": next_at,
            "updatedAt": at,
        }
        return await self.save(
            subscription,
            changes,
            lambda after: [subscription_event(SUBSCRIPTION_PAYMENT_FAILED, after, failed)],
        )

    async def _give_up(
        self,
        subscription: Document,
        invoice: Document,
        at: datetime,
        changes: dict[str, Any],
        failed: str,
    ) -> Document | None:
        """The last charge failed: the invoice is uncollectible, and the subscription ends in
        the plan's final status (`canceled`, or `unpaid`: kept, but never charged again)."""
        await self._store.set_invoice(invoice["_id"], {"status": "uncollectible"})
        final = subscription["plan"]["finalStatus"]
        ended = {"status": final, "dunning": None, "dueAt": None, "updatedAt": at}
        if final == "canceled":
            ended["canceledAt"] = at
        ended_type = SUBSCRIPTION_CANCELED if final == "canceled" else SUBSCRIPTION_UPDATED
        return await self.save(
            subscription,
            changes | ended,
            lambda after: [
                subscription_event(SUBSCRIPTION_PAYMENT_FAILED, after, failed),
                subscription_event(ended_type, after, final),
            ],
        )

    async def _period_invoice(
        self, subscription: Document, number: int, start: datetime, end: datetime
    ) -> Document:
        plan = subscription["plan"]
        credit = min(subscription["creditBalance"], plan["amount"])
        lines = [{"description": f"{plan['name']}, period {number}", "amount": plan["amount"]}]
        if credit:
            lines.append({"description": "Credit applied", "amount": -credit})
        return await self._store.open_invoice(
            new_invoice(
                subscription,
                period_invoice_id(subscription["_id"], number),
                number,
                (start, end),
                lines,
                at=subscription["dueAt"],
                credit_applied=credit,
            )
        )

    async def charge(
        self, subscription: Document, invoice: Document, attempt: int, at: datetime
    ) -> Document | None:
        """Charge `attempt` of the invoice on the subscription's card: the invoice after it
        (`paid`, or as it was with the failed attempt added); None while the payment is
        unfinished. An invoice of nothing (a credit covered it) is paid without a charge."""
        if invoice["status"] == "paid":
            return invoice
        if invoice["amount"] == 0:
            paid = {"status": "paid", "paidAt": at}
            await self._store.set_invoice(invoice["_id"], paid)
            return {**invoice, **paid}
        payment = await self._payments.charge(
            subscription["paymentMethodId"],
            merchant_id=subscription["merchantId"],
            mode=subscription["mode"],
            amount=invoice["amount"],
            currency=invoice["currency"],
            order_id=invoice["_id"],
            description=invoice["lines"][0]["description"],
            reference=f"{invoice['_id']}:{attempt}",
        )
        if payment["status"] in ("created", "processing"):
            return None
        # Anything but success (declined, or ended unpaid some other way) is a failed attempt.
        status = "succeeded" if payment["status"] == "succeeded" else "failed"
        record = {
            "paymentId": payment["id"],
            "status": status,
            "failureCode": payment.get("failureCode"),
            "at": at,
        }
        fields = {"status": "paid", "paidAt": at} if status == "succeeded" else {}
        await self._store.record_attempt(invoice["_id"], record, fields)
        attempts = [a for a in invoice["attempts"] if a["paymentId"] != payment["id"]]
        return {**invoice, **fields, "attempts": [*attempts, record]}


def new_invoice(
    subscription: Document,
    invoice_id: str,
    number: int,
    period: tuple[datetime, datetime],
    lines: list[dict[str, Any]],
    *,
    at: datetime,
    credit_applied: int = 0,
) -> Document:
    return {
        "_id": invoice_id,
        "subscriptionId": subscription["_id"],
        "merchantId": subscription["merchantId"],
        "mode": subscription["mode"],
        "number": number,
        "periodStart": period[0],
        "periodEnd": period[1],
        "amount": sum(line["amount"] for line in lines),
        "currency": subscription["plan"]["currency"],
        "status": "open",
        "attempts": [],
        "paidAt": None,
        "lines": lines,
        "creditApplied": credit_applied,
        "createdAt": at,
    }
