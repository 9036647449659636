"""Movements: state machines over ledger legs, driven forward by requests and the sweep.

A movement (`txn_…`) is stored once, under an id derived from what asked for it (the caller's
Idempotency-Key, or the payment's reference), with its whole plan: the legs to settle, in order.
Driving it settles the legs one by one (see ledger.py: each lands exactly once). Only the first
leg can be declined (it is the only one that takes money out of a wallet that may not go below
zero, or out of a hold's own held amount); when it is, nothing else happens and the movement
failed. Every later leg only adds money, so it always applies: a movement whose first leg
applied is always driven forward to the end, never back. Its outcome therefore follows from
the chains alone; `status` on the movement document is a cache that every driver writes with
the same value once the legs are settled. A movement is marked in flight (`movements_pending`)
before it is stored and unmarked once finished; the sweep drives what stays marked too long.

Capture and release first claim the hold's single outcome (a unique insert keyed by the hold):
the loser of a capture/release race fails with `hold_not_active` and settles no leg.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Any

from services.wallet.errors import MovementReused
from services.wallet.ledger import Ledger, Leg
from services.wallet.records import HoldResolution, LegPlan, MovementRecord
from services.wallet.schemas import MovementType
from services.wallet.store import LedgerStore
from shared.clock import now_ms
from shared.mongo import Document

INSUFFICIENT_FUNDS = "insufficient_funds"
HOLD_NOT_ACTIVE = "hold_not_active"


def leg_plan(
    name: str,
    wallet: Document,
    *,
    available: int = 0,
    held: int = 0,
) -> LegPlan:
    return LegPlan(
        name=name,
        wallet_id=wallet["_id"],
        available=available,
        held=held,
        may_overdraw=bool(wallet.get("system")),
        merchant_id=wallet["ownerId"] if wallet["ownerType"] == "merchant" else None,
    )


def fingerprint(params: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()


def new_movement(
    movement_id: str,
    kind: MovementType,
    *,
    params: dict[str, Any],
    amount: int,
    currency: str,
    mode: str,
    legs: list[LegPlan],
    hold_id: str | None = None,
    from_wallet_id: str | None = None,
    to_wallet_id: str | None = None,
    reference: str | None = None,
    note: str | None = None,
    source: dict[str, Any] | None = None,
) -> MovementRecord:
    return MovementRecord(
        id=movement_id,
        type=kind,
        status="pending",
        fingerprint=fingerprint(params),
        amount=amount,
        currency=currency,
        mode=mode,
        legs=tuple(legs),
        created_at=now_ms(),
        hold_id=hold_id,
        from_wallet_id=from_wallet_id,
        to_wallet_id=to_wallet_id,
        reference=reference,
        note=note,
        source=source,
    )


class Movements:
    def __init__(self, store: LedgerStore, ledger: Ledger) -> None:
        self._store = store
        self._ledger = ledger

    async def start(self, movement: MovementRecord) -> MovementRecord:
        """Stores the movement, or resumes the one stored under its id for the same request."""
        if movement.status == "pending":
            # Marked before it exists, so no movement is ever stored that the sweep cannot find.
            await self._store.mark_pending(movement.id, movement.created_at)
        stored = await self._store.insert_movement(movement)
        if stored.fingerprint != movement.fingerprint:
            raise MovementReused(
                "This key or reference was already used for a different request; use a new one."
            )
        return stored

    async def drive(self, movement: MovementRecord) -> MovementRecord:
        """Settles the movement's legs in order and records its outcome; idempotent."""
        if movement.status != "pending":
            return movement
        if movement.type in ("capture", "release"):
            assert movement.hold_id is not None  # captures and releases always name their hold
            resolution = await self._store.claim_resolution(
                HoldResolution(movement.hold_id, movement.id, movement.type)
            )
            if resolution.movement_id != movement.id:
                return await self._finish(
                    movement,
                    failure_code=HOLD_NOT_ACTIVE,
                    failure_message=f"The hold was already {_past(resolution.action)}.",
                )
        for plan in movement.legs:
            entry = await self._ledger.settle(_leg(movement, plan))
            if entry.declined:
                return await self._finish(
                    movement,
                    failure_code=INSUFFICIENT_FUNDS,
                    failure_message="The wallet's available balance is smaller than the amount.",
                )
        return await self._finish(movement)

    async def _finish(
        self,
        movement: MovementRecord,
        *,
        failure_code: str | None = None,
        failure_message: str | None = None,
    ) -> MovementRecord:
        finished = dataclasses.replace(
            movement,
            status="succeeded" if failure_code is None else "failed",
            failure_code=failure_code,
            failure_message=failure_message,
            finished_at=now_ms(),
        )
        await self._store.set_status(finished)
        await self._store.clear_pending(movement.id)
        return finished

    async def sweep_once(self, older_than: timedelta, limit: int = 100) -> int:
        """Drives unfinished movements older than `older_than` to their end; returns how many."""
        cutoff = datetime.now(UTC) - older_than
        driven = 0
        for movement in await self._store.unfinished_before(cutoff, limit):
            if movement.status == "pending":
                await self.drive(movement)
                driven += 1
            else:  # finished, but its request died before it cleared the marker
                await self._store.clear_pending(movement.id)
        return driven


def _leg(movement: MovementRecord, plan: LegPlan) -> Leg:
    return Leg(
        movement_id=movement.id,
        name=plan.name,
        wallet_id=plan.wallet_id,
        available=plan.available,
        held=plan.held,
        may_overdraw=plan.may_overdraw,
        kind=movement.type,
        currency=movement.currency,
        merchant_id=plan.merchant_id,
    )


def _past(action: str) -> str:
    return {"capture": "captured", "release": "released"}.get(action, action)
