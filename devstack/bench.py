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
    ),
    Scenario(
        "wallet transfer (gateway -> wallet ledger)",
        "POST",
        "/api/v1/transfers",
        10,
        15,
        transfer_body,
    ),
    Scenario(
        "wallet transfer (gateway -> wallet ledger)",
        "POST",
        "/api/v1/transfers",
        25,
        15,
        transfer_body,
    ),
)


def seed(profile: Profile, merchant_id: str) -> None:
    """Puts payment facts behind the summary through the real event path."""
    import asyncio

    from pymongo import AsyncMongoClient

    from shared.events.envelope import PAYMENT_CREATED
    from shared.events.outbox import Outbox, new_event
    from shared.ids import new_id

    async def write() -> None:
        client: AsyncMongoClient[dict] = AsyncMongoClient(profile.mongo_url)
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


def targets(base_url: str, context: Context, scenario: Scenario) -> str:
    """vegeta JSON targets, one per request, so each POST has its own Idempotency-Key."""
    lines = []
    for n in range(scenario.rate * scenario.seconds if scenario.body else 1):
        header = {"Authorization": [f"Bearer {context.secret_key}"]}
        target: dict[str, Any] = {"method": scenario.method, "url": base_url + scenario.path}
        if scenario.body is not None:
            body = json.dumps(scenario.body(context, n)).encode()
            target["body"] = base64.b64encode(body).decode()
            header |= {
                "Content-Type": ["application/json"],
                "Idempotency-Key": [f"bench-{uuid.uuid4()}"],
            }
        target["header"] = header
        lines.append(json.dumps(target))
    return "\n".join(lines) + "\n"


def attack(vegeta: str, base_url: str, context: Context, scenario: Scenario) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        target_file = Path(folder) / "targets.json"
        target_file.write_text(targets(base_url, context, scenario))
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


def print_report(scenario: Scenario, report: dict) -> None:
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
    args = parser.parse_args()
    vegeta = shutil.which("vegeta")
    if vegeta is None:
        print("vegeta not found: run deploy/local/install.sh", file=sys.stderr)
        return 2
    if args.target and not args.key:
        print("--target needs --key (a secret test key)", file=sys.stderr)
        return 2
    stack: Stack | None = None
    target = args.target
    try:
        if target is None:
            profile = Profile.load(args.profile)
            stack = Stack(profile, extra_env=BENCH_LIMITS)
            stack.start()
            target = stack["gateway"].url
            context = prepare(profile, target)
        else:
            # Against a running gateway only the read scenario runs: the others need funded
            # wallets that `prepare` makes on a stack of its own.
            context = Context(args.key, "", "", "")
        print(
            f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}; target {target}\n",
            flush=True,
        )
        for scenario in SCENARIOS:
            if args.target and scenario.body is not None:
                continue
            print_report(scenario, attack(vegeta, target, context, scenario))
    finally:
        if stack is not None:
            stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
