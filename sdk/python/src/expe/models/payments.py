"""Payments, their refunds and history, and what the hosted checkout shows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from expe.models._base import ExpeModel


class Card(ExpeModel):
    """The card a payment was made with: never its number."""

    brand: str
    last4: str
    exp_month: int
    exp_year: int
    fingerprint: str


class Payment(ExpeModel):
    """A payment: `status` is created, processing, succeeded, failed, canceled or expired."""

    id: str
    merchant_id: str
    mode: str
    status: str
    amount: int
    currency: str
    amount_refunded: int = 0
    order_id: str
    description: str | None = None
    customer: dict[str, Any] | None = None
    metadata: dict[str, str] = Field(default_factory=dict)
    allowed_methods: list[str] = Field(default_factory=list)
    method: str | None = None
    card: Card | None = None
    wallet_id: str | None = None
    merchant_wallet_id: str | None = None
    failure_code: str | None = None
    failure_message: str | None = None
    checkout_url: str | None = None
    # Give it to the customer's browser only: it opens this payment on the hosted checkout.
    client_secret: str | None = None
    return_url: str | None = None
    qr_payload: str | None = None
    expires_at: datetime | None = None
    created_at: datetime
    updated_at: datetime | None = None


class Refund(ExpeModel):
    """A partial or full refund (`re_…`) of a succeeded payment."""

    id: str
    payment_id: str
    amount: int
    currency: str
    status: str
    reason: str | None = None
    # The payment's refunded total once this refund counted.
    amount_refunded: int
    created_at: datetime
    mode: str


class Actor(ExpeModel):
    type: str
    id: str | None = None


class Transition(ExpeModel):
    """One step of a payment's timeline."""

    from_: str | None = Field(default=None, alias="from")
    to: str
    at: datetime
    cause: str
    actor: Actor


class PaymentHistory(ExpeModel):
    payment_id: str
    data: list[Transition]


class CheckoutMerchant(ExpeModel):
    id: str
    name: str | None = None


class CheckoutPayment(ExpeModel):
    """A payment as the hosted checkout shows it to the paying customer."""

    id: str
    mode: str
    status: str
    amount: int
    currency: str
    order_id: str
    # Absent when the merchant's own secret key confirmed: the answer is then the whole payment.
    merchant: CheckoutMerchant | None = None
    description: str | None = None
    allowed_methods: list[str] = Field(default_factory=list)
    method: str | None = None
    qr_payload: str | None = None
    expires_at: datetime | None = None
    failure_code: str | None = None
    failure_message: str | None = None
    return_url: str | None = None
