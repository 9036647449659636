"""Analytics consumers: thin, idempotent, and only parse and hand over."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from pydantic import ValidationError

from services.analytics.counting import EventCounter
from services.analytics.events import PaymentCreatedData, PaymentOutcomeData, RefundIssuedData
from services.analytics.payers import Paid, PayerBook
from services.analytics.periods import (
    COUNTED_EVENTS,
    created_increments,
    outcome_increments,
    refund_increments,
)
from services.analytics.store import PaymentBuckets, PaymentFacts
from shared.app import Runtime
from shared.events.consumer import EventConsumer, PermanentEventError
from shared.events.envelope import (
    PAYMENT_COMPLETED,
    PAYMENT_CREATED,
    PAYMENT_FAILED,
    REFUND_ISSUED,
    EventEnvelope,
)
from shared.schemas import Schema

DataT = TypeVar("DataT", bound=Schema)


def _parsed(event: EventEnvelope, model: type[DataT]) -> tuple[str, DataT]:
    if event.merchant_id is None:
        raise PermanentEventError(f"{event.id} has no merchantId")
    try:
        return event.merchant_id, model.model_validate(event.data)
    except ValidationError as error:
        raise PermanentEventError(str(error)) from error


async def count_payment_event(
    counter: EventCounter, payers: PayerBook, event: EventEnvelope
) -> bool:
    """Counts a payment's event into the merchant analytics read model (periods.py), and a
    success into its customer's history (payers.py); False when it was counted before."""
    if event.type == PAYMENT_CREATED:
        merchant_id, created = _parsed(event, PaymentCreatedData)
        return await counter.count(event.id, created_increments(merchant_id, created.mode, created))
    if event.type == REFUND_ISSUED:
        merchant_id, refund = _parsed(event, RefundIssuedData)
        return await counter.count(event.id, refund_increments(merchant_id, refund.mode, refund))
    merchant_id, outcome = _parsed(event, PaymentOutcomeData)
    succeeded = event.type == PAYMENT_COMPLETED
    increments = outcome_increments(merchant_id, outcome.mode, outcome, succeeded)
    customer_id = outcome.customer_id
    if not succeeded or customer_id is None:
        return await counter.count(event.id, increments)
    paid = Paid(outcome.payment_id, outcome.occurred_at, outcome.amount, outcome.currency)

    async def move_payer() -> None:
        await payers.record(event.id, merchant_id, outcome.mode, customer_id, paid)

    return await counter.count(event.id, increments, then=move_payer)


def build_consumers(runtime: Runtime) -> Sequence[EventConsumer]:
    facts = PaymentFacts(runtime.db)
    buckets = PaymentBuckets(runtime.db)
    counter = EventCounter(runtime.db, COUNTED_EVENTS)
    payers = PayerBook(runtime.db)

    async def on_merchant_analytics(event: EventEnvelope) -> bool:
        return await count_payment_event(counter, payers, event)

    async def on_payment_created(event: EventEnvelope) -> bool:
        merchant_id, data = _parsed(event, PaymentCreatedData)
        return await facts.record_created(
            payment_id=data.payment_id,
            merchant_id=merchant_id,
            mode=data.mode,
            amount=data.amount,
            currency=data.currency,
            created_at=data.created_at,
            event_id=event.id,
        )

    async def on_payment_event(event: EventEnvelope) -> bool:
        """Counts the event in the quarter hour it happened in."""
        if event.type == PAYMENT_CREATED:
            merchant_id, created = _parsed(event, PaymentCreatedData)
            mode, currency, at = created.mode, created.currency, created.created_at
            counts = {"created": 1}
        elif event.type == REFUND_ISSUED:
            merchant_id, refund = _parsed(event, RefundIssuedData)
            mode, currency, at = refund.mode, refund.currency, refund.created_at
            counts = {"refunds": 1, "refunded": refund.amount}
        else:
            merchant_id, outcome = _parsed(event, PaymentOutcomeData)
            mode, currency, at = outcome.mode, outcome.currency, outcome.occurred_at
            succeeded = event.type == PAYMENT_COMPLETED
            counts = {"succeeded": 1, "volume": outcome.amount} if succeeded else {"failed": 1}
        return await buckets.count(
            event_id=event.id,
            merchant_id=merchant_id,
            mode=mode,
            currency=currency,
            at=at,
            counts=counts,
        )

    return [
        EventConsumer(
            name="merchant-analytics",
            topics=[PAYMENT_CREATED, PAYMENT_COMPLETED, PAYMENT_FAILED, REFUND_ISSUED],
            handler=on_merchant_analytics,
            db=runtime.db,
            settings=runtime.settings.kafka,
            group_id="expe-analytics-periods",
            # Each event's claim is recorded with its counts (counting.py).
            track_processed=False,
        ),
        EventConsumer(
            name="payment-buckets",
            topics=[PAYMENT_CREATED, PAYMENT_COMPLETED, PAYMENT_FAILED, REFUND_ISSUED],
            handler=on_payment_event,
            db=runtime.db,
            settings=runtime.settings.kafka,
            group_id="expe-analytics-buckets",
            # Each event's id is recorded with its count (store.PaymentBuckets).
            track_processed=False,
        ),
        EventConsumer(
            name="payment-facts",
            topics=[PAYMENT_CREATED],
            handler=on_payment_created,
            db=runtime.db,
            settings=runtime.settings.kafka,
            group_id="expe-analytics",
            # The fact's `_id` is the payment's: a replayed event is a no-op already, so the
            # consumer's own processed-event marker would be two more commands per event.
            track_processed=False,
        ),
    ]
