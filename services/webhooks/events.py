"""The event types endpoints subscribe to, the body they receive, and the notices webhooks
itself publishes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson

from shared.clock import instant_text
from shared.events.envelope import (
    DISPUTE_CLOSED,
    DISPUTE_CREATED,
    DISPUTE_FUNDS_REINSTATED,
    DISPUTE_FUNDS_WITHDRAWN,
    DISPUTE_UPDATED,
    INVOICE_PAID,
    PAYMENT_CANCELED,
    PAYMENT_COMPLETED,
    PAYMENT_CREATED,
    PAYMENT_FAILED,
    PAYMENT_LINK_CREATED,
    PAYMENT_LINK_DEACTIVATED,
    REFUND_ISSUED,
    SUBSCRIPTION_CANCELED,
    SUBSCRIPTION_CREATED,
    SUBSCRIPTION_PAST_DUE,
    SUBSCRIPTION_PAYMENT_FAILED,
    SUBSCRIPTION_RENEWED,
    SUBSCRIPTION_UPDATED,
    WEBHOOK_ENDPOINT_CHANGED,
    WEBHOOK_ENDPOINT_DISABLED,
    WEBHOOK_MESSAGE_FAILED,
    EventEnvelope,
)
from shared.events.outbox import new_event
from shared.ids import derived_id
from shared.mongo import Document

PRODUCER = "webhooks"
# What a merchant endpoint can receive.
DELIVERABLE = (
    PAYMENT_CREATED,
    PAYMENT_COMPLETED,
    PAYMENT_FAILED,
    PAYMENT_CANCELED,
    REFUND_ISSUED,
    PAYMENT_LINK_CREATED,
    PAYMENT_LINK_DEACTIVATED,
    SUBSCRIPTION_CREATED,
    SUBSCRIPTION_UPDATED,
    SUBSCRIPTION_RENEWED,
    SUBSCRIPTION_PAYMENT_FAILED,
    SUBSCRIPTION_PAST_DUE,
    SUBSCRIPTION_CANCELED,
    INVOICE_PAID,
    DISPUTE_CREATED,
    DISPUTE_UPDATED,
    DISPUTE_FUNDS_WITHDRAWN,
    DISPUTE_FUNDS_REINSTATED,
    DISPUTE_CLOSED,
)
ALL = "*"
# Sent by the test-event sender and the endpoint validator; never by real traffic.
PING = "webhook.ping"
# The handshake's challenge, sent to an endpoint that asked to be verified before it gets events.
VERIFICATION = "endpoint.verification"


def matches(enabled_events: list[str], event_type: str) -> bool:
    """`*` takes everything, `payment.*` a family, otherwise the exact type."""
    for wanted in enabled_events:
        if wanted in (ALL, event_type):
            return True
        if wanted.endswith(".*") and event_type.startswith(wanted[:-1]):
            return True
    return False


def is_known_filter(value: str) -> bool:
    if value == ALL or value in DELIVERABLE:
        return True
    return value.endswith(".*") and any(t.startswith(value[:-1]) for t in DELIVERABLE)


def body_of(
    event_id: str,
    event_type: str,
    occurred_at: datetime,
    merchant_id: str,
    mode: str,
    data: dict[str, Any],
) -> str:
    """The JSON a receiver gets: `{id, type, timestamp, merchantId, mode, data}`."""
    return orjson.dumps(
        {
            "id": event_id,
            "type": event_type,
            "timestamp": instant_text(occurred_at),
            "merchantId": merchant_id,
            "mode": mode,
            "data": data,
        }
    ).decode()


def message_failed(message: Document, endpoint: Document, last_error: str | None) -> EventEnvelope:
    """A message was given up on after its last scheduled attempt."""
    return new_event(
        WEBHOOK_MESSAGE_FAILED,
        {
            "messageId": message["_id"],
            "endpointId": endpoint["_id"],
            "url": endpoint["url"],
            "eventId": message["eventId"],
            "eventType": message["eventType"],
            "mode": message["mode"],
            "attempts": message.get("attemptCount", 0),
            "lastError": last_error,
        },
        producer=PRODUCER,
        merchant_id=message["merchantId"],
        event_id=derived_id("evt", PRODUCER, "message-failed", message["_id"]),
    )


def endpoint_disabled(endpoint: Document, reason: str, disabled_at: datetime) -> EventEnvelope:
    """An endpoint was disabled by us (it answered 410, or kept failing). Two attempts that
    disable the same endpoint version at once name the same event."""
    return new_event(
        WEBHOOK_ENDPOINT_DISABLED,
        {
            "endpointId": endpoint["_id"],
            "url": endpoint["url"],
            "mode": endpoint["mode"],
            "reason": reason,
            "disabledAt": instant_text(disabled_at),
        },
        producer=PRODUCER,
        merchant_id=endpoint["merchantId"],
        event_id=derived_id(
            "evt", PRODUCER, "disabled", endpoint["_id"], str(endpoint["updatedAt"])
        ),
    )


def endpoint_changed(
    endpoint: Document, change: str, details: dict[str, Any], actor: dict[str, Any]
) -> EventEnvelope:
    """A merchant changed an endpoint (`change`: created, updated, secret_rotated, deleted,
    verification_requested), reported to auth's audit log. `details` says what changed, never a
    secret; `actor` is the scope's (`{type, id}`)."""
    return new_event(
        WEBHOOK_ENDPOINT_CHANGED,
        {
            "change": change,
            "endpointId": endpoint["_id"],
            "mode": endpoint["mode"],
            "details": details,
        },
        producer=PRODUCER,
        merchant_id=endpoint["merchantId"],
        actor=actor,
    )
