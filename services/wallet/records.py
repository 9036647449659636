"""The wallet's stored documents as typed records, converted once each way at the store.

Each record reads its document with `from_doc` and writes it back with `to_doc`, field for
field: the stored format is the one the queries and the existing data rely on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.wallet.schemas import MovementStatus, MovementType
from shared.mongo import Document


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One position in a wallet's chain: the change a leg made (or declined) and the result."""

    id: str
    wallet_id: str
    seq: int
    movement_id: str
    leg: str
    kind: str
    amount: int
    available_change: int
    held_change: int
    available: int
    held: int
    declined: bool
    requested: int
    created_at: datetime

    @classmethod
    def from_doc(cls, doc: Document) -> LedgerEntry:
        return cls(
            id=doc["_id"],
            wallet_id=doc["walletId"],
            seq=doc["seq"],
            movement_id=doc["movementId"],
            leg=doc["leg"],
            kind=doc["kind"],
            amount=doc["amount"],
            available_change=doc["availableChange"],
            held_change=doc["heldChange"],
            available=doc["available"],
            held=doc["held"],
            declined=doc["declined"],
            requested=doc["requested"],
            created_at=doc["createdAt"],
        )

    def to_doc(self) -> Document:
        return {
            "_id": self.id,
            "walletId": self.wallet_id,
            "seq": self.seq,
            "movementId": self.movement_id,
            "leg": self.leg,
            "kind": self.kind,
            "amount": self.amount,
            "availableChange": self.available_change,
            "heldChange": self.held_change,
            "available": self.available,
            "held": self.held,
            "declined": self.declined,
            "requested": self.requested,
            "createdAt": self.created_at,
        }


@dataclass(frozen=True, slots=True)
class LegClaim:
    """A leg's claim in `movement_legs`: its change and the chain position it builds on."""

    id: str
    movement_id: str
    wallet_id: str
    available: int
    held: int
    base_seq: int
    created_at: datetime

    @classmethod
    def from_doc(cls, doc: Document) -> LegClaim:
        return cls(
            id=doc["_id"],
            movement_id=doc["movementId"],
            wallet_id=doc["walletId"],
            available=doc["available"],
            held=doc["held"],
            base_seq=doc["baseSeq"],
            created_at=doc["createdAt"],
        )

    def to_doc(self) -> Document:
        return {
            "_id": self.id,
            "movementId": self.movement_id,
            "walletId": self.wallet_id,
            "available": self.available,
            "held": self.held,
            "baseSeq": self.base_seq,
            "createdAt": self.created_at,
        }


@dataclass(frozen=True, slots=True)
class HoldResolution:
    """A hold's one outcome: the capture or release movement that claimed it first."""

    hold_id: str
    movement_id: str
    action: str

    @classmethod
    def from_doc(cls, doc: Document) -> HoldResolution:
        return cls(hold_id=doc["_id"], movement_id=doc["movementId"], action=doc["action"])

    def to_doc(self) -> Document:
        return {"_id": self.hold_id, "movementId": self.movement_id, "action": self.action}


@dataclass(frozen=True, slots=True)
class LegPlan:
    """One leg a movement will settle, as planned when the movement was stored."""

    name: str
    wallet_id: str
    available: int
    held: int
    may_overdraw: bool
    merchant_id: str | None

    @classmethod
    def from_doc(cls, doc: Document) -> LegPlan:
        return cls(
            name=doc["name"],
            wallet_id=doc["walletId"],
            available=doc["available"],
            held=doc["held"],
            may_overdraw=doc["mayOverdraw"],
            merchant_id=doc["merchantId"],
        )

    def to_doc(self) -> Document:
        return {
            "name": self.name,
            "walletId": self.wallet_id,
            "available": self.available,
            "held": self.held,
            "mayOverdraw": self.may_overdraw,
            "merchantId": self.merchant_id,
        }


@dataclass(frozen=True, slots=True)
class MovementRecord:
    """A movement (`txn_…`) with its plan of legs and, once finished, its outcome.

    The optional fields are stored only when set, except a transfer's note, which a transfer
    always stores (null when the caller gave none)."""

    id: str
    type: MovementType
    status: MovementStatus
    fingerprint: str
    amount: int
    currency: str
    mode: str
    legs: tuple[LegPlan, ...]
    created_at: datetime
    hold_id: str | None = None
    from_wallet_id: str | None = None
    to_wallet_id: str | None = None
    reference: str | None = None
    note: str | None = None
    source: dict[str, Any] | None = None
    failure_code: str | None = None
    failure_message: str | None = None
    finished_at: datetime | None = None

    @classmethod
    def from_doc(cls, doc: Document) -> MovementRecord:
        return cls(
            id=doc["_id"],
            type=doc["type"],
            status=doc["status"],
            fingerprint=doc["fingerprint"],
            amount=doc["amount"],
            currency=doc["currency"],
            mode=doc["mode"],
            legs=tuple(LegPlan.from_doc(leg) for leg in doc["legs"]),
            created_at=doc["createdAt"],
            hold_id=doc.get("holdId"),
            from_wallet_id=doc.get("fromWalletId"),
            to_wallet_id=doc.get("toWalletId"),
            reference=doc.get("reference"),
            note=doc.get("note"),
            source=doc.get("source"),
            failure_code=doc.get("failureCode"),
            failure_message=doc.get("failureMessage"),
            finished_at=doc.get("finishedAt"),
        )

    def to_doc(self) -> Document:
        doc: Document = {
            "_id": self.id,
            "type": self.type,
            "status": self.status,
            "fingerprint": self.fingerprint,
            "amount": self.amount,
            "currency": self.currency,
            "mode": self.mode,
            "legs": [leg.to_doc() for leg in self.legs],
            "createdAt": self.created_at,
        }
        optional = (
            ("holdId", self.hold_id),
            ("fromWalletId", self.from_wallet_id),
            ("toWalletId", self.to_wallet_id),
            ("reference", self.reference),
            ("note", self.note),
            ("source", self.source),
        )
        for key, value in optional:
            if value is not None or (key == "note" and self.type == "transfer"):
                doc[key] = value
        doc.update(self.outcome())
        return doc

    def outcome(self) -> Document:
        """The fields that finishing the movement sets on its stored document."""
        fields: Document = {"status": self.status}
        optional = (
            ("failureCode", self.failure_code),
            ("failureMessage", self.failure_message),
            ("finishedAt", self.finished_at),
        )
        fields.update((key, value) for key, value in optional if value is not None)
        return fields
