"""Fixed-rate load through the gateway with vegeta; prints rate, p50/p95/p99 and errors.

A fixed arrival rate (not a closed loop of N clients) keeps latency honest: a slow response does
not slow the arrivals down, so queueing shows up in the percentiles.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from devstack import bench_webhooks as hooks
from devstack.accounts import bearer, create_key, create_merchant, sign_up
from devstack.profile import Profile
from devstack.stack import Stack
from devstack.waiting import wait_until

# The limiter stays on (its Redis round trip is part of every request), set above the bench's rate.
BENCH_LIMITS = {
    "EXPE_RATE_LIMITS__PLANS": json.dumps(
        {"standard": {mode: {"limit": 100_000, "window_seconds": 1} for mode in ("test", "live")}}
    )
}
# Few facts: FerretDB (SQLite) scans a collection per query, so the summary cost grows with it.
SEED_PAYMENTS = 20


@dataclass(frozen=True)
class Context:
    """What the scenarios need: the merchant's key, the owner's token, and two wallets."""

    secret_key: str
    access_token: str
    merchant_wallet: str
    user_wallet: str


Body = Callable[[Context, int], dict[str, Any] | None]


@dataclass(frozen=True)
class Scenario:
    name: str
    method: str
    path: str
    rate: int
    seconds: int
    # The JSON body of request number n; a body also gets a fresh Idempotency-Key.
    body: Body | None = None
    # Past what this 2-core machine sustains: it shows where queueing starts, and its requests
    # go on after vegeta gives up, so it runs after the others.
    saturates: bool = False


SUMMARY = "/api/v1/analytics/payments/summary"


def payment_body(_: Context, n: int) -> dict[str, Any]:
    return {"amount": 10_000 + n, "currency": "INR", "orderId": f"bench-{n}"}


def transfer_body(context: Context, _: int) -> dict[str, Any]:
    return {
        "fromWalletId": context.merchant_wallet,
        "to": {"walletId": context.user_wallet},
        "amount": 100,
        "currency": "INR",
    }


SCENARIOS = (
    Scenario("payment summary (gateway -> analytics -> MongoDB)", "GET", SUMMARY, 50, 15),
    Scenario(
        "create payment (gateway -> payments -> MongoDB + outbox)",
        "POST",
        "/api/v1/payments",
        25,
        15,
        payment_body,
    ),
    Scenario(
        "create payment (gateway -> payments -> MongoDB + outbox)",
        "POST",
        "/api/v1/payments",
        50,
        15,
        payment_body,
        saturates=True,
    ),
    Scenario(
        "wallet transfer (gateway -> wallet ledger)",
        "POST",
        "/api/v1/transfers",
        10,
        15,
        transfer_body,
        saturates=True,
    ),
    Scenario(
        "wallet transfer (gateway -> wallet ledger)",
        "POST",
        "/api/v1/transfers",
        25,
        15,
        transfer_body,
        saturates=True,
    ),
)
# Confirms at fixed rates, each completing a payment whose webhook the scenario waits for; the
# second rate is past what a 2-core machine sustains, to show where queueing starts.
WEBHOOKS = tuple(
    Scenario(
        "confirm payment for webhook delivery (gateway -> payments -> MongoDB + outbox)",
        "POST",
        "/api/v1/checkout/payments/{id}/confirm",
        rate,
        20,
    )
    for rate in (5, 10)
)


def ordered() -> tuple[Scenario, ...]:
    """Those within the machine's capacity first, on a quiet stack; then webhook delivery (each
    rate waits for its deliveries, so it leaves nothing running); last those past saturation,
    whose requests go on for a while after vegeta gives up on them."""
    within = tuple(s for s in SCENARIOS if not s.saturates)
    past = tuple(s for s in SCENARIOS if s.saturates)
    return (*within, *WEBHOOKS, *past)


def seed(profile: Profile, merchant_id: str) -> None:
    """Puts payment facts behind the summary through the real event path."""
    import asyncio

    from pymongo import AsyncMongoClient

    from shared.events.envelope import PAYMENT_CREATED
    from shared.events.outbox import Outbox, new_event
    from shared.ids import new_id

    async def write() -> None:
        client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(profile.mongo_url)
        outbox = Outbox(client[f"{profile.db_prefix}_payments"], "payments")
        for index in range(SEED_PAYMENTS):
            await outbox.add(
                new_event(
                    PAYMENT_CREATED,
                    producer="payments",
                    merchant_id=merchant_id,
                    data={
                        "paymentId": new_id("pay"),
                        "amount": 100 + index,
                        "currency": "INR" if index % 2 else "USD",
                        "createdAt": datetime.now(UTC).isoformat(),
                    },
                )
            )
        await client.close()

    asyncio.run(write())


def target(method: str, url: str, secret_key: str, body: dict[str, Any] | None = None) -> str:
    """One vegeta JSON target; a body also gets a fresh Idempotency-Key."""
    header = {"Authorization": [f"Bearer {secret_key}"]}
    line: dict[str, Any] = {"method": method, "url": url}
    if body is not None:
        line["body"] = base64.b64encode(json.dumps(body).encode()).decode()
        header |= {
            "Content-Type": ["application/json"],
            "Idempotency-Key": [f"bench-{uuid.uuid4()}"],
        }
    line["header"] = header
    return json.dumps(line)


def targets(base_url: str, context: Context, scenario: Scenario) -> list[str]:
    """One target per request, so each POST has its own Idempotency-Key."""
    url = base_url + scenario.path
    if scenario.body is None:
        return [target(scenario.method, url, context.secret_key)]
    return [
        target(scenario.method, url, context.secret_key, scenario.body(context, n))
        for n in range(scenario.rate * scenario.seconds)
    ]


def attack(vegeta: str, lines: list[str], scenario: Scenario) -> dict[str, Any]:
    """Fires `lines` (taken in turn, over again if fewer) at the scenario's rate and length."""
    with tempfile.TemporaryDirectory() as folder:
        target_file = Path(folder) / "targets.json"
        target_file.write_text("\n".join(lines) + "\n")
        results = Path(folder) / "results.bin"
        subprocess.run(
            [
                vegeta,
                "attack",
                "-format=json",
                f"-targets={target_file}",
                f"-rate={scenario.rate}/s",
                f"-duration={scenario.seconds}s",
                "-timeout=10s",
                "-max-workers=512",
                f"-output={results}",
            ],
            check=True,
        )
        report = subprocess.run(
            [vegeta, "report", "-type=json", str(results)],
            check=True,
            capture_output=True,
            text=True,
        )
    return dict(json.loads(report.stdout))


