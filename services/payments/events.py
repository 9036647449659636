"""The events payments publishes (through its outbox), with ids derived from what they report.

An event id derived from the claim it reports (`{paymentId}:new`, `{paymentId}:created`, a refund
link) makes writing it again, after a retry or by the recovery sweep, a no-op.
"""

from __future__ import annotations

from typing import Any

from services.payments.disputes.store import DisputeRecord
from services.payments.records import PaymentRecord, RefundLink
from services.payments.states import NEW, transition_id
from shared.clock import instant_text
from shared.events.envelope import (
    DISPUTE_CLOSED,
    DISPUTE_CREATED,
    DISPUTE_FUNDS_REINSTATED,
    DISPUTE_FUNDS_WITHDRAWN,
    DISPUTE_UPDATED,
    PAYMENT_CANCELED,
    PAYMENT_COMPLETED,
    PAYMENT_CREATED,
    PAYMENT_FAILED,
    REFUND_ISSUED,
    EventEnvelope,
)
from shared.events.outbox import new_event
from shared.ids import derived_id
from shared.mongo import Document

PRODUCER = "payments"
# Which event reports a payment entering each state (processing has none).
EVENT_OF_STATE = {
    "created": PAYMENT_CREATED,
    "succeeded": PAYMENT_COMPLETED,
    "failed": PAYMENT_FAILED,
    "canceled": PAYMENT_CANCELED,
    "expired": PAYMENT_CANCELED,
}


def derived_event_id(source: str) -> str:
    """`evt_` and 22 base62 characters, the same for the same source."""
    return derived_id("evt", PRODUCER, source)


def creation_event_id(payment_id: str) -> str:
    """The id of the event reporting the payment's creation (its claim out of NEW)."""
    return derived_event_id(transition_id(payment_id, NEW))


def _event(
    event_type: str,
    data: dict[str, Any],
    merchant_id: str,
    source: str,
    actor: dict[str, Any] | None = None,
) -> EventEnvelope:
    return new_event(
        event_type,
        data,
        producer=PRODUCER,
        merchant_id=merchant_id,
        event_id=derived_event_id(source),
        actor=actor,
    )


def payment_event(payment: PaymentRecord, transition: Document) -> EventEnvelope | None:
    """The event reporting `transition` of `payment` (the payment as it is after it)."""
    event_type = EVENT_OF_STATE.get(transition["to"])
    if event_type is None:
        return None
    data: dict[str, Any] = {
        "paymentId": payment.id,
        "status": transition["to"],
        "amount": payment.amount,
        "currency": payment.currency,
        "mode": payment.mode,
        "orderId": payment.order_id,
        "createdAt": instant_text(payment.created_at),
        "occurredAt": instant_text(transition["at"]),
    }
    if payment.method:
        data["method"] = payment.method
    data |= _payer(payment)
    if payment.payment_link_id:
        data["paymentLinkId"] = payment.payment_link_id
    if transition["to"] == "failed":
        data["failureCode"] = payment.failure_code
    if transition["to"] in ("canceled", "expired"):
        data["reason"] = transition["cause"]
    return _event(event_type, data, payment.merchant_id, transition["_id"])


def _payer(payment: PaymentRecord) -> dict[str, Any]:
    """Who paid, as analytics counts customers: `customerId` (derived, per merchant, from the
    customer's email, else the paying wallet user, else the card) with a `customerLabel` the
    merchant recognises but that exposes no whole email or card number; and the `country`, the
    card issuer's, else the customer's. Empty before anyone is known."""
    customer = payment.customer or {}
    card = payment.card or {}
    if customer.get("email"):
        email = customer["email"].lower()
        name, _, domain = email.partition("@")
        key, label = f"email:{email}", f"{name[:1]}•••@{domain}"
    elif payment.payer_user_id:
        user = payment.payer_user_id
        key, label = f"user:{user}", f"wallet user ••••{user[-4:]}"
    elif card.get("fingerprint"):
        key, label = f"card:{card['fingerprint']}", f"{card['brand']} •••• {card['last4']}"
    else:
        return {}
    payer = {"customerId": derived_id("cus", payment.merchant_id, key), "customerLabel": label}
    country = card.get("country") or customer.get("country")
    return payer | ({"country": country} if country else {})


def refund_event(payment: PaymentRecord, link: RefundLink) -> EventEnvelope:
    data = {
        "refundId": link.id,
        "paymentId": payment.id,
        "amount": link.amount,
        "currency": payment.currency,
        "amountRefunded": link.amount_refunded,
        "mode": payment.mode,
        "reason": link.reason,
        "createdAt": instant_text(link.created_at),
    }
    # The refund's actor, for the audit log (the merchant's key or member that asked for it).
    return _event(REFUND_ISSUED, data, payment.merchant_id, link.key, link.actor)


# Which event reports a dispute entering each status, and its money each place.
EVENT_OF_DISPUTE_STATUS = {
    "needs_response": DISPUTE_CREATED,
    "under_review": DISPUTE_UPDATED,
    "won": DISPUTE_CLOSED,
    "lost": DISPUTE_CLOSED,
}
EVENT_OF_DISPUTE_FUNDS = {
    "withheld": DISPUTE_FUNDS_WITHDRAWN,
    "reinstated": DISPUTE_FUNDS_REINSTATED,
}


def dispute_events(dispute: DisputeRecord) -> list[EventEnvelope]:
    """The events reporting the dispute's status and where its money is, as it is now; each
    id derives from what it reports, so writing them again adds nothing."""
    data = {
        "disputeId": dispute.id,
        "paymentId": dispute.payment_id,
        "amount": dispute.amount,
        "fee": dispute.fee,
        "currency": dispute.currency,
        "reason": dispute.reason,
        "status": dispute.status,
        "funds": dispute.funds,
        "dueBy": instant_text(dispute.due_by),
        "mode": dispute.mode,
        "occurredAt": instant_text(dispute.updated_at),
    }
    events = [
        _event(
            EVENT_OF_DISPUTE_STATUS[dispute.status],
            data,
            dispute.merchant_id,
            f"{dispute.id}:{dispute.status}",
        )
    ]
    funds_event = EVENT_OF_DISPUTE_FUNDS.get(dispute.funds)
    if funds_event is not None:
        source = f"{dispute.id}:funds:{dispute.funds}"
        events.append(_event(funds_event, data, dispute.merchant_id, source))
    return events
