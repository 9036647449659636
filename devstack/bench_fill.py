"""Gives the bench's payments database a history, so that a cost that grows with data shows.

Payments of the last 30 days, spread over the bench's merchants, stored as the payments service
stores them (its own document builder and state entries): each one paid by a sandbox card, with
its timeline created -> processing -> succeeded. Their events were sent long ago (the outbox
keeps a day), so none is written. Bulk inserts make 100,000 payments a matter of a minute.

The wallet ledger gets as many entries, on wallets of their own (the bench's wallets keep their
chains, which the wallet service's cached heads know): each a chain of alternate credits and
debits of one paisa, stored as the ledger stores an entry.
"""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta
from typing import Any

from pymongo import AsyncMongoClient

from devstack.profile import Profile
from services.analytics.counting import Increment
from services.analytics.events import PaymentCreatedData, PaymentOutcomeData, RefundIssuedData
from services.analytics.payers import Paid, Payer, moved
from services.analytics.periods import (
    COHORTS,
    PERIODS,
    TOP_CUSTOMERS,
    created_increments,
    outcome_increments,
    refund_increments,
)
from services.payments.schemas import PaymentCreate
from services.payments.service import PaymentService
from services.payments.settings import PaymentsSettings
from services.payments.states import NEW
from services.payments.store import PaymentStore
from services.wallet.records import LedgerEntry
from services.wallet.store import ENTRIES, entry_id
from shared.events.outbox import Outbox
from shared.scopes import Scope

_BATCH = 1_000
# Entries per filler wallet: chains as long as a busy merchant's.
_CHAIN = 1_000
_CARD = {"brand": "visa", "last4": "4242", "expMonth": 12, "expYear": 2099, "fingerprint": "f"}


