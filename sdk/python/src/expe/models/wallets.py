"""Wallets, their statements, and the money moved into and between them."""

from __future__ import annotations

from datetime import datetime

from expe.models._base import ExpeModel


class WalletOwner(ExpeModel):
    type: str
    id: str


class Wallet(ExpeModel):
    """A balance in one currency and mode, in minor units."""

    id: str
    currency: str
    mode: str
    available: int
    held: int
    total: int
    owner: WalletOwner
    created_at: datetime


class Entry(ExpeModel):
    """One line of a wallet's statement (`declined` attempts change nothing)."""

    id: str
    seq: int
    movement_id: str
    kind: str
    status: str
    amount: int
    available_change: int
    held_change: int
    available: int
    held: int
    created_at: datetime


class Movement(ExpeModel):
    """A top-up or a transfer, with its status: pending, succeeded or failed."""

    id: str
    type: str
    status: str
    amount: int
    currency: str
    mode: str
    from_wallet_id: str | None = None
    to_wallet_id: str | None = None
    note: str | None = None
    source: dict[str, str | None] | None = None
    failure_code: str | None = None
    failure_message: str | None = None
    created_at: datetime
    finished_at: datetime | None = None


Topup = Movement
Transfer = Movement
