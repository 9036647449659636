"""Fixed-rate load through the gateway with vegeta; prints rate, p50/p95/p99 and errors.

A fixed arrival rate (not a closed loop of N clients) keeps latency honest: a slow response does
not slow the arrivals down, so queueing shows up in the percentiles.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

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
class Scenario:
    name: str
    method: str
    path: str
    rate: int
    seconds: int


SUMMARY = "/api/v1/analytics/payments/summary"
SCENARIOS = (
    Scenario("gateway -> analytics -> MongoDB (payment summary)", "GET", SUMMARY, 25, 15),
    Scenario("gateway -> analytics -> MongoDB (payment summary)", "GET", SUMMARY, 50, 15),
    Scenario("gateway -> analytics -> MongoDB (payment summary)", "GET", SUMMARY, 100, 15),
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


def attack(vegeta: str, target: str, secret_key: str, scenario: Scenario) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        targets = Path(folder) / "targets"
        targets.write_text(
            f"{scenario.method} {target}{scenario.path}\nAuthorization: Bearer {secret_key}\n"
        )
        results = Path(folder) / "results.bin"
        subprocess.run(
            [
                vegeta,
                "attack",
                f"-targets={targets}",
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


def prepare(profile: Profile, gateway_url: str) -> str:
    """Onboards a merchant through the API, seeds its payments; returns its secret test key."""
    with httpx.Client(base_url=gateway_url, timeout=15) as gateway:
        merchant = create_merchant(gateway, sign_up(gateway, profile.mailpit_url))
        secret_key = str(create_key(gateway, merchant)["secret"])
        seed(profile, merchant.merchant_id)
        wait_until(
            lambda: gateway.get(SUMMARY, headers=bearer(secret_key)).json()["paymentsCreated"],
            timeout=60,
            what="seeded payments to reach analytics",
        )
    return secret_key


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
    target, secret_key = args.target, args.key
    try:
        if target is None:
            profile = Profile.load(args.profile)
            stack = Stack(profile, extra_env=BENCH_LIMITS)
            stack.start()
            target = stack["gateway"].url
            secret_key = prepare(profile, target)
        print(
            f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}; target {target}\n",
            flush=True,
        )
        for scenario in SCENARIOS:
            print_report(scenario, attack(vegeta, target, secret_key, scenario))
    finally:
        if stack is not None:
            stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
