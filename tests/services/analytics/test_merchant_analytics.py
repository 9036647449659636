"""The merchant analytics report reconciles exactly with the payments it was told of, whatever
the order, repetition and concurrency of the events, and a crash half way counts nothing twice."""

from __future__ import annotations

import asyncio
import random
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase

from services.analytics.consumers import count_payment_event
from services.analytics.counting import EventCounter
from services.analytics.payers import PayerBook
from services.analytics.periods import COUNTED_EVENTS, PAYERS, month_of
from services.analytics.report import MerchantReport
from services.payments.events import payment_event, refund_event
from services.payments.records import PaymentRecord, RefundLink
from shared.events.envelope import EventEnvelope

MERCHANT = "mer_analytics"
START = datetime(2026, 1, 1, tzinfo=UTC)
CUSTOMERS = [f"c{n}@example.com" for n in range(40)]
CODES = ["card_declined", "insufficient_funds", "expired_card"]


def _record(n: int, rng: random.Random) -> PaymentRecord:
    created = START + timedelta(seconds=rng.randrange(0, 330 * 86_400))
    currency = rng.choice(["INR", "INR", "USD"])
    card = rng.random() < 0.7
    email = rng.choice(CUSTOMERS) if rng.random() < 0.8 else None
    return PaymentRecord(
        id=f"pay_{n:06d}",
        merchant_id=MERCHANT,
        mode="test",
        status="created",
        amount=rng.randrange(100, 500_000),
        currency=currency,
        amount_refunded=0,
        refund_count=0,
        order_id=f"order-{n}",
        description=None,
        customer={"email": email, "country": rng.choice(["IN", "DE"])} if email else None,
        metadata={},
        allowed_methods=("card", "upi"),
        method="card" if card else "upi",
        card={
            "brand": "visa",
            "last4": "4242",
            "fingerprint": f"fp{n % 25}",
            "country": rng.choice(["US", "IN", "GB"]),
        }
        if card
        else None,
        failure_code=None,
        failure_message=None,
        checkout_url="",
        qr_payload="",
        expires_at=created + timedelta(minutes=30),
        created_at=created,
        updated_at=created,
    )


def _history(count: int, seed: int) -> tuple[list[EventEnvelope], list[PaymentRecord]]:
    """Events of `count` payments: each created, then paid or declined, a few paid ones refunded
    in part; and the payments as they ended (paid ones carry their refunds)."""
    rng = random.Random(seed)
    events: list[EventEnvelope] = []
    finals = []
    for n in range(count):
        payment = _record(n, rng)
        created = {"_id": f"{payment.id}:new", "to": "created", "at": payment.created_at}
        events.append(_event(payment_event(payment, created)))
        ended = payment.created_at + timedelta(seconds=rng.randrange(1, 3 * 3_600))
        if rng.random() < 0.2:
            payment = replace(payment, status="failed", failure_code=rng.choice(CODES))
            transition = {"_id": f"{payment.id}:failed", "to": "failed", "at": ended}
            events.append(_event(payment_event(payment, transition)))
        else:
            payment = replace(payment, status="succeeded")
            transition = {"_id": f"{payment.id}:paid", "to": "succeeded", "at": ended}
            events.append(_event(payment_event(payment, transition)))
            if rng.random() < 0.1:
                amount = payment.amount // 2
                link = RefundLink(
                    key=f"{payment.id}:refund:1",
                    n=1,
                    id=f"re_{n}",
                    payment_id=payment.id,
                    merchant_id=MERCHANT,
                    mode="test",
                    amount=amount,
                    currency=payment.currency,
                    amount_refunded=amount,
                    status="succeeded",
                    reason=None,
                    actor={"type": "api_key", "id": "key_1"},
                    created_at=ended + timedelta(days=1),
                )
                events.append(_event(refund_event(payment, link)))
                payment = replace(payment, amount_refunded=amount, refund_count=1)
        finals.append(payment)
    return events, finals