def _history(service: PaymentService, merchant_id: str, n: int) -> tuple[dict[str, Any], ...]:
    """One paid payment of the past and its three state entries."""
    created = datetime.now(UTC) - timedelta(seconds=random.uniform(3_600, 30 * 86_400))
    created = created.replace(microsecond=created.microsecond // 1000 * 1000)
    paid = created + timedelta(seconds=2)
    scope = Scope(merchant_id, "test", {"type": "api_key", "id": "key_history"})
    body = PaymentCreate.model_validate(
        {"amount": 1_000 + n % 90_000, "currency": "INR", "orderId": f"history-{n}"}
    )
    payment = service.new_payment(scope, body, created, created + timedelta(minutes=30))
    payment |= {"status": "succeeded", "method": "card", "card": _CARD, "updatedAt": paid}
    entries = (
        service.transition(payment["_id"], NEW, "created", created, "payment_created", scope.actor),
        service.transition(payment["_id"], "created", "processing", created, "confirm:card", {}),
        service.transition(payment["_id"], "processing", "succeeded", paid, "card_approved", {}),
    )
    for entry in entries:
        entry["applied"] = True
    return (payment, *entries)


async def fill_payments(profile: Profile, merchant_ids: list[str], total: int) -> int:
    """Adds paid payments until the database holds `total`; returns how many it holds."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(profile.mongo_url, tz_aware=True)
    try:
        db = client[f"{profile.db_prefix}_payments"]
        settings = PaymentsSettings()
        store = PaymentStore(db, settings.sealing_keyring())
        service = PaymentService(store, Outbox(db, "payments"), settings)
        have = await db["payments"].count_documents({})
        while have < total:
            size = min(_BATCH, total - have)
            made = [
                _history(service, merchant_ids[n % len(merchant_ids)], n)
                for n in range(have, have + size)
            ]
            await asyncio.gather(
                db["payments"].insert_many([m[0] for m in made], ordered=False),
                db["payment_transitions"].insert_many(
                    [entry for m in made for entry in m[1:]], ordered=False
                ),
            )
            have += size
        return have
    finally:
        await client.close()


async def open_payments(profile: Profile, merchant_ids: list[str], count: int) -> list[str]:
    """Payments waiting for their customer, made through the service (events and all), spread
    over the merchants in turn; their ids, in that order."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(profile.mongo_url, tz_aware=True)
    try:
        db = client[f"{profile.db_prefix}_payments"]
        settings = PaymentsSettings()
        store = PaymentStore(db, settings.sealing_keyring())
        service = PaymentService(store, Outbox(db, "payments"), settings)
        gate = asyncio.Semaphore(32)

        async def create(n: int) -> str:
            scope = Scope(merchant_ids[n % len(merchant_ids)], "test", {"type": "bench"})
            body = PaymentCreate.model_validate(
                {"amount": 10_000 + n, "currency": "INR", "orderId": f"open-{n}"}
            )
            async with gate:
                return (await service.create(scope, body)).id

        return list(await asyncio.gather(*(create(n) for n in range(count))))
    finally:
        await client.close()


async def fill_entries(profile: Profile, total: int) -> int:
    """Adds ledger entries on filler wallets until the ledger holds `total`; returns how many
    it holds."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(profile.mongo_url, tz_aware=True)
    try:
        entries = client[f"{profile.db_prefix}_wallet"][ENTRIES]
        have = await entries.count_documents({})
        while have < total:
            size = min(_BATCH, total - have)
            await entries.insert_many([_filler_entry(n) for n in range(have, have + size)])
            have += size
        return have
    finally:
        await client.close()


def _filler_entry(n: int) -> dict[str, Any]:
    wallet_id, seq = f"wal_filler{n // _CHAIN:06d}", n % _CHAIN + 1
    change = 1 if seq % 2 else -1
    return LedgerEntry(
        id=entry_id(wallet_id, seq),
        wallet_id=wallet_id,
        seq=seq,
        movement_id=f"txn_filler{n:08d}",
        leg=f"txn_filler{n:08d}:{'credit' if change > 0 else 'debit'}",
        kind="transfer",
        amount=change,
        available_change=change,
        held_change=0,
        available=seq % 2,
        held=0,
        declined=False,
        requested=change,
        created_at=datetime.now(UTC).replace(microsecond=0),
    ).to_doc()


async def fill_analytics(profile: Profile, merchant_id: str, total: int) -> int:
    """The merchant analytics read model of `total` payments over the last year for one
    merchant (a customer for every five payments, nine in ten paid, one in twenty refunded),
    made by folding the increments the consumer would apply into documents; returns `total`."""
    rng = random.Random(total)
    now = datetime.now(UTC)
    folded: dict[tuple[str, str], dict[str, Any]] = {}
    paid: list[tuple[PaymentOutcomeData, str]] = []
    for n in range(total):
        created = now - timedelta(seconds=rng.uniform(3_600, 365 * 86_400))
        amount = rng.randrange(100, 1_000_000)
        customer = f"cus_bench{rng.randrange(max(1, total // 5))}"
        base = {"payment_id": f"pay_bench{n}", "amount": amount, "currency": "INR"}
        increments = created_increments(
            merchant_id, "test", PaymentCreatedData(**base, created_at=created)
        )
        succeeded = rng.random() < 0.9
        outcome = PaymentOutcomeData(
            **base,
            occurred_at=created + timedelta(seconds=2),
            method=rng.choice(("card", "card", "upi", "wallet")),
            failure_code=None if succeeded else rng.choice(("card_declined", "expired_card")),
            customer_id=customer,
            customer_label=f"{customer}@example.com",
            country=rng.choice(("IN", "IN", "US", "GB", "DE")),
        )
        increments += outcome_increments(merchant_id, "test", outcome, succeeded)
        if succeeded:
            paid.append((outcome, customer))
            if rng.random() < 0.05:
                refund = RefundIssuedData(
                    refund_id=f"re_bench{n}",
                    amount=amount // 2,
                    currency="INR",
                    created_at=created + timedelta(days=1),
                )
                increments += refund_increments(merchant_id, "test", refund)
        _fold(folded, increments)
    payers: dict[str, Payer] = {}
    for outcome, customer in sorted(paid, key=lambda item: item[0].occurred_at):
        payer = payers.get(customer, Payer(None, {}))
        event = Paid(outcome.payment_id, outcome.occurred_at, outcome.amount, outcome.currency)
        payers[customer], changes = moved(merchant_id, "test", payer, event)
        _fold(folded, changes)
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(profile.mongo_url, tz_aware=True)
    try:
        db = client[f"{profile.db_prefix}_analytics"]
        for name in (PERIODS, TOP_CUSTOMERS, COHORTS):
            await db[name].delete_many({"merchantId": merchant_id})
            docs = [doc for (collection, _), doc in folded.items() if collection == name]
            for start in range(0, len(docs), _BATCH):
                await db[name].insert_many(docs[start : start + _BATCH], ordered=False)
        return total
    finally:
        await client.close()


def _fold(folded: dict[tuple[str, str], dict[str, Any]], increments: list[Increment]) -> None:
    """Adds increments into documents as `$inc` on dotted paths would."""
    for increment in increments:
        key = (increment.collection, increment.id)
        doc = folded.setdefault(key, {"_id": increment.id, "seen": [], **increment.on_insert})
        for path, value in increment.inc.items():
            *parents, leaf = path.split(".")
            node = doc
            for part in parents:
                node = node.setdefault(part, {})
            node[leaf] = node.get(leaf, 0) + value
