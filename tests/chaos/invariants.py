"""What must hold once the mesh has settled after a fault, read from the databases directly.

Each check returns its violations, each a sentence with the ids involved; none is the pass.
They read what the load recorded (every request, its key and its final answer), what the
receiver was sent, and every service's database.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from devstack.profile import PROCESSES, Profile
from devstack.waiting import ConditionTimeout, eventually
from services.wallet.invariants import check_ledger
from services.wallet.store import LedgerStore, WalletStore
from shared.events.outbox import OUTBOX
from tests.chaos.load import Call, Party
from tests.receivers import Receiver

# The attempt errors after which a receiver may have the message although the sender did not
# see it accepted: the sender died (interrupted), or gave up waiting (a slow receiver).
UNSEEN_ANSWERS = {"interrupted", "timeout"}
# The e2e stack's attempt timeout, with a margin for a loaded machine.
_LONGEST_ATTEMPT = timedelta(seconds=5)
# The topics whose events reach webhook endpoints; the payments service writes them.
WEBHOOK_TOPICS = ("payment.", "refund.")


@dataclass
class World:
    """What the invariants are checked against: the parties, their webhook endpoints (by
    merchant), the receiver, and the windows the merchants replayed (their messages may come
    twice: a replay sends again what was delivered)."""

    party: Party
    endpoints: dict[str, str]  # merchant id -> endpoint id
    receiver: Receiver
    funded: dict[str, int]  # wallet id -> what was topped up into it before the load
    replays: list[tuple[datetime, datetime]] = field(default_factory=list)
    # When the receiver went down: a request it had read but not answered by then got its
    # connection closed, so the attempt failed with a connection error although it arrived.
    outages: list[datetime] = field(default_factory=list)


class Databases:
    def __init__(self, client: AsyncMongoClient[dict[str, Any]], profile: Profile) -> None:
        self.client = client
        self.prefix = profile.db_prefix

    def __getitem__(self, service: str) -> AsyncDatabase[dict[str, Any]]:
        return self.client[f"{self.prefix}_{service}"]


async def ledger(dbs: Databases) -> list[str]:
    """Entries sum to zero per currency, chains are whole, no leg twice, no wallet below zero,
    no movement unfinished (services/wallet/invariants.py), per currency here too."""
    wallet = dbs["wallet"]
    report = await check_ledger(WalletStore(wallet), LedgerStore(wallet))
    problems = list(report.problems)
    currencies = {w["_id"]: w["currency"] async for w in wallet["wallets"].find({})}
    totals: Counter[str] = Counter()
    async for entry in wallet["entries"].find({}, {"walletId": 1, "amount": 1}):
        totals[currencies.get(entry["walletId"], "?")] += entry["amount"]
    problems += [f"{cur}: entries sum to {total}" for cur, total in totals.items() if total]
    return problems


async def _balances(dbs: Databases, wallet_ids: Iterable[str]) -> dict[str, int]:
    """Each wallet's total (available plus held) after its last entry."""
    found: dict[str, int] = {}
    for wallet_id in wallet_ids:
        last = await dbs["wallet"]["entries"].find_one({"walletId": wallet_id}, sort=[("seq", -1)])
        found[wallet_id] = 0 if last is None else int(last["available"]) + int(last["held"])
    return found


async def money(dbs: Databases, world: World, calls: list[Call]) -> list[str]:
    """Every succeeded payment's amount is in its merchant's balance or refunded; refunds add up;
    every wallet holds what the answered requests say it should, no more and no less."""
    problems: list[str] = []
    party = world.party
    merchant_ids = [m.merchant_id for m in party.merchants]
    payments = [
        doc async for doc in dbs["payments"]["payments"].find({"merchantId": {"$in": merchant_ids}})
    ]
    refunds: dict[str, list[dict[str, Any]]] = defaultdict(list)
    async for refund in dbs["payments"]["refunds"].find({"merchantId": {"$in": merchant_ids}}):
        refunds[refund["paymentId"]].append(refund)
    kept: Counter[str] = Counter()  # merchant wallet -> what its wallet payments left in it
    paid_by_customer = refunded_to_customer = 0
    for payment in payments:
        if payment["status"] == "processing":
            problems.append(f"{payment['_id']} is still processing")
        chain = refunds.get(payment["_id"], [])
        total = sum(r["amount"] for r in chain if r.get("status", "succeeded") == "succeeded")
        if payment.get("amountRefunded", 0) != total:
            problems.append(
                f"{payment['_id']}: amountRefunded {payment.get('amountRefunded')} but its "
                f"refunds sum to {total}"
            )
        if payment.get("amountRefunded", 0) > payment["amount"]:
            problems.append(f"{payment['_id']}: refunded beyond its amount")
        if payment["status"] == "succeeded" and payment.get("method") == "wallet":
            kept[payment["merchantWalletId"]] += payment["amount"] - payment["amountRefunded"]
            paid_by_customer += payment["amount"]
            refunded_to_customer += payment["amountRefunded"]
    transferred = sum(
        c.body["amount"] for c in calls if c.kind == "transfer" and c.succeeded and c.body
    )
    changes = {m.wallet_id: kept[m.wallet_id] for m in party.merchants}
    changes[party.customer_wallet] = refunded_to_customer - paid_by_customer
    changes[party.payer.wallet_id] = -transferred
    changes[party.payee_wallet] = transferred
    expected = {w: world.funded.get(w, 0) + change for w, change in changes.items()}
    actual = await _balances(dbs, expected)
    problems += [
        f"wallet {w}: holds {actual[w]}, the answered requests say {expected[w]}"
        for w in expected
        if actual[w] != expected[w]
    ]
    return problems