def print_report(scenario: Scenario, report: dict[str, Any]) -> None:
    latencies = report["latencies"]
    codes = report.get("status_codes", {})
    failures = sum(count for code, count in codes.items() if not code.startswith("2"))
    print(
        f"{scenario.name}\n"
        f"  target rate {scenario.rate}/s for {scenario.seconds}s: {report['requests']} requests\n"
        f"  achieved    {report['throughput']:.1f} req/s (sent at {report['rate']:.1f}/s)\n"
        f"  latency     p50 {latencies['50th'] / 1e6:.1f} ms  p95 {latencies['95th'] / 1e6:.1f} ms"
        f"  p99 {latencies['99th'] / 1e6:.1f} ms  max {latencies['max'] / 1e6:.1f} ms\n"
        f"  errors      {failures} ({100 * (1 - report['success']):.2f}%)  status codes {codes}",
        flush=True,
    )


def prepare(profile: Profile, gateway_url: str) -> Context:
    """Onboards a merchant through the API, seeds its payments and funds its wallet."""
    with httpx.Client(base_url=gateway_url, timeout=15) as gateway:
        owner = sign_up(gateway, profile.mailpit_url)
        merchant = create_merchant(gateway, owner)
        secret_key = str(create_key(gateway, merchant)["secret"])
        seed(profile, merchant.merchant_id)
        wait_until(
            lambda: gateway.get(SUMMARY, headers=bearer(secret_key)).json()["paymentsCreated"],
            timeout=60,
            what="seeded payments to reach analytics",
        )
        merchant_wallet = _open_wallet(gateway, bearer(secret_key))
        user_wallet = _open_wallet(gateway, owner.headers())
        topped_up = gateway.post(
            "/api/v1/topups",
            json={"walletId": merchant_wallet, "amount": 10**12, "source": {"type": "bank"}},
            headers={**bearer(secret_key), "Idempotency-Key": f"bench-{uuid.uuid4()}"},
        )
        assert topped_up.status_code == 201, topped_up.text
    return Context(secret_key, owner.access_token, merchant_wallet, user_wallet)


