"""Shapes of the nested objects calls take, in snake_case (camelCase keys are accepted too)."""

from __future__ import annotations

from typing import Literal, TypedDict

from typing_extensions import NotRequired


class CustomerParams(TypedDict):
    email: str


class CardParams(TypedDict):
    """A card on the checkout; in test mode the sandbox cards decide the outcome."""

    number: str
    exp_month: int
    exp_year: int
    cvc: str


class TopupSourceParams(TypedDict):
    """Where a sandbox top-up comes from: `{"type": "bank"}` or `{"type": "upi", "vpa": …}`."""

    type: Literal["bank", "upi"]
    account_holder: NotRequired[str]
    vpa: NotRequired[str]


class TransferTargetParams(TypedDict, total=False):
    """Exactly one of a wallet id, or a verified user's email."""

    wallet_id: str
    email: str
