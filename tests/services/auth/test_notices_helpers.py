"""What the webhook notice tests share: the notices webhooks publishes, as it publishes them.

(No tests here; the name only keeps it among the notice tests.)
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from shared.events.envelope import WEBHOOK_ENDPOINT_DISABLED, WEBHOOK_MESSAGE_FAILED, EventEnvelope
from shared.events.outbox import new_event
from shared.ids import new_id

DISABLED_SUBJECT = "Webhook endpoint disabled"
FAILED_SUBJECT = "Webhook message could not be delivered"


def endpoint_url() -> str:
    return f"https://shop-{secrets.token_hex(4)}.example.com/hooks/expe"


def endpoint_disabled(
    merchant_id: str, url: str, *, reason: str = "failing", mode: str = "live"
) -> EventEnvelope:
    return new_event(
        WEBHOOK_ENDPOINT_DISABLED,
        {
            "endpointId": new_id("we"),
            "url": url,
            "mode": mode,
            "reason": reason,
            "disabledAt": datetime.now(UTC).isoformat(),
        },
        producer="webhooks",
        merchant_id=merchant_id,
    )


def message_failed(
    merchant_id: str,
    url: str,
    *,
    event_type: str = "payment.completed",
    last_error: str | None = "HTTP 502",
) -> EventEnvelope:
    return new_event(
        WEBHOOK_MESSAGE_FAILED,
        {
            "messageId": new_id("msg"),
            "endpointId": new_id("we"),
            "url": url,
            "eventId": new_id("evt"),
            "eventType": event_type,
            "mode": "test",
            "attempts": 8,
            "lastError": last_error,
        },
        producer="webhooks",
        merchant_id=merchant_id,
    )
