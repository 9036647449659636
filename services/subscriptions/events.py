"""The events subscriptions publishes (through its outbox), with ids derived from what they
report, so a step run again (after a crash, or by a second replica) writes the same events."""

from __future__ import annotations

from typing import Any

from services.subscriptions.schemas import Invoice, Subscription
from shared.events.envelope import EventEnvelope
from shared.events.outbox import new_event
from shared.ids import derived_id
from shared.mongo import Document

PRODUCER = "subscriptions"


def subscription_out(doc: Document) -> Subscription:
    return Subscription.model_validate({**doc, "id": doc["_id"]})


def invoice_out(doc: Document) -> Invoice:
    return Invoice.model_validate({**doc, "id": doc["_id"]})


def subscription_event(
    event_type: str, subscription: Document, source: str, actor: dict[str, Any] | None = None
) -> EventEnvelope:
    """`event_type` about the subscription as it is now; `source` names the step it reports
    (the period renewed, the charge that failed), among the subscription's own steps."""
    data = subscription_out(subscription).model_dump(mode="json", by_alias=True)
    data["subscriptionId"] = data.pop("id")
    source = f"{subscription['_id']}:{source}"
    return _event(event_type, data, subscription["merchantId"], source, actor)


def invoice_event(event_type: str, invoice: Document, source: str) -> EventEnvelope:
    data = invoice_out(invoice).model_dump(mode="json", by_alias=True)
    data["invoiceId"] = data.pop("id")
    data["mode"] = invoice["mode"]
    return _event(event_type, data, invoice["merchantId"], source, None)


def _event(
    event_type: str,
    data: dict[str, Any],
    merchant_id: str,
    source: str,
    actor: dict[str, Any] | None,
) -> EventEnvelope:
    return new_event(
        event_type,
        data,
        producer=PRODUCER,
        merchant_id=merchant_id,
        event_id=derived_id("evt", PRODUCER, event_type, source),
        actor=actor,
    )