async def answers(dbs: Databases, calls: list[Call]) -> list[str]:
    """No request that got a 2xx lost its effect, and no retried key took effect twice."""
    problems: list[str] = []
    payments = dbs["payments"]
    created_keys = [c.key for c in calls if c.kind == "create"]
    by_order: Counter[str] = Counter()
    async for doc in payments["payments"].find({"orderId": {"$in": created_keys}}, {"orderId": 1}):
        by_order[doc["orderId"]] += 1
    problems += [f"order {key}: {n} payments for one key" for key, n in by_order.items() if n > 1]
    answered = [c for c in calls if c.succeeded]
    for call in answered:
        if call.kind == "create" and by_order[call.key or ""] != 1:
            problems.append(f"{call.answer.get('id')} was answered 201 and does not exist")
    confirmed = {c.answer["id"]: c for c in answered if c.kind.startswith("confirm")}
    async for doc in payments["payments"].find({"_id": {"$in": list(confirmed)}}, {"status": 1}):
        if doc["status"] != confirmed.pop(doc["_id"]).answer["status"]:
            problems.append(f"{doc['_id']}: confirmed as paid, now {doc['status']}")
    problems += [f"{pid}: confirmed, then lost" for pid in confirmed]
    refunded = {c.answer["id"] for c in answered if c.kind == "refund"}
    async for doc in payments["refunds"].find({"id": {"$in": list(refunded)}}, {"id": 1}):
        refunded.discard(doc["id"])
    problems += [f"refund {rid}: answered 201, not recorded" for rid in refunded]
    refund_calls: Counter[str] = Counter(c.path for c in calls if c.kind == "refund")
    async for doc in payments["refunds"].find(
        {"paymentId": {"$in": [p.split("/")[4] for p in refund_calls]}}, {"paymentId": 1}
    ):
        refund_calls[f"/api/v1/payments/{doc['paymentId']}/refund"] -= 1
    problems += [f"{path}: more refunds than requests" for path, n in refund_calls.items() if n < 0]
    transfers = {c.answer["id"]: c for c in answered if c.kind == "transfer"}
    async for doc in dbs["wallet"]["movements"].find(
        {"_id": {"$in": list(transfers)}}, {"status": 1}
    ):
        transfers.pop(doc["_id"])
        if doc["status"] != "succeeded":
            problems.append(f"transfer {doc['_id']}: answered 201, now {doc['status']}")
    problems += [f"transfer {tid}: answered 201, not recorded" for tid in transfers]
    return problems


async def outboxes(dbs: Databases, world: World) -> list[str]:
    """Every event in every outbox was published, and the webhooks service received each event
    the payments service wrote for the merchants (it keeps them, for replays)."""
    problems: list[str] = []
    for service in PROCESSES:
        if service == "gateway":
            continue
        pending = await dbs[service][OUTBOX].count_documents({"status": "pending"})
        if pending:
            problems.append(f"{service}: {pending} outbox events never published")
    merchant_ids = list(world.endpoints)
    written = {
        doc["_id"]
        async for doc in dbs["payments"][OUTBOX].find(
            {"key": {"$in": merchant_ids}}, {"_id": 1, "topic": 1}
        )
        if doc["topic"].startswith(WEBHOOK_TOPICS)
    }
    async for doc in dbs["webhooks"]["events"].find({"_id": {"$in": list(written)}}, {"_id": 1}):
        written.discard(doc["_id"])
    problems += [f"event {event_id} was written, never consumed" for event_id in sorted(written)]
    return problems


