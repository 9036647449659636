"""Plans and subscriptions as merchants change them: create, cancel, pause, resume, change of
plan with proration, and test clocks — no FastAPI.

Every change first settles what is due by the subscription's now (a renewal an hour late is
billed before a cancel that comes after it), then applies itself by a conditional update; a
change that loses to another writer is refused with 409, to be made again on what is there now.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from services.subscriptions.billing import Billing, new_invoice
from services.subscriptions.errors import (
    PaymentMethodNotFound,
    PlanChangeInvalid,
    PlanNotFound,
    ProrationDeclined,
    SubscriptionNotFound,
    SubscriptionStateConflict,
    TestClockRefused,
)
from services.subscriptions.events import subscription_event
from services.subscriptions.payments_client import PaymentsClient
from services.subscriptions.periods import prorated, shifted
from services.subscriptions.schemas import PlanCreate, SubscriptionCreate
from services.subscriptions.settings import SubscriptionsSettings
from services.subscriptions.store import SubscriptionStore
from shared.clock import now_ms, to_ms
from shared.events.envelope import (
    SUBSCRIPTION_CANCELED,
    SUBSCRIPTION_CREATED,
    SUBSCRIPTION_UPDATED,
)
from shared.events.outbox import Outbox
from shared.idempotency import IdempotencyKeyReused
from shared.ids import derived_id, id_for_request
from shared.mongo import Document
from shared.paging import Paging
from shared.scopes import Scope

# How far one advance may move a test clock: twelve periods past the current one.
MAX_ADVANCE_PERIODS = 12
_CHANGED_MEANWHILE = "The subscription changed while this request was made; try again."


class SubscriptionService:
    def __init__(
        self,
        store: SubscriptionStore,
        outbox: Outbox,
        payments: PaymentsClient,
        settings: SubscriptionsSettings,
        clock: Callable[[], datetime] = now_ms,
    ) -> None:
        self._store = store
        self._outbox = outbox
        self._payments = payments
        self._settings = settings
        self._clock = clock
        self.billing = Billing(store, outbox, payments, clock)

    # Plans.

    async def create_plan(
        self, scope: Scope, body: PlanCreate, idempotency_key: str | None
    ) -> Document:
        plan_id = id_for_request("plan", scope.merchant_id, scope.mode, idempotency_key)
        retry_days = (
            self._settings.dunning_retry_days if body.retry_days is None else body.retry_days
        )
        return await self._store.add_plan(
            {
                "_id": plan_id,
                "merchantId": scope.merchant_id,
                "mode": scope.mode,
                "name": body.name,
                "amount": body.amount,
                "currency": body.currency,
                "interval": body.interval,
                "intervalCount": body.interval_count,
                "trialDays": body.trial_days,
                "retryDays": retry_days,
                "finalStatus": body.final_status or self._settings.dunning_final_status,
                "createdAt": self._clock(),
            }
        )

    async def plan(self, scope: Scope, plan_id: str) -> Document:
        plan = await self._store.plan(plan_id)
        if plan is None or (plan["merchantId"], plan["mode"]) != (scope.merchant_id, scope.mode):
            raise PlanNotFound(f"No plan {plan_id} in {scope.mode} mode.", param="planId")
        return plan

    async def plans(self, scope: Scope, paging: Paging) -> tuple[list[Document], int]:
        return await self._store.plans(scope.merchant_id, scope.mode, paging.skip, paging.limit)

    # Subscriptions.

    async def create(
        self, scope: Scope, body: SubscriptionCreate, idempotency_key: str | None
    ) -> Document:
        """Starts the subscription: a trial, or the first period charged at once. A first
        charge declined leaves it `incomplete` (no period starts unpaid)."""
        plan = await self.plan(scope, body.plan_id)
        await self._check_method(scope, body.payment_method_id)
        start = self._clock()
        if body.test_clock is not None:
            if scope.mode != "test":
                raise TestClockRefused("Test clocks are for test mode only.", param="testClock")
            if body.test_clock.frozen_time is not None:
                start = to_ms(body.test_clock.frozen_time.astimezone(UTC))
        anchor = start + timedelta(days=plan["trialDays"])
        subscription = {
            "_id": id_for_request("sub", scope.merchant_id, scope.mode, idempotency_key),
            "merchantId": scope.merchant_id,
            "mode": scope.mode,
            "planId": plan["_id"],
            "plan": _plan_terms(plan),
            "status": "trialing" if plan["trialDays"] else "incomplete",
            "customer": {"email": body.customer.email},
            "paymentMethodId": body.payment_method_id,
            # Period n starts `n - anchorPeriod` periods after the anchor.
            "anchor": anchor,
            "anchorPeriod": 1,
            # Period 0 is the trial, or nothing: the first charge is due at once.
            "period": 0,
            "currentPeriodStart": start,
            "currentPeriodEnd": anchor,
            "trialEnd": anchor if plan["trialDays"] else None,
            "cancelAtPeriodEnd": False,
            "canceledAt": None,
            "pausedAt": None,
            "pausedFrom": None,
            "dunning": None,
            "dueAt": anchor,
            "testClock": {"frozenTime": start} if body.test_clock is not None else None,
            "latestInvoiceId": None,
            "creditBalance": 0,
            "planChanges": 0,
            "version": 0,
            "createdAt": start,
            "updatedAt": start,
        }
        # The event first: a retry of a request that died after the insert finds it written.
        event = subscription_event(SUBSCRIPTION_CREATED, subscription, "created", scope.actor)
        await self._outbox.add(event, key=scope.merchant_id)
        stored = await self._store.add(subscription)
        if stored["planId"] != body.plan_id:
            raise IdempotencyKeyReused(
                "This Idempotency-Key made another subscription; use a new key for a new one."
            )
        return await self.billing.settle(stored)

    async def _check_method(self, scope: Scope, payment_method_id: str) -> None:
        method = await self._payments.payment_method(payment_method_id)
        if (method["merchantId"], method["mode"]) != (scope.merchant_id, scope.mode):
            raise PaymentMethodNotFound(
                f"No saved card {payment_method_id} in {scope.mode} mode.",
                param="paymentMethodId",
            )

    async def get(self, scope: Scope, subscription_id: str) -> Document:
        subscription = await self._store.get(subscription_id)
        if subscription is None or (subscription["merchantId"], subscription["mode"]) != (
            scope.merchant_id,
            scope.mode,
        ):
            raise SubscriptionNotFound(f"No subscription {subscription_id} in {scope.mode} mode.")
        return subscription

    async def page(
        self, scope: Scope, statuses: list[str], paging: Paging
    ) -> tuple[list[Document], int]:
        return await self._store.page(
            scope.merchant_id, scope.mode, statuses, paging.skip, paging.limit
        )

    async def invoices(
        self, scope: Scope, subscription_id: str, paging: Paging
    ) -> tuple[list[Document], int]:
        await self.get(scope, subscription_id)
        return await self._store.invoices(subscription_id, paging.skip, paging.limit)

    async def _settled(self, scope: Scope, subscription_id: str) -> Document:
        return await self.billing.settle(await self.get(scope, subscription_id))

    async def _change(
        self,
        scope: Scope,
        subscription: Document,
        changes: dict[str, Any],
        event_type: str = SUBSCRIPTION_UPDATED,
    ) -> Document:
        source = f"updated:{subscription['version'] + 1}"
        saved = await self.billing.save(
            subscription,
            {**changes, "updatedAt": self.billing.now_of(subscription)},
            lambda after: [subscription_event(event_type, after, source, scope.actor)],
        )
        if saved is None:
            raise SubscriptionStateConflict(_CHANGED_MEANWHILE)
        return saved

    async def cancel(self, scope: Scope, subscription_id: str, at_period_end: bool) -> Document:
        subscription = await self._settled(scope, subscription_id)
        status = subscription["status"]
        if at_period_end:
            if status not in ("trialing", "active"):
                raise SubscriptionStateConflict(
                    f"This subscription is {status}; only a trialing or active one can be "
                    "canceled at the end of its period.",
                    param="atPeriodEnd",
                )
            return await self._change(scope, subscription, {"cancelAtPeriodEnd": True})
        if status == "canceled":
            raise SubscriptionStateConflict("This subscription is canceled already.")
        now = self.billing.now_of(subscription)
        changes = {"status": "canceled", "canceledAt": now, "dueAt": None, "dunning": None}
        dunning = subscription["dunning"]
        if dunning:  # what it still owed is no longer asked for
            await self._store.set_invoice(dunning["invoiceId"], {"status": "void"})
        return await self._change(scope, subscription, changes, SUBSCRIPTION_CANCELED)

    async def pause(self, scope: Scope, subscription_id: str) -> Document:
        """No renewals while paused; the period paid for runs on."""
        subscription = await self._settled(scope, subscription_id)
        if subscription["status"] not in ("trialing", "active"):
            raise SubscriptionStateConflict(
                f"This subscription is {subscription['status']}; only a trialing or active "
                "one can be paused."
            )
        changes = {
            "status": "paused",
            "pausedFrom": subscription["status"],
            "pausedAt": self.billing.now_of(subscription),
            "dueAt": None,
        }
        return await self._change(scope, subscription, changes)

    async def resume(self, scope: Scope, subscription_id: str) -> Document:
        """Back to what it was. If the period paid for ended meanwhile, a new one starts now
        and is charged at once: the paused time is never billed."""
        subscription = await self._settled(scope, subscription_id)
        if subscription["status"] != "paused":
            raise SubscriptionStateConflict(
                f"This subscription is {subscription['status']}; only a paused one resumes."
            )
        now = self.billing.now_of(subscription)
        changes: dict[str, Any] = {
            "status": subscription["pausedFrom"],
            "pausedFrom": None,
            "pausedAt": None,
            "dueAt": subscription["currentPeriodEnd"],
        }
        if subscription["currentPeriodEnd"] <= now:
            changes |= {"anchor": now, "anchorPeriod": subscription["period"] + 1, "dueAt": now}
        resumed = await self._change(scope, subscription, changes)
        return await self.billing.settle(resumed)

    async def update_payment_method(
        self, scope: Scope, subscription_id: str, payment_method_id: str
    ) -> Document:
        """Charges another saved card from now on: the next renewal, or the next retry of a
        past-due invoice."""
        subscription = await self._settled(scope, subscription_id)
        if subscription["status"] == "canceled":
            raise SubscriptionStateConflict("This subscription is canceled.")
        await self._check_method(scope, payment_method_id)
        return await self._change(scope, subscription, {"paymentMethodId": payment_method_id})

    async def change_plan(self, scope: Scope, subscription_id: str, plan_id: str) -> Document:
        """Moves to another plan in the same currency, now. In a trial only the plan changes.
        Otherwise the unused part of the period is credited at the old price and charged at
        the new one: the difference is charged at once (a decline leaves the plan as it was),
        or kept as credit for the next invoices. A plan of another interval starts a new period
        now, charged in full less that credit."""
        subscription = await self._settled(scope, subscription_id)
        plan = await self.plan(scope, plan_id)
        status = subscription["status"]
        if status not in ("trialing", "active"):
            raise SubscriptionStateConflict(
                f"This subscription is {status}; only a trialing or active one changes plan."
            )
        old = subscription["plan"]
        if plan["_id"] == subscription["planId"]:
            raise PlanChangeInvalid("The subscription is on this plan already.", param="planId")
        if plan["currency"] != old["currency"]:
            raise PlanChangeInvalid(
                f"The subscription bills in {old['currency']}; the plan is in {plan['currency']}.",
                param="planId",
            )
        terms: dict[str, Any] = {"planId": plan["_id"], "plan": _plan_terms(plan)}
        if status == "trialing":
            return await self._change(scope, subscription, terms)
        now = self.billing.now_of(subscription)
        start, end = subscription["currentPeriodStart"], subscription["currentPeriodEnd"]
        unused = prorated(old["amount"], end - now, end - start)
        same_cycle = (plan["interval"], plan["intervalCount"]) == (
            old["interval"],
            old["intervalCount"],
        )
        lines: list[dict[str, Any]] = [
            {"description": f"Unused time on {old['name']}", "amount": -unused}
        ]
        number = 0
        if same_cycle:
            lines.append(
                {
                    "description": f"Remaining time on {plan['name']}",
                    "amount": prorated(plan["amount"], end - now, end - start),
                }
            )
            period = (now, end)
        else:
            number = subscription["period"] + 1
            period = (now, shifted(now, plan["interval"], plan["intervalCount"], 1))
            lines.append(
                {"description": f"{plan['name']}, period {number}", "amount": plan["amount"]}
            )
            terms |= {
                "anchor": now,
                "anchorPeriod": number,
                "period": number,
                "currentPeriodStart": period[0],
                "currentPeriodEnd": period[1],
                "dueAt": period[1],
            }
        net = sum(line["amount"] for line in lines)
        credit = subscription["creditBalance"]
        applied = min(credit, max(net, 0))
        if applied:
            lines.append({"description": "Credit applied", "amount": -applied})
        change = subscription["planChanges"] + 1
        terms |= {"planChanges": change, "creditBalance": credit - applied + max(-net, 0)}
        if net - applied > 0:
            invoice_id = derived_id("in", subscription["_id"], "change", str(change))
            invoice = await self._store.open_invoice(
                new_invoice(
                    subscription, invoice_id, number, period, lines, at=now, credit_applied=applied
                )
                | {"planId": plan["_id"]}
            )
            if invoice.get("planId") != plan["_id"]:
                raise SubscriptionStateConflict(_CHANGED_MEANWHILE)
            charged = await self.billing.charge(subscription, invoice, 1, now)
            if charged is None:
                raise SubscriptionStateConflict(
                    "The prorated charge is still being processed; try again in a moment."
                )
            if charged["status"] != "paid":
                await self._store.set_invoice(invoice_id, {"status": "void"})
                # The next try is a new invoice, with a charge of its own.
                await self.billing.save(subscription, {"planChanges": change})
                code = charged["attempts"][-1]["failureCode"]
                raise ProrationDeclined(
                    f"The card was declined ({code}) for the prorated amount; the plan is "
                    "unchanged."
                )
            terms["latestInvoiceId"] = invoice_id
        return await self._change(scope, subscription, terms)

    async def advance_clock(
        self, scope: Scope, subscription_id: str, frozen_time: datetime
    ) -> Document:
        """Moves the subscription's test clock to `frozen_time` and runs what falls due by
        then: renewals, retries, a cancel at the period's end."""
        subscription = await self.get(scope, subscription_id)
        test_clock = subscription["testClock"]
        if test_clock is None:
            raise TestClockRefused(
                "This subscription runs on the real clock; create one with a testClock.",
                param="frozenTime",
            )
        target = to_ms(frozen_time.astimezone(UTC))
        if target <= test_clock["frozenTime"]:
            raise TestClockRefused(
                "A test clock moves forward only: frozenTime must be after "
                f"{test_clock['frozenTime'].isoformat()}.",
                param="frozenTime",
            )
        plan = subscription["plan"]
        from_time = max(test_clock["frozenTime"], subscription["currentPeriodEnd"])
        limit = shifted(from_time, plan["interval"], plan["intervalCount"], MAX_ADVANCE_PERIODS)
        if target > limit:
            raise TestClockRefused(
                f"A test clock moves at most {MAX_ADVANCE_PERIODS} periods at a time: up to "
                f"{limit.isoformat()}.",
                param="frozenTime",
            )
        moved = await self._store.replace(subscription, {"testClock": {"frozenTime": target}})
        if moved is None:
            raise SubscriptionStateConflict(_CHANGED_MEANWHILE)
        return await self.billing.settle(moved, target)


def _plan_terms(plan: Document) -> Document:
    """What the subscription bills by, kept on it (a plan is never changed once made)."""
    fields = ("name", "amount", "currency", "interval", "intervalCount", "retryDays", "finalStatus")
    return {name: plan[name] for name in fields}