def webhook_delivery(vegeta: str, profile: Profile, base_url: str, scenario: Scenario) -> None:
    """Payments completed at a fixed rate with a local receiver: the confirms' own figures, then
    event-to-delivery latency, duplicates and the backlog left."""
    receiver = hooks.Receiver()
    with hooks.serving(receiver) as url, httpx.Client(base_url=base_url, timeout=15) as gateway:
        # A merchant of its own: the payments it completes would otherwise grow the summary
        # scenario's merchant, whose cost grows with its payments on FerretDB (SQLite).
        merchant = create_merchant(gateway, sign_up(gateway, profile.mailpit_url))
        key = str(create_key(gateway, merchant)["secret"])
        endpoint_id = hooks.register_endpoint(gateway, key, url)
        try:
            payment_ids = hooks.create_payments(gateway, key, scenario.rate * scenario.seconds)
            settled_after = hooks.settle(gateway, key, receiver)
            # One target per payment: vegeta cannot chain create -> confirm, so only confirms
            # are timed.
            confirms = [
                target("POST", base_url + hooks.confirm_path(pid), key, hooks.SANDBOX_CARD)
                for pid in payment_ids
            ]
            before = hooks.succeeded(gateway, key)
            print_report(scenario, attack(vegeta, confirms, scenario))
            completed = hooks.wait_for_deliveries(gateway, key, receiver, before)
            left = hooks.backlog(profile)
            hooks.print_deliveries(receiver, completed, scenario.rate, left, settled_after)
        finally:
            # The next run's receiver listens elsewhere: this endpoint would only fail retries.
            hooks.delete_endpoint(gateway, key, endpoint_id)


def _open_wallet(gateway: httpx.Client, headers: dict[str, str]) -> str:
    response = gateway.post(
        "/api/v1/wallets",
        json={"currency": "INR"},
        headers={**headers, "Idempotency-Key": f"bench-{uuid.uuid4()}"},
    )
    assert response.status_code in (200, 201), response.text
    return str(response.json()["id"])


def main() -> int:
    parser = argparse.ArgumentParser(prog="devstack.bench")
    parser.add_argument("--profile", default="bench")
    parser.add_argument("--target", help="bench this running gateway instead of starting one")
    parser.add_argument("--key", help="with --target: a secret test key of a merchant there")
    parser.add_argument(
        "--only", help="run only the scenarios whose name contains this (e.g. webhook, transfer)"
    )
    args = parser.parse_args()
    vegeta = shutil.which("vegeta")
    if vegeta is None:
        print("vegeta not found: run deploy/local/install.sh", file=sys.stderr)
        return 2
    if args.target and not args.key:
        print("--target needs --key (a secret test key)", file=sys.stderr)
        return 2
    stack: Stack | None = None
    base_url = args.target
    try:
        if base_url is None:
            profile = Profile.load(args.profile)
            stack = Stack(profile, extra_env=BENCH_LIMITS)
            stack.start()
            base_url = stack["gateway"].url
            context = prepare(profile, base_url)
        else:
            # Against a running gateway only the read scenario runs: the others need funded
            # wallets that `prepare` makes on a stack of its own.
            context = Context(args.key, "", "", "")
        print(
            f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}; target {base_url}\n",
            flush=True,
        )
        for scenario in ordered():
            if args.only and args.only not in scenario.name:
                continue
            if scenario in WEBHOOKS:
                # Needs a receiver here and the stack's database: not with --target.
                if stack is not None:
                    webhook_delivery(vegeta, stack.profile, base_url, scenario)
                continue
            if args.target and scenario.body is not None:
                continue
            print_report(scenario, attack(vegeta, targets(base_url, context, scenario), scenario))
    finally:
        if stack is not None:
            stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
