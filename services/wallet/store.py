"""The wallet service's MongoDB access: the only module that touches the database.

Every write that decides something is a claim (`shared.claims`: an insert of a chosen `_id`);
`update_one` is used only for hints and status caches that the code never trusts for a decision.
Every hot read is by `_id`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime

from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.database import AsyncDatabase

from services.wallet.records import HoldResolution, LedgerEntry, LegClaim, MovementRecord
from shared.claims import insert_once, insert_or_get
from shared.mongo import CollectionIndexes, Document, count_matching

WALLETS = "wallets"
OWNERS = "wallet_owners"
ENTRIES = "entries"
LEGS = "movement_legs"
MOVEMENTS = "movements"
RESOLUTIONS = "hold_resolutions"
# Movements in flight, so the sweep scans a handful of documents rather than every movement.
PENDING = "movements_pending"

INDEXES = [
    CollectionIndexes(
        WALLETS, (IndexModel([("ownerType", ASCENDING), ("ownerId", ASCENDING)], name="owner"),)
    ),
    CollectionIndexes(
        MOVEMENTS, (IndexModel([("status", ASCENDING), ("createdAt", ASCENDING)], name="status"),)
    ),
]


def entry_id(wallet_id: str, seq: int) -> str:
    return f"{wallet_id}:{seq:012d}"


class WalletStore:
    """Wallet documents and the owner index (one document per owner, currency and mode)."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._wallets = db[WALLETS]
        self._owners = db[OWNERS]

    async def claim_owner_slot(self, slot: Document) -> Document:
        """Inserts the owner index document, or returns the one that was there first."""
        return await insert_or_get(self._owners, slot)

    async def insert_wallet(self, wallet: Document) -> None:
        """Stores the wallet; storing the same wallet again is harmless."""
        await insert_once(self._wallets, wallet)

    async def get(self, wallet_id: str) -> Document | None:
        return await self._wallets.find_one({"_id": wallet_id})

    async def owned_by(self, owner_type: str, owner_id: str, mode: str) -> list[Document]:
        cursor = self._wallets.find({"ownerType": owner_type, "ownerId": owner_id, "mode": mode})
        return await cursor.sort("createdAt", ASCENDING).to_list()

    async def hint_head(self, wallet_id: str, seq: int) -> None:
        # A hint only: a racing writer may leave it behind, readers probe forward from it.
        await self._wallets.update_one(
            {"_id": wallet_id, "headSeq": {"$lt": seq}}, {"$set": {"headSeq": seq}}
        )

    async def all_wallets(self) -> list[Document]:
        return await self._wallets.find({}).to_list()


class LedgerStore:
    """Entries (the per-wallet chains), movement legs and their markers, movements, holds."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._entries = db[ENTRIES]
        self._legs = db[LEGS]
        self._movements = db[MOVEMENTS]
        self._resolutions = db[RESOLUTIONS]
        self._pending = db[PENDING]

    # Entries -----------------------------------------------------------------------------
    async def entry(self, wallet_id: str, seq: int) -> LedgerEntry | None:
        doc = await self._entries.find_one({"_id": entry_id(wallet_id, seq)})
        return None if doc is None else LedgerEntry.from_doc(doc)

    async def entries(self, wallet_id: str, seqs: Sequence[int]) -> list[LedgerEntry]:
        """The entries at these positions, newest first.

        One lookup per `_id`, concurrently: point lookups cost the same however many entries
        all wallets hold, on MongoDB and on the local store alike.
        """
        found = await asyncio.gather(*(self.entry(wallet_id, seq) for seq in seqs))
        entries = [entry for entry in found if entry is not None]
        return sorted(entries, key=lambda entry: entry.seq, reverse=True)

    async def append(self, entry: LedgerEntry) -> bool:
        """Inserts the entry at its position; False when that position is already taken."""
        return await insert_once(self._entries, entry.to_doc())

    async def sum_of_amounts(self) -> int:
        rows = await (
            await self._entries.aggregate([{"$group": {"_id": None, "total": {"$sum": "$amount"}}}])
        ).to_list()
        return int(rows[0]["total"]) if rows else 0

    async def all_entries(self) -> list[LedgerEntry]:
        return [LedgerEntry.from_doc(doc) for doc in await self._entries.find({}).to_list()]

    # Legs --------------------------------------------------------------------------------
    async def claim_leg(self, leg: LegClaim) -> LegClaim:
        """Inserts the leg's claim and returns `leg` itself, or returns the claim made first
        (with its base position)."""
        doc = leg.to_doc()
        stored = await insert_or_get(self._legs, doc)
        return leg if stored is doc else LegClaim.from_doc(stored)

    async def settled_entry(self, leg_id: str) -> LedgerEntry | None:
        """The entry the leg's settled marker records, once the leg is settled."""
        marker = await self._legs.find_one({"_id": f"{leg_id}:settled"})
        return None if marker is None else LedgerEntry.from_doc(marker["entry"])

    async def mark_settled(self, leg_id: str, entry: LedgerEntry) -> None:
        await insert_once(
            self._legs, {"_id": f"{leg_id}:settled", "seq": entry.seq, "entry": entry.to_doc()}
        )

    # Movements ---------------------------------------------------------------------------
    async def insert_movement(self, movement: MovementRecord) -> MovementRecord:
        """Stores a new movement and returns it, or returns the one already stored under its id."""
        doc = movement.to_doc()
        stored = await insert_or_get(self._movements, doc)
        return movement if stored is doc else MovementRecord.from_doc(stored)

    async def movement(self, movement_id: str) -> MovementRecord | None:
        doc = await self._movements.find_one({"_id": movement_id})
        return None if doc is None else MovementRecord.from_doc(doc)

    async def set_status(self, finished: MovementRecord) -> None:
        # A cache of what the chains decided; every writer writes the same final value.
        await self._movements.update_one({"_id": finished.id}, {"$set": finished.outcome()})

    async def mark_pending(self, movement_id: str, created_at: datetime) -> None:
        await insert_once(self._pending, {"_id": movement_id, "createdAt": created_at})

    async def clear_pending(self, movement_id: str) -> None:
        await self._pending.delete_one({"_id": movement_id})

    async def unfinished_before(self, cutoff: datetime, limit: int) -> list[MovementRecord]:
        """Movements in flight since `cutoff` or earlier (a marker whose movement was never
        stored, because its request died first, is dropped: that movement never happened).

        Inclusive, because stored times have millisecond precision: a sweep of everything up to
        now must see a marker written in the millisecond it started."""
        marks = await self._pending.find({"createdAt": {"$lte": cutoff}}).limit(limit).to_list()
        movements = []
        for mark in marks:
            movement = await self.movement(mark["_id"])
            if movement is None:
                await self.clear_pending(mark["_id"])
            else:
                movements.append(movement)
        return movements

    async def count_unfinished(self) -> int:
        return await count_matching(self._movements, {"status": "pending"})

    # Hold resolutions ---------------------------------------------------------------------
    async def claim_resolution(self, resolution: HoldResolution) -> HoldResolution:
        """The hold's one outcome (capture or release): whoever inserts it first decides."""
        return HoldResolution.from_doc(await insert_or_get(self._resolutions, resolution.to_doc()))

    async def resolution(self, hold_id: str) -> HoldResolution | None:
        doc = await self._resolutions.find_one({"_id": hold_id})
        return None if doc is None else HoldResolution.from_doc(doc)