def _event(event: EventEnvelope | None) -> EventEnvelope:
    assert event is not None
    return event


def _expected(finals: list[PaymentRecord], events: list[EventEnvelope]) -> dict[str, Any]:
    """What the report must say of 2026, worked out from the payments alone."""
    by_currency: dict[str, Counter[str]] = defaultdict(Counter)
    methods: dict[str, Counter[str]] = defaultdict(Counter)
    paid_of: dict[str, list[tuple[datetime, str, PaymentRecord]]] = defaultdict(list)
    ended_at = {
        event.data["paymentId"]: datetime.fromisoformat(event.data["occurredAt"])
        for event in events
        if event.type in ("payment.completed", "payment.failed")
    }
    for payment in finals:
        totals = by_currency[payment.currency]
        totals["created"] += 1
        if payment.status == "failed":
            totals["failed"] += 1
            methods[payment.currency][f"{payment.method}:failed"] += 1
            continue
        totals["succeeded"] += 1
        totals["volume"] += payment.amount
        totals["refunds"] += payment.refund_count
        totals["refunded"] += payment.amount_refunded
        methods[payment.currency][f"{payment.method}:volume"] += payment.amount
        event = next(
            e for e in events if e.type == "payment.completed" and e.data["paymentId"] == payment.id
        )
        customer = event.data.get("customerId")
        if customer:
            paid_of[customer].append((ended_at[payment.id], payment.id, payment))
    new = Counter[str]()
    cohorts: dict[str, Counter[str]] = defaultdict(Counter)
    for paid in paid_of.values():
        paid.sort()
        first = paid[0]
        new[first[2].currency] += 1
        cohort = month_of(first[0].date())
        for active in {month_of(at.date()) for at, _, _ in paid}:
            cohorts[cohort][active] += 1
    return {"totals": by_currency, "methods": methods, "new": new, "cohorts": cohorts}


async def _count_all(db: AsyncDatabase[dict], events: list[EventEnvelope], width: int) -> None:
    counter = EventCounter(db, COUNTED_EVENTS)
    payers = PayerBook(db)
    gate = asyncio.Semaphore(width)

    async def count(event: EventEnvelope) -> None:
        async with gate:
            await count_payment_event(counter, payers, event)

    await asyncio.gather(*(count(event) for event in events))


async def _report(db: AsyncDatabase[dict], granularity: str = "month") -> Any:
    return await MerchantReport(db).read(
        MERCHANT, "test", date(2026, 1, 1), date(2026, 12, 31), granularity, None
    )


