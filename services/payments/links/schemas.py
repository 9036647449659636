"""Payment link API models: inputs refuse unknown fields; outputs speak camelCase."""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import AwareDatetime, Field, StringConstraints, field_validator, model_validator

from services.payments.schemas import Metadata
from shared.identity import Mode
from shared.money import PositiveMinorUnits, normalize_currency
from shared.schemas import Input, Instant, Schema

LinkStatus = Literal["active", "inactive", "expired", "completed"]
MAX_USES = 1_000_000


class PaymentLinkCreate(Input):
    currency: str
    description: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)
    ]
    # A fixed amount; without one the customer enters it, within minAmount and maxAmount.
    amount: PositiveMinorUnits | None = None
    min_amount: PositiveMinorUnits | None = None
    max_amount: PositiveMinorUnits | None = None
    # Not reusable: paid at most once. Reusable: by anyone, at most maxUses times when given.
    reusable: bool = False
    max_uses: Annotated[int, Field(ge=1, le=MAX_USES, strict=True)] | None = None
    expires_at: AwareDatetime | None = None
    metadata: Metadata | None = None

    @field_validator("currency")
    @classmethod
    def _iso_currency(cls, value: str) -> str:
        return normalize_currency(value)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.amount is not None and (self.min_amount or self.max_amount):
            raise ValueError(
                "minAmount and maxAmount bound an amount the customer enters; "
                "leave them out with a fixed amount"
            )
        if self.min_amount and self.max_amount and self.min_amount > self.max_amount:
            raise ValueError("minAmount is above maxAmount")
        if self.max_uses is not None and not self.reusable:
            raise ValueError("maxUses is for a reusable link; a link that is not is paid once")
        return self

    @property
    def uses(self) -> int | None:
        """How many payments may succeed through the link; None: no limit."""
        return self.max_uses if self.reusable else 1


class LinkStats(Schema):
    views: int
    payments_started: int
    paid: int
    # Paid per visitor (views, or payments started when more), from 0 to 1.
    conversion: float
    # The paid payments' amounts, in the link's currency.
    revenue: int


class PaymentLink(Schema):
    id: str
    slug: str
    url: str
    mode: Mode
    status: LinkStatus
    amount: int | None = None
    min_amount: int | None = None
    max_amount: int | None = None
    currency: str
    description: str
    reusable: bool
    max_uses: int | None = None
    expires_at: Instant | None = None
    metadata: dict[str, str] = Field(default_factory=dict)
    created_at: Instant
    updated_at: Instant
    deactivated_at: Instant | None = None
    stats: LinkStats


class PublicLink(Schema):
    """What the link's public page shows whoever opens it."""

    slug: str
    merchant_name: str | None = None
    description: str
    amount: int | None = None
    min_amount: int | None = None
    max_amount: int | None = None
    currency: str
    status: LinkStatus
    mode: Mode


class LinkPaymentCreate(Input):
    # Required when the link has no fixed amount; refused when it has one.
    amount: PositiveMinorUnits | None = None


class LinkPayment(Schema):
    payment_id: str
    # The hosted checkout of the payment, its client secret in the fragment.
    checkout_url: str
