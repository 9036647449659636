"""The event envelope every Kafka message carries, and the topics of the mesh."""

from __future__ import annotations

from typing import Any

import orjson
from pydantic import ConfigDict, Field

from shared.clock import now_ms
from shared.ids import new_id
from shared.schemas import Instant, Schema

# One event type per topic; the topic is named after the type.
PAYMENT_CREATED = "payment.created"
PAYMENT_COMPLETED = "payment.completed"
PAYMENT_FAILED = "payment.failed"
PAYMENT_CANCELED = "payment.canceled"
REFUND_ISSUED = "refund.issued"
PAYMENT_LINK_CREATED = "payment_link.created"
PAYMENT_LINK_DEACTIVATED = "payment_link.deactivated"
SUBSCRIPTION_CREATED = "subscription.created"
SUBSCRIPTION_UPDATED = "subscription.updated"
SUBSCRIPTION_RENEWED = "subscription.renewed"
SUBSCRIPTION_PAYMENT_FAILED = "subscription.payment_failed"
SUBSCRIPTION_PAST_DUE = "subscription.past_due"
SUBSCRIPTION_CANCELED = "subscription.canceled"
INVOICE_PAID = "invoice.paid"
DISPUTE_CREATED = "dispute.created"
DISPUTE_UPDATED = "dispute.updated"
DISPUTE_CLOSED = "dispute.closed"
DISPUTE_FUNDS_WITHDRAWN = "dispute.funds_withdrawn"
DISPUTE_FUNDS_REINSTATED = "dispute.funds_reinstated"
WALLET_CREDITED = "wallet.credited"
WALLET_DEBITED = "wallet.debited"
# Notices of the webhooks service to a merchant's owners (emailed by auth).
WEBHOOK_MESSAGE_FAILED = "webhook.message_failed"
WEBHOOK_ENDPOINT_DISABLED = "webhook.endpoint_disabled"
# A merchant's change to one of its endpoints, for auth's audit log; never sent to endpoints.
WEBHOOK_ENDPOINT_CHANGED = "webhook_endpoint.changed"

TOPICS = (
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
    DISPUTE_CLOSED,
    DISPUTE_FUNDS_WITHDRAWN,
    DISPUTE_FUNDS_REINSTATED,
    WALLET_CREDITED,
    WALLET_DEBITED,
    WEBHOOK_MESSAGE_FAILED,
    WEBHOOK_ENDPOINT_DISABLED,
    WEBHOOK_ENDPOINT_CHANGED,
)


class EventEnvelope(Schema):
    """`{id, type, version, occurredAt, producer, merchantId, actor, traceparent, data}` as JSON.

    `actor` is the member or API key whose request caused the event (`{type, id}`, the request
    scope's), for the audit log; None when no one's request did. Webhook bodies carry `data`
    only, so it never reaches a merchant's endpoint."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str = Field(default_factory=lambda: new_id("evt"))
    type: str
    version: int = 1
    occurred_at: Instant = Field(default_factory=now_ms)
    producer: str
    merchant_id: str | None = None
    actor: dict[str, Any] | None = None
    traceparent: str | None = None
    data: dict[str, Any]

    @property
    def topic(self) -> str:
        return self.type

    def to_bytes(self) -> bytes:
        return orjson.dumps(self.model_dump(mode="json", by_alias=True))

    @classmethod
    def from_bytes(cls, raw: bytes) -> EventEnvelope:
        return cls.model_validate_json(raw)