def _replayed(world: World, at: datetime) -> bool:
    return any(start <= at.replace(tzinfo=start.tzinfo) <= end for start, end in world.replays)


async def deliveries(dbs: Databases, world: World) -> list[str]:
    """Every message was delivered to its endpoint, and each `webhook-id` reached the receiver;
    twice only when an attempt was cut off before its answer was seen, or a replay resent it."""
    problems: list[str] = []
    hooks = dbs["webhooks"]
    endpoints = list(world.endpoints.values())
    received = Counter(world.receiver.ids())
    messages = [
        doc
        async for doc in hooks["messages"].find(
            {"endpointId": {"$in": endpoints}}, {"status": 1, "eventAt": 1, "eventId": 1}
        )
    ]
    for message in messages:
        if message["status"] != "delivered":
            problems.append(f"{message['_id']} is {message['status']}, not delivered")
        elif received[message["_id"]] == 0:
            problems.append(f"{message['_id']} is delivered and never reached the receiver")
    twice = {m["_id"]: m for m in messages if received[m["_id"]] > 1}
    cut_off = {
        doc["messageId"]
        async for doc in hooks["attempts"].find(
            {"messageId": {"$in": list(twice)}, "error.code": {"$in": list(UNSEEN_ANSWERS)}},
            {"messageId": 1},
        )
    }
    for outage in world.outages:
        # Attempts in flight when the receiver went down (an attempt waits at most 3 s).
        started = {"$gte": outage - _LONGEST_ATTEMPT, "$lte": outage + _LONGEST_ATTEMPT}
        cut_off |= {
            doc["messageId"]
            async for doc in hooks["attempts"].find(
                {
                    "messageId": {"$in": list(twice)},
                    "error.code": "connection_error",
                    "startedAt": started,
                },
                {"messageId": 1},
            )
        }
    for message_id, message in twice.items():
        if message_id not in cut_off and not _replayed(world, message["eventAt"]):
            problems.append(
                f"{message_id} reached the receiver {received[message_id]} times with no "
                "attempt cut off and no replay"
            )
    with_message = {m["eventId"] for m in messages}
    async for event in hooks["events"].find(
        {"merchantId": {"$in": list(world.endpoints)}}, {"_id": 1}
    ):
        if event["_id"] not in with_message:
            problems.append(f"event {event['_id']} has no message to its endpoint")
    return problems


@dataclass
class Tally:
    """What the suite did, printed at its end."""

    requests: int = 0  # every request sent, each retry counted
    calls: int = 0  # the logical requests (one key each)
    faults: list[str] = field(default_factory=list)
    checks: int = 0
    violations: list[str] = field(default_factory=list)
    memory: list[str] = field(default_factory=list)
    timings: list[str] = field(default_factory=list)

    def count(self, calls: list[Call]) -> None:
        self.calls += len(calls)
        self.requests += sum(call.tries for call in calls)

    def lines(self) -> list[str]:
        return [
            f"requests sent: {self.requests}, retries included ({self.calls} distinct ones)",
            f"faults injected: {len(self.faults)} ({', '.join(self.faults)})",
            f"invariants checked: {self.checks}",
            f"violations: {len(self.violations)}",
            *self.violations[:20],
            *self.timings,
            *self.memory,
        ]


CHECKS = ("ledger", "money", "answers", "outboxes", "deliveries")


async def check_all(dbs: Databases, world: World, calls: list[Call]) -> dict[str, list[str]]:
    """Every invariant, by name, with its violations."""
    return {
        "ledger": await ledger(dbs),
        "money": await money(dbs, world, calls),
        "answers": await answers(dbs, calls),
        "outboxes": await outboxes(dbs, world),
        "deliveries": await deliveries(dbs, world),
    }


async def hold_within(
    label: str, timeout: float, dbs: Databases, world: World, calls: list[Call], tally: Tally
) -> None:
    """Waits until every invariant holds; when some still do not after `timeout` seconds, their
    violations (labelled) are tallied and raised. Counted as checked either way."""

    async def held() -> bool:
        return not any((await check_all(dbs, world, calls)).values())

    try:
        await eventually(held, timeout=timeout, interval=1, what=f"every invariant ({label})")
    except ConditionTimeout:
        found = await check_all(dbs, world, calls)
        broken = [f"{label}: {name}: {p}" for name, ps in found.items() for p in ps[:5]]
        tally.violations += broken
        raise AssertionError("\n".join(broken)) from None
    finally:
        tally.checks += len(CHECKS)
