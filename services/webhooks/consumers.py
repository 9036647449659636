"""The consumer that turns domain events into webhook messages: thin and idempotent."""

from __future__ import annotations

from services.webhooks.events import DELIVERABLE
from services.webhooks.messages import MessageService
from services.webhooks.settings import WebhooksSettings
from shared.app import Runtime
from shared.events.consumer import EventConsumer
from shared.events.envelope import EventEnvelope


def message_consumer(
    runtime: Runtime, settings: WebhooksSettings, messages: MessageService
) -> EventConsumer:
    async def on_event(event: EventEnvelope) -> None:
        await messages.ingest(event)

    return EventConsumer(
        name="webhook-messages",
        topics=DELIVERABLE,
        handler=on_event,
        db=runtime.db,
        settings=settings.kafka,
        group_id=settings.consumer_group,
        # Ingesting is idempotent by itself (events and messages are inserted under ids the event
        # determines, and a finished message is never queued again).
        track_processed=False,
    )
