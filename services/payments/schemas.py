"""Payments API models: inputs refuse unknown fields; outputs speak camelCase."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import orjson
from pydantic import (
    AfterValidator,
    AwareDatetime,
    EmailStr,
    Field,
    StrictInt,
    StringConstraints,
    field_validator,
)

from services.payments.states import PaymentStatus
from shared.identity import Mode
from shared.money import MinorUnits, PositiveMinorUnits, normalize_currency
from shared.schemas import Input, Instant, Schema

Method = Literal["card", "upi_qr", "wallet"]
METHODS: tuple[Method, ...] = ("card", "upi_qr", "wallet")
MAX_METADATA_KEYS = 20
MAX_METADATA_VALUE = 500
MAX_METADATA_BYTES = 8 * 1024


def _metadata(value: dict[str, str]) -> dict[str, str]:
    if len(value) > MAX_METADATA_KEYS:
        raise ValueError(f"at most {MAX_METADATA_KEYS} keys")
    for key, item in value.items():
        if len(item) > MAX_METADATA_VALUE:
            raise ValueError(f"'{key}' is longer than {MAX_METADATA_VALUE} characters")
    if len(orjson.dumps(value)) > MAX_METADATA_BYTES:
        raise ValueError(f"at most {MAX_METADATA_BYTES} bytes in all")
    return value


# Keys become MongoDB field names: no dots, no leading dollar.
MetadataKey = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_\-]{1,40}$")]
Metadata = Annotated[dict[MetadataKey, str], AfterValidator(_metadata)]
OrderId = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=r"^\S.*$")
]


ReturnUrl = Annotated[
    str, StringConstraints(max_length=2000, pattern=r"^https?://[^\s/?#@]+([/?#]\S*)?$")
]


def _distinct(values: list[Method]) -> list[Method]:
    return list(dict.fromkeys(values))


class Customer(Input):
    email: EmailStr
    # Where the customer is (ISO 3166-1 alpha-2), for analytics of payments without a card.
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = None


class PaymentCreate(Input):
    amount: PositiveMinorUnits
    currency: str
    order_id: OrderId
    description: Annotated[str, StringConstraints(max_length=500)] | None = None
    customer: Customer | None = None
    metadata: Metadata | None = None
    expires_at: AwareDatetime | None = None
    allowed_methods: (
        Annotated[list[Method], Field(min_length=1, max_length=3), AfterValidator(_distinct)] | None
    ) = None
    # Where the hosted checkout sends the customer back, with `paymentId` and `status` added.
    return_url: ReturnUrl | None = None

    @field_validator("currency")
    @classmethod
    def _iso_currency(cls, value: str) -> str:
        return normalize_currency(value)


class CardInput(Input):
    # repr=False: a card number must never reach a log line through a model's repr.
    number: Annotated[str, StringConstraints(pattern=r"^[0-9 ]{12,23}$"), Field(repr=False)]
    exp_month: Annotated[StrictInt, Field(ge=1, le=12)]
    exp_year: Annotated[StrictInt, Field(ge=2000, le=2100)]
    cvc: Annotated[str, StringConstraints(pattern=r"^[0-9]{3,4}$"), Field(repr=False)]


class ConfirmRequest(Input):
    method: Method
    card: CardInput | None = None
    # method wallet: one of the logged-in customer's wallets, in the payment's currency and mode.
    wallet_id: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None


class UpiComplete(Input):
    outcome: Literal["success", "failure"]


class CancelRequest(Input):
    reason: Annotated[str, StringConstraints(max_length=200)] | None = None


class RefundCreate(Input):
    amount: PositiveMinorUnits | None = None
    reason: Annotated[str, StringConstraints(max_length=200)] | None = None


class Card(Schema):
    brand: str
    last4: str
    exp_month: int
    exp_year: int
    fingerprint: str
    # The issuer's country (ISO 3166-1 alpha-2); cards confirmed before it was kept have none.
    country: str | None = None


class Payment(Schema):
    id: str
    merchant_id: str
    mode: Mode
    status: PaymentStatus
    amount: int
    currency: str
    amount_refunded: MinorUnits = 0
    order_id: str
    description: str | None = None
    customer: dict[str, Any] | None = None
    metadata: dict[str, str] = Field(default_factory=dict)
    allowed_methods: list[Method]
    method: Method | None = None
    card: Card | None = None
    # method wallet: the customer's wallet paid from, and the merchant's wallet paid into.
    wallet_id: str | None = None
    merchant_wallet_id: str | None = None
    failure_code: str | None = None
    failure_message: str | None = None
    payment_link_id: str | None = None
    # The saved card charged, for a charge of one (a subscription's renewal).
    payment_method_id: str | None = None
    checkout_url: str
    # Give it to the customer's browser only: it opens this payment on the hosted checkout.
    client_secret: str | None = None
    return_url: str | None = None
    qr_payload: str
    expires_at: Instant
    created_at: Instant
    updated_at: Instant


class CheckoutOpen(Input):
    payment_id: Annotated[str, StringConstraints(max_length=64)]
    client_secret: Annotated[str, StringConstraints(max_length=200)]


class CheckoutOpened(Schema):
    payment_id: str
    merchant_id: str
    mode: Mode


class PaymentOwner(Schema):
    """Whose payment an id names, for the services that answer about a payment by its id."""

    payment_id: str
    merchant_id: str
    mode: Mode


class CheckoutMerchant(Schema):
    id: str
    # None when the name could not be looked up just now.
    name: str | None = None


class CheckoutPayment(Schema):
    """What the hosted checkout page shows the paying customer."""

    id: str
    mode: Mode
    merchant: CheckoutMerchant
    status: PaymentStatus
    amount: int
    currency: str
    order_id: str
    description: str | None = None
    allowed_methods: list[Method]
    method: Method | None = None
    qr_payload: str
    expires_at: Instant
    failure_code: str | None = None
    failure_message: str | None = None
    return_url: str | None = None


class Actor(Schema):
    type: str
    id: str | None = None


class Transition(Schema):
    from_: str | None = Field(alias="from")
    to: PaymentStatus
    at: Instant
    cause: str
    actor: Actor


class PaymentHistory(Schema):
    payment_id: str
    data: list[Transition]


class Refund(Schema):
    id: str
    payment_id: str
    amount: int
    currency: str
    status: Literal["succeeded"]
    reason: str | None = None
    # The payment's refunded total once this refund counted.
    amount_refunded: int
    created_at: Instant
    mode: Mode


class RefundList(Schema):
    data: list[Refund]
