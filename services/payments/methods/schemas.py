"""Saved card API models: inputs refuse unknown fields; outputs speak camelCase."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import StringConstraints, field_validator

from services.payments.schemas import Card, CardInput, Customer, OrderId
from shared.identity import Mode
from shared.money import PositiveMinorUnits, normalize_currency
from shared.schemas import Input, Instant, Schema

MAX_REFERENCE = 200


class PaymentMethodCreate(Input):
    card: CardInput
    customer: Customer | None = None


class PaymentMethod(Schema):
    id: str
    type: Literal["card"]
    card: Card
    customer: dict[str, Any] | None = None
    mode: Mode
    created_at: Instant


class OwnedPaymentMethod(PaymentMethod):
    """A saved card with whose it is, for the services that act on a card by its id."""

    merchant_id: str


class ChargeCreate(Input):
    """A charge of a saved card, asked by another service of the mesh (a renewal)."""

    merchant_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    mode: Mode
    amount: PositiveMinorUnits
    currency: str
    order_id: OrderId
    description: Annotated[str, StringConstraints(max_length=500)] | None = None
    # Names the charge: the same reference is the same payment, charged once.
    reference: Annotated[str, StringConstraints(min_length=1, max_length=MAX_REFERENCE)]

    @field_validator("currency")
    @classmethod
    def _iso_currency(cls, value: str) -> str:
        return normalize_currency(value)
