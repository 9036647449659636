"""The wallet's stored documents as typed records, converted once each way at the store.

Each record reads its document with `from_doc` and writes it back with `to_doc`, field for
field: the stored format is the one the queries and the existing data rely on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

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
