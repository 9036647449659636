"""API models of the wallet service: camelCase JSON, inputs refuse unknown fields."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    ConfigDict,
    EmailStr,
    Field,
    StrictStr,
    model_validator,
)

from shared.money import PositiveMinorUnits, normalize_currency
from shared.schemas import Input, Instant, Schema

Currency = Annotated[StrictStr, AfterValidator(normalize_currency)]
WalletId = Annotated[StrictStr, Field(min_length=1, max_length=64)]
Reference = Annotated[StrictStr, Field(min_length=1, max_length=200)]


class _Input(Input):
    # snake_case field names are accepted too, as this API always has.
    model_config = ConfigDict(populate_by_name=True)


class WalletCreate(_Input):
    currency: Currency


class BankSource(_Input):
    type: Literal["bank"]
    account_holder: Annotated[StrictStr, Field(max_length=200)] | None = None


class UpiSource(_Input):
    type: Literal["upi"]
    vpa: Annotated[StrictStr, Field(max_length=200)] | None = None


class TopupCreate(_Input):
    wallet_id: WalletId
    amount: PositiveMinorUnits
    source: Annotated[BankSource | UpiSource, Field(discriminator="type")]


def _lookup_safe(email: str) -> str:
    # The address travels in the path of auth's lookup route, which these would break.
    if any(char in email for char in "/?#%\\"):
        raise ValueError("This email address cannot receive transfers.")
    return email.strip().lower()


RecipientEmail = Annotated[EmailStr, Field(max_length=254), AfterValidator(_lookup_safe)]


class TransferTarget(_Input):
    """A wallet by id, or the user a verified email belongs to (their wallet in the transfer's
    currency and mode, opened on first use)."""

    wallet_id: WalletId | None = None
    email: RecipientEmail | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> TransferTarget:
        if (self.wallet_id is None) == (self.email is None):
            raise ValueError("Give either walletId or email.")
        return self


class TransferCreate(_Input):
    from_wallet_id: WalletId
    to: TransferTarget
    amount: PositiveMinorUnits
    currency: Currency
    note: Annotated[StrictStr, Field(max_length=500)] | None = None


class HoldCreate(_Input):
    wallet_id: WalletId
    amount: PositiveMinorUnits
    currency: Currency
    reference: Reference
    # What the calling service vouches for (payments: the logged-in customer paying): the hold
    # is refused unless the wallet is in this mode and belongs to this owner.
    mode: Literal["test", "live"] | None = None
    owner_type: Literal["user", "merchant"] | None = None
    owner_id: Annotated[StrictStr, Field(min_length=1, max_length=64)] | None = None


class MerchantWalletOpen(_Input):
    merchant_id: Annotated[StrictStr, Field(min_length=1, max_length=64)]
    currency: Currency
    mode: Literal["test", "live"]


class HoldCapture(_Input):
    # Left out, the money leaves Expe: it goes to the mode's funding wallet, as a chargeback
    # paid to the card network does.
    to_wallet_id: WalletId | None = None


class RefundCreditCreate(_Input):
    from_wallet_id: WalletId
    to_wallet_id: WalletId
    amount: PositiveMinorUnits
    currency: Currency
    reference: Reference


class Owner(Schema):
    type: Literal["user", "merchant", "system"]
    id: str


class Wallet(Schema):
    id: str
    currency: str
    mode: str
    available: int
    held: int
    total: int
    owner: Owner
    created_at: Instant


class WalletList(Schema):
    data: list[Wallet]


MovementType = Literal["topup", "transfer", "hold", "capture", "release", "refund_credit"]
MovementStatus = Literal["pending", "succeeded", "failed"]


class Movement(Schema):
    id: str
    type: MovementType
    status: MovementStatus
    amount: int
    currency: str
    mode: str
    from_wallet_id: str | None = None
    to_wallet_id: str | None = None
    hold_id: str | None = None
    reference: str | None = None
    note: str | None = None
    source: dict[str, str | None] | None = None
    failure_code: str | None = None
    failure_message: str | None = None
    created_at: Instant
    finished_at: Instant | None = None


class Hold(Schema):
    id: str
    status: Literal["pending", "held", "declined", "captured", "released"]
    wallet_id: str
    amount: int
    currency: str
    reference: str
    # The capture or release movement that resolved the hold, once one has.
    resolution_id: str | None = None
    captured_to_wallet_id: str | None = None


class Entry(Schema):
    id: str
    seq: int
    movement_id: str
    kind: str
    status: Literal["posted", "declined"]
    amount: int
    available_change: int
    held_change: int
    available: int
    held: int
    created_at: Instant


class SweepRequest(_Input):
    older_than_seconds: Annotated[float, Field(ge=0, le=86_400)] = 0.0


class SweepResult(Schema):
    driven: int


class LedgerCheck(Schema):
    ok: bool
    entries: int
    total: int
    unfinished: int
    problems: list[str]
