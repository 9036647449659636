"""Analytics consumers: thin, idempotent, and only parse and hand over."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import ValidationError

from services.analytics.events import PaymentCreatedData
from services.analytics.store import PaymentFacts
from shared.app import Runtime
from shared.events.consumer import EventConsumer, PermanentEventError
from shared.events.envelope import PAYMENT_CREATED, EventEnvelope


def build_consumers(runtime: Runtime) -> Sequence[EventConsumer]:
    facts = PaymentFacts(runtime.db)

    async def on_payment_created(event: EventEnvelope) -> bool:
        if event.merchant_id is None:
            raise PermanentEventError(f"{event.id} has no merchantId")
        try:
            data = PaymentCreatedData.model_validate(event.data)
        except ValidationError as error:
            raise PermanentEventError(str(error)) from error
        return await facts.record_created(
            payment_id=data.payment_id,
            merchant_id=event.merchant_id,
            mode=data.mode,
            amount=data.amount,
            currency=data.currency,
            created_at=data.created_at,
            event_id=event.id,
        )

    return [
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
        )
    ]
