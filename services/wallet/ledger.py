"""The ledger: per-wallet chains of entries, and legs that land in them exactly once.

Why chains. A wallet's balance is never a mutated number: it is the head of a chain of immutable
entries with `_id = f"{walletId}:{seq:012d}"`, each holding the change and the resulting `available`
and `held`, so the ledger is its own audit trail. To change a wallet, read the head (seq n), compute
the new state, and claim entry n+1 (`shared.claims.insert_once`). Two writers that read the same
head both try n+1; the database lets one insert win, and the other reads the new head and tries
again. The chain therefore serialises every wallet without locks, and "available never below zero"
is checked against the very head the new entry extends, so it holds under any concurrency. (A
per-process asyncio lock per wallet keeps one process's requests from competing with each other; it
is a throughput measure only, correctness never depends on it.)

Why legs. A movement (`txn_…`) changes several wallets, one leg each, e.g. debit A then credit
B. A leg is `f"{movementId}:{name}"` and must land in its wallet's chain exactly once, although
the request may crash between any two steps and be resumed by a client retry or the recovery
sweep, possibly both at once. Applying a leg:

1. Claim the leg: insert `movement_legs/{legId}` with the intended change and `baseSeq`, a
   position in the chain known to exist already (0 for an empty chain). If the claim exists,
   use the stored one, and if the marker `{legId}:settled` exists too, the leg is settled:
   return the entry it records. No entry of this leg can sit at or below `baseSeq`: entries of
   a leg are only appended by step 2, which runs after the claim exists, at a position above
   the head of that moment, and the head only grows.
2. Append the leg's entry at `baseSeq + 1`. A chain has no gaps, so when that position is free
   the leg has no entry yet. When it is taken, walk the chain forward by `_id`: an entry that
   carries this leg means the leg is settled (an earlier attempt appended it and died, or a
   concurrent attempt won); otherwise the last entry is the head, and the append is tried at
   head + 1. So every attempt either finds the leg's entry or appends it at a position that no
   other entry of the leg can occupy: exactly one entry per leg.
3. Write the `wallet.credited`/`wallet.debited` event to the outbox (its id derives from the leg
   id, so rewriting it is a no-op), then insert the marker. A crash before the marker only
   costs the next attempt a walk in step 2, which finds the entry and redoes step 3.

A leg that would take a wallet below zero is settled too, as a *declined* entry (no change,
`declined: true`) appended the same way. That makes "refused" a fact of the chain as final as
"applied": an attempt that finds funds later cannot apply a leg another attempt already
refused, and the movement's outcome follows from its legs' entries alone. Only system wallets
(the per-currency, per-mode sandbox funding wallet) may go below zero.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import aclosing, asynccontextmanager
from dataclasses import dataclass

from services.wallet.errors import WalletBusy
from services.wallet.records import LedgerEntry, LegClaim
from services.wallet.store import LedgerStore, WalletStore, entry_id
from shared.clock import now_ms
from shared.events.envelope import WALLET_CREDITED, WALLET_DEBITED
from shared.events.outbox import Outbox, new_event
from shared.ids import derived_id

# Inserts a leg may lose to other processes before the request gives up with 503 (its leg stays
# claimed; a retry or the sweep settles it).
MAX_LOST_RACES = 64
# Heads are only a starting point for the probe, so forgetting one costs a lookup, nothing more.
_MAX_CACHED_HEADS = 100_000


@dataclass(frozen=True)
class Leg:
    """One wallet's part in a movement."""

    movement_id: str
    name: str
    wallet_id: str
    available: int
    held: int
    may_overdraw: bool
    kind: str
    currency: str
    merchant_id: str | None = None

    @property
    def id(self) -> str:
        return f"{self.movement_id}:{self.name}"


@dataclass
class Head:
    seq: int
    available: int
    held: int

    @classmethod
    def of(cls, entry: LedgerEntry) -> Head:
        return cls(entry.seq, entry.available, entry.held)