async def test_a_replay_out_of_order_with_duplicates_reconciles_with_the_payments(
    db: AsyncDatabase[dict],
) -> None:
    events, finals = _history(1_500, seed=14)
    # Kafka delivers at least once and partitions do not order a merchant's events against a
    # replay: every event, a fifth of them again, all shuffled, eight at a time.
    rng = random.Random(7)
    delivered = events + rng.sample(events, len(events) // 5)
    rng.shuffle(delivered)
    await _count_all(db, delivered, width=8)
    expected = _expected(finals, events)

    report = await _report(db)
    assert [c.currency for c in report.currencies] == sorted(expected["totals"])
    for analytics in report.currencies:
        want = expected["totals"][analytics.currency]
        totals = analytics.totals
        got = {
            "created": totals.created,
            "succeeded": totals.succeeded,
            "volume": totals.volume,
            "failed": totals.failed,
            "refunds": totals.refunds,
            "refunded": totals.refunded,
        }
        assert got == {key: want[key] for key in got}
        assert totals.net == want["volume"] - want["refunded"]
        assert totals.new_customers == expected["new"][analytics.currency]
        # The months add up to the year, and by day to the same.
        assert sum(period.volume for period in analytics.periods) == totals.volume
        methods = {m.method: (m.volume, m.failed) for m in analytics.methods}
        wanted = expected["methods"][analytics.currency]
        assert methods == {
            method: (wanted[f"{method}:volume"], wanted[f"{method}:failed"])
            for method in ("card", "upi")
        }
        assert sum(f.count for f in analytics.failures) == want["failed"]
        assert sum(c.volume for c in analytics.countries) == totals.volume
    by_day = await _report(db, "day")
    assert [c.totals for c in by_day.currencies] == [c.totals for c in report.currencies]
    assert len(by_day.currencies[0].periods) == 365
    cohorts = {
        cohort.month: {r.month: r.customers for r in cohort.retention if r.customers}
        for cohort in report.cohorts
    }
    assert cohorts == {month: dict(active) for month, active in expected["cohorts"].items()}


async def test_a_customer_moved_to_an_earlier_cohort_by_a_late_event_leaves_the_later_one(
    db: AsyncDatabase[dict],
) -> None:
    events, _ = _history(1, seed=1)
    template = next(e for e in events if e.type == "payment.completed")
    may, march = (
        template.model_copy(
            update={
                "id": f"evt_{month}",
                "data": template.data
                | {
                    "paymentId": f"pay_{month}",
                    "customerId": "cus_one",
                    "occurredAt": f"2026-{month:02d}-10T10:00:00.000Z",
                },
            }
        )
        for month in (5, 3)
    )
    await _count_all(db, [may], width=1)
    assert [(c.month, c.customers) for c in (await _report(db)).cohorts] == [("2026-05", 1)]
    await _count_all(db, [march], width=1)
    report = await _report(db)
    assert [(c.month, c.customers) for c in report.cohorts] == [("2026-03", 1)]
    retained = {r.month: r.customers for r in report.cohorts[0].retention}
    assert (retained["2026-03"], retained["2026-04"], retained["2026-05"]) == (1, 0, 1)
    periods = {p.start.month: p for p in report.currencies[0].periods}
    assert (periods[3].new_customers, periods[5].new_customers) == (1, 0)
    assert periods[5].returning_payments == 1


async def test_a_customer_move_cut_off_after_its_state_was_written_is_finished_once(
    db: AsyncDatabase[dict],
) -> None:
    events, _ = _history(30, seed=3)
    paid = [e for e in events if e.type == "payment.completed" and e.data.get("customerId")]
    same_customer = {key: paid[0].data[key] for key in ("customerId", "currency")}
    first, second = paid[0], paid[1].model_copy(update={"data": paid[1].data | same_customer})
    # The first event's move is written with its increments pending, then the process dies:
    # its claim and its lock are left behind, both older than a consumer would take.
    payers = PayerBook(db)
    original = payers._finish  # the crash point under test

    async def crash(*_: Any) -> None:
        raise RuntimeError("killed")

    payers._finish = crash  # type: ignore[method-assign]
    counter = EventCounter(db, COUNTED_EVENTS)
    try:
        await count_payment_event(counter, payers, first)
    except RuntimeError:
        pass
    payers._finish = original  # type: ignore[method-assign]
    long_ago = datetime.now(UTC) - timedelta(minutes=5)
    await db[COUNTED_EVENTS].update_one({"_id": first.id}, {"$set": {"claimedAt": long_ago}})
    await db[PAYERS].update_many({}, {"$set": {"lockedBy": first.id, "lockedAt": long_ago}})
    # Another payment of the customer comes first, then the first event is delivered again.
    await _count_all(db, [second, first, second], width=1)

    report = await _report(db)
    (analytics,) = [c for c in report.currencies if c.totals.succeeded]
    assert analytics.totals.succeeded == 2
    assert analytics.totals.new_customers + analytics.totals.returning_payments == 2
    assert sum(cohort.customers for cohort in report.cohorts) == 1
    (payer,) = [doc async for doc in db[PAYERS].find({})]
    assert "pending" not in payer and payer["lockedBy"] is None
    assert sum(payer["months"].values()) == 2