class Heads:
    """This process's last known head per wallet and a lock per wallet (throughput only)."""

    def __init__(self) -> None:
        self._heads: dict[str, Head] = {}
        # A lock lives while someone holds or awaits it, so idle wallets cost no memory.
        self._locks: dict[str, tuple[asyncio.Lock, int]] = {}

    def get(self, wallet_id: str) -> Head | None:
        return self._heads.get(wallet_id)

    def remember(self, wallet_id: str, entry: LedgerEntry) -> None:
        known = self._heads.get(wallet_id)
        if known is None or known.seq < entry.seq:
            if known is None and len(self._heads) >= _MAX_CACHED_HEADS:
                del self._heads[next(iter(self._heads))]  # forget the longest-known wallet
            self._heads[wallet_id] = Head.of(entry)

    @asynccontextmanager
    async def lock(self, wallet_id: str) -> AsyncIterator[None]:
        lock, users = self._locks.get(wallet_id, (asyncio.Lock(), 0))
        self._locks[wallet_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[wallet_id]
            if users == 1:
                del self._locks[wallet_id]
            else:
                self._locks[wallet_id] = (lock, users - 1)


def event_id(leg_id: str) -> str:
    return derived_id("evt", "event", leg_id)


class Ledger:
    def __init__(
        self, store: LedgerStore, wallets: WalletStore, outbox: Outbox | None, heads: Heads
    ) -> None:
        self._store = store
        self._wallets = wallets
        self._outbox = outbox
        self._heads = heads

    async def head(self, wallet_id: str) -> Head:
        """The wallet's current state: its last entry, found by probing forward from a hint."""
        head = await self._start(wallet_id)
        async with aclosing(self._walk(wallet_id, head.seq)) as entries:
            async for entry in entries:
                head = Head.of(entry)
        return head

    async def settle(self, leg: Leg) -> LedgerEntry:
        """Applies (or declines) the leg exactly once; returns its entry in the chain."""
        async with self._heads.lock(leg.wallet_id):
            start = await self._start(leg.wallet_id)
            ours = LegClaim(
                id=leg.id,
                movement_id=leg.movement_id,
                wallet_id=leg.wallet_id,
                available=leg.available,
                held=leg.held,
                base_seq=start.seq,
                created_at=now_ms(),
            )
            claim = await self._store.claim_leg(ours)
            if claim is not ours:  # an earlier attempt claimed the leg and may have settled it
                settled = await self._store.settled_entry(leg.id)
                if settled is not None:
                    return settled
            base = start if claim.base_seq == start.seq else await self._at(leg, claim.base_seq)
            entry = await self._append(leg, base)
        await self._announce(leg, entry)
        await self._store.mark_settled(leg.id, entry)
        await self._wallets.hint_head(leg.wallet_id, entry.seq)
        return entry

    async def _start(self, wallet_id: str) -> Head:
        cached = self._heads.get(wallet_id)
        if cached is not None:
            return cached
        wallet = await self._wallets.get(wallet_id)
        seq = int(wallet.get("headSeq", 0)) if wallet else 0
        if seq == 0:
            return Head(0, 0, 0)
        entry = await self._store.entry(wallet_id, seq)
        assert entry is not None  # the hint only ever names an entry that was appended
        return Head.of(entry)

    async def _at(self, leg: Leg, seq: int) -> Head:
        if seq == 0:
            return Head(0, 0, 0)
        entry = await self._store.entry(leg.wallet_id, seq)
        assert entry is not None  # a claim's base is a position that existed
        return Head.of(entry)

    async def _walk(self, wallet_id: str, after: int) -> AsyncGenerator[LedgerEntry, None]:
        seq = after
        while True:
            entry = await self._store.entry(wallet_id, seq + 1)
            if entry is None:
                return
            self._heads.remember(wallet_id, entry)
            yield entry
            seq += 1

    async def _append(self, leg: Leg, base: Head) -> LedgerEntry:
        # The insert comes first: no entry of the leg sits at or below its base, and a chain has
        # no gaps, so a free position base + 1 means the leg has no entry yet. Only a taken
        # position needs the walk (the cached head was behind, or another attempt won).
        head = base
        for _ in range(MAX_LOST_RACES):
            entry = _next_entry(leg, head)
            if await self._store.append(entry):
                self._heads.remember(leg.wallet_id, entry)
                return entry
            async with aclosing(self._walk(leg.wallet_id, head.seq)) as entries:
                async for found in entries:
                    if found.leg == leg.id:
                        return found
                    head = Head.of(found)
            # Another process extended the chain first: back off a little, then try on top.
            await asyncio.sleep(random.uniform(0, 0.01))
        raise WalletBusy("This wallet is changing too often right now; retry the request.")

    async def _announce(self, leg: Leg, entry: LedgerEntry) -> None:
        if self._outbox is None or entry.declined or entry.amount == 0:
            return
        envelope = new_event(
            WALLET_CREDITED if entry.amount > 0 else WALLET_DEBITED,
            producer="wallet",
            merchant_id=leg.merchant_id,
            event_id=event_id(leg.id),
            data={
                "walletId": leg.wallet_id,
                "entryId": entry.id,
                "movementId": leg.movement_id,
                "kind": leg.kind,
                "amount": abs(entry.amount),
                "currency": leg.currency,
                "available": entry.available,
                "held": entry.held,
            },
        )
        await self._outbox.add(envelope, key=leg.wallet_id)


def _next_entry(leg: Leg, head: Head) -> LedgerEntry:
    available = head.available + leg.available
    held = head.held + leg.held
    declined = not leg.may_overdraw and (available < 0 or held < 0)
    if declined:
        available, held = head.available, head.held
    seq = head.seq + 1
    return LedgerEntry(
        id=entry_id(leg.wallet_id, seq),
        wallet_id=leg.wallet_id,
        seq=seq,
        movement_id=leg.movement_id,
        leg=leg.id,
        kind=leg.kind,
        amount=0 if declined else leg.available + leg.held,
        available_change=0 if declined else leg.available,
        held_change=0 if declined else leg.held,
        available=available,
        held=held,
        declined=declined,
        requested=leg.available + leg.held,
        created_at=now_ms(),
    )
