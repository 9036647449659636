"""`make bench`: fixed-rate load through the gateway at two sizes of history, with what each
operation costs every process.

It starts its own stack (bench profile, fresh data), onboards merchants through the API, and runs
every scenario twice: with 1,000 paid payments in the database and with 100,000
(`devstack.bench_fill`), so that a cost that grows with data shows. Load is spread over 16
merchants with 2 secret keys each, so the per-key limit (25/s in test mode, kept as it is) is not
what is measured below 800 requests a second; the per-IP limit is lifted, since all the load comes
from one address. Before each run the stack is left to go quiet, and the costs are read once it is
quiet again, so background work a run causes is charged to it.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shutil
import sys
import time
import timeit
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from devstack import bench_webhooks as hooks
from devstack.accounts import bearer, create_key, create_merchant, sign_up
from devstack.bench_cost import Meter, cpu_seconds, process_ids
from devstack.bench_fill import fill_analytics, fill_entries, fill_payments, open_payments
from devstack.bench_gateway import format_overhead, route_overhead
from devstack.bench_load import Report, Scenario, attack, print_report, target
from devstack.profile import Profile
from devstack.stack import Stack
from devstack.waiting import ConditionTimeout, wait_until

SIZES = (1_000, 100_000)
MERCHANTS = 16
KEYS_PER_MERCHANT = 2
SECONDS = 10
# What --find-max looks for: the highest rate holding this p95 with no error.
MAX_P95_MS = 100.0
# Every request of the bench comes from 127.0.0.1, where merchants' servers come from many
# addresses: the per-IP limit (200/s) is lifted; the per-key limits stay as they are.
BENCH_ENV = {"EXPE_RATE_LIMITS__PER_IP": '{"limit": 1000000, "window_seconds": 1}'}
# The webhook scenario's merchant sends its confirms round robin over this many keys.
WEBHOOK_KEYS = 5
# A stack is quiet when all its processes together use less than this share of a core.
_QUIET_CORES = 0.15


@dataclass(frozen=True)
class Tenant:
    """A merchant of the bench: its keys, its wallet and its owner's (the transfer pair)."""

    merchant_id: str
    keys: tuple[str, ...]
    wallet: str
    owner_wallet: str


@dataclass
class Bench:
    vegeta: str
    profile: Profile
    base_url: str
    tenants: list[Tenant]

    def key(self, n: int) -> tuple[Tenant, str]:
        """Request n's tenant and key, round robin over every key."""
        tenant = self.tenants[n % len(self.tenants)]
        return tenant, tenant.keys[(n // len(self.tenants)) % len(tenant.keys)]

    def run(self, scenario: Scenario, lines: list[str]) -> Report:
        wait_quiet(self.profile)
        meter = Meter(self.profile)
        report = attack(self.vegeta, lines, scenario.rate, scenario.seconds)
        wait_quiet(self.profile)
        print_report(scenario, report)
        print("\n".join(meter.costs(report.completed).lines()), flush=True)
        return report


def wait_quiet(profile: Profile, timeout: float = 120) -> None:
    """Waits until the processes use almost no CPU: what a run left behind has finished."""
    pids = process_ids(profile)

    def quiet() -> bool:
        before = sum(cpu_seconds(pid) for pid in pids.values())
        time.sleep(1)
        return sum(cpu_seconds(pid) for pid in pids.values()) - before < _QUIET_CORES

    try:
        wait_until(quiet, timeout=timeout, interval=0, what="the stack to go quiet")
    except ConditionTimeout:
        # The figures that follow then include what the earlier runs left behind: say so.
        print(f"  (the stack was still busy after {timeout:.0f}s; running anyway)", flush=True)


def prepare(profile: Profile, gateway_url: str) -> list[Tenant]:
    """Merchants onboarded through the API, each with keys and a funded wallet."""
    tenants = []
    with httpx.Client(base_url=gateway_url, timeout=30) as gateway:
        for _ in range(MERCHANTS):
            owner = sign_up(gateway, profile.mailpit_url)
            merchant = create_merchant(gateway, owner)
            keys = tuple(
                str(create_key(gateway, merchant)["secret"]) for _ in range(KEYS_PER_MERCHANT)
            )
            wallet = _open_wallet(gateway, bearer(keys[0]))
            topped_up = gateway.post(
                "/api/v1/topups",
                json={"walletId": wallet, "amount": 10**12, "source": {"type": "bank"}},
                headers={**bearer(keys[0]), "Idempotency-Key": f"bench-{uuid.uuid4()}"},
            )
            assert topped_up.status_code == 201, topped_up.text
            owner_wallet = _open_wallet(gateway, owner.headers())
            tenants.append(Tenant(merchant.merchant_id, keys, wallet, owner_wallet))
    return tenants


def _open_wallet(gateway: httpx.Client, headers: dict[str, str]) -> str:
    response = gateway.post(
        "/api/v1/wallets",
        json={"currency": "INR"},
        headers={**headers, "Idempotency-Key": f"bench-{uuid.uuid4()}"},
    )
    assert response.status_code in (200, 201), response.text
    return str(response.json()["id"])


# Scenarios: each builds its requests (one per request, so every POST has its own key).

Lines = Callable[[Bench, Scenario], list[str]]


def create_lines(bench: Bench, scenario: Scenario) -> list[str]:
    lines = []
    for n in range(scenario.rate * scenario.seconds):
        _, key = bench.key(n)
        body = {"amount": 10_000 + n, "currency": "INR", "orderId": f"bench-{uuid.uuid4().hex}"}
        lines.append(target("POST", bench.base_url + scenario.path, key, body))
    return lines


def confirm_lines(bench: Bench, scenario: Scenario) -> list[str]:
    """Confirms of payments made beforehand (through the service, with their events)."""
    count = scenario.rate * scenario.seconds
    merchants = [tenant.merchant_id for tenant in bench.tenants]
    made = asyncio.run(open_payments(bench.profile, merchants, count))
    lines = []
    for n, payment_id in enumerate(made):
        _, key = bench.key(n)
        url = bench.base_url + hooks.confirm_path(payment_id)
        lines.append(target("POST", url, key, hooks.SANDBOX_CARD))
    return lines


def read_lines(bench: Bench, _: Scenario) -> list[str]:
    merchants = [tenant.merchant_id for tenant in bench.tenants]
    made = asyncio.run(open_payments(bench.profile, merchants, 200))
    lines = []
    for n, payment_id in enumerate(made):
        key = bench.key(n)[1]
        lines.append(target("GET", f"{bench.base_url}/api/v1/payments/{payment_id}", key))
    return lines


def list_lines(bench: Bench, scenario: Scenario) -> list[str]:
    return [
        target("GET", f"{bench.base_url}{scenario.path}?limit=50", bench.key(n)[1])
        for n in range(len(bench.tenants) * KEYS_PER_MERCHANT)
    ]


def transfer_lines(bench: Bench, scenario: Scenario) -> list[str]:
    """Each tenant's wallet pays its owner's: as many source wallets as tenants."""
    lines = []
    for n in range(scenario.rate * scenario.seconds):
        tenant, key = bench.key(n)
        body = _transfer(tenant.wallet, tenant.owner_wallet)
        lines.append(target("POST", bench.base_url + scenario.path, key, body))
    return lines


def one_source_lines(bench: Bench, scenario: Scenario) -> list[str]:
    """Every transfer from one wallet: its chain takes one entry at a time, by design."""
    tenant = bench.tenants[0]
    body = _transfer(tenant.wallet, tenant.owner_wallet)
    return [
        target("POST", bench.base_url + scenario.path, tenant.keys[n % len(tenant.keys)], body)
        for n in range(scenario.rate * scenario.seconds)
    ]


def analytics_lines(bench: Bench, scenario: Scenario) -> list[str]:
    """The first merchant's analytics (whose read model holds the history's size of payments),
    over both its keys: the path's query says the range and granularity."""
    tenant = bench.tenants[0]
    path = scenario.path.format(merchant=tenant.merchant_id)
    count = scenario.rate * scenario.seconds
    return [
        target("GET", bench.base_url + path, tenant.keys[n % len(tenant.keys)])
        for n in range(count)
    ]


def _analytics_path(days: int, granularity: str) -> str:
    today = datetime.now(UTC).date()
    since = today - timedelta(days=days - 1)
    query = f"from={since}&to={today}&granularity={granularity}"
    return f"/api/v1/merchants/{{merchant}}/analytics?{query}"


def _transfer(source: str, destination: str) -> dict[str, Any]:
    return {
        "fromWalletId": source,
        "to": {"walletId": destination},
        "amount": 100,
        "currency": "INR",
    }


CREATE = "create payment (gateway -> payments -> store + outbox)"
SCENARIOS: tuple[tuple[Scenario, Lines], ...] = (
    *(
        (Scenario(CREATE, "POST", "/api/v1/payments", rate, SECONDS), create_lines)
        for rate in (100, 300)
    ),
    *(
        (
            Scenario(
                "confirm card payment (gateway -> payments -> store + outbox)",
                "POST",
                "/api/v1/checkout/payments/{id}/confirm",
                rate,
                SECONDS,
            ),
            confirm_lines,
        )
        for rate in (100, 200)
    ),
    (
        Scenario("read payment (gateway -> payments -> store)", "GET", "", 300, SECONDS),
        read_lines,
    ),
    *(
        (
            Scenario(
                "list payments, 50 a page (gateway -> payments -> store; read in order of index"
                " by_merchant, on the local store as on MongoDB)",
                "GET",
                "/api/v1/payments",
                rate,
                SECONDS,
                up_to,
            ),
            list_lines,
        )
        # 20/s on the small history; 1/s on every history, the rate the lists ran at while the
        # local store still scanned for them, kept so that runs before and after compare.
        for rate, up_to in ((20, 1_000), (1, None))
    ),
    *(
        (
            Scenario(
                f"wallet transfer over {MERCHANTS} wallet pairs (gateway -> wallet ledger)",
                "POST",
                "/api/v1/transfers",
                rate,
                SECONDS,
            ),
            transfer_lines,
        )
        for rate in (100, 200)
    ),
    (
        Scenario(
            "wallet transfer from one source wallet (serialised by design)",
            "POST",
            "/api/v1/transfers",
            20,
            SECONDS,
        ),
        one_source_lines,
    ),
    # The first merchant's analytics, at 20/s: within its two keys' limits (25/s each).
    *(
        (
            Scenario(
                f"merchant analytics, {label} (gateway -> analytics -> store)",
                "GET",
                _analytics_path(days, granularity),
                20,
                SECONDS,
            ),
            analytics_lines,
        )
        for label, days, granularity in (
            ("30 days by day", 30, "day"),
            ("12 months by month", 365, "month"),
        )
    ),
)
WEBHOOK_RATES = (20, 100)


def webhook_delivery(bench: Bench, rate: int) -> None:
    """Payments completed at a fixed rate with a local receiver: the confirms' own figures, then
    event-to-delivery latency, duplicates and the backlog left."""
    scenario = Scenario(
        "confirm for webhook delivery (gateway -> payments -> store + outbox)",
        "POST",
        "/api/v1/checkout/payments/{id}/confirm",
        rate,
        SECONDS,
    )
    receiver = hooks.Receiver()
    with hooks.serving(receiver) as url, httpx.Client(base_url=bench.base_url, timeout=30) as gw:
        # A merchant of its own, so its counts are its deliveries only.
        merchant = create_merchant(gw, sign_up(gw, bench.profile.mailpit_url))
        keys = [str(create_key(gw, merchant)["secret"]) for _ in range(WEBHOOK_KEYS)]
        key = keys[0]
        endpoint_id = hooks.register_endpoint(gw, key, url)
        try:
            made = asyncio.run(open_payments(bench.profile, [merchant.merchant_id], rate * SECONDS))
            settled_after = hooks.settle(gw, key, receiver)
            confirms = [
                target(
                    "POST",
                    bench.base_url + hooks.confirm_path(pid),
                    keys[n % WEBHOOK_KEYS],
                    hooks.SANDBOX_CARD,
                )
                for n, pid in enumerate(made)
            ]
            wait_quiet(bench.profile)
            meter = Meter(bench.profile)
            print_report(scenario, attack(bench.vegeta, confirms, rate, SECONDS))
            completed = hooks.wait_for_deliveries(bench.profile, made, receiver)
            left = hooks.backlog(bench.profile)
            wait_quiet(bench.profile)
            print("  per payment completed and delivered (the confirm, its events, the webhook):")
            print("\n".join(meter.costs(completed).lines()), flush=True)
            hooks.print_deliveries(receiver, completed, rate, left, settled_after)
        finally:
            hooks.delete_endpoint(gw, key, endpoint_id)


def find_max(bench: Bench, scenario: Scenario, lines: Lines) -> None:
    """The highest rate holding p95 <= MAX_P95_MS with no error: doubling, then bisecting."""
    held, failed, rate = 0, 0, 25
    while rate <= 3_200:
        probe = Scenario(scenario.name, scenario.method, scenario.path, rate, SECONDS)
        if bench.run(probe, lines(bench, probe)).holds(MAX_P95_MS):
            held = rate
        else:
            failed = rate
        if not failed:
            rate *= 2
        elif failed - held <= max(5, held // 10):
            break
        else:
            rate = (held + failed) // 2
    print(
        f"=> {scenario.name}: highest rate holding p95 <= {MAX_P95_MS:.0f} ms with 0 errors:"
        f" {held}/s (failed at {failed}/s)\n",
        flush=True,
    )


def python_loop_ms() -> float:
    """Milliseconds this machine takes for a fixed pure-Python loop (the best of five): a VM's
    speed varies from day to day, and runs compare only at a like speed."""

    def loop() -> int:
        total = 0
        for i in range(1_000_000):
            total += i % 7
        return total

    return min(timeit.timeit(loop, number=1) for _ in range(5)) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(prog="devstack.bench")
    parser.add_argument("--profile", default="bench")
    parser.add_argument("--only", help="run only the scenarios whose name contains this")
    parser.add_argument(
        "--find-max", action="store_true", help="then search the highest rate creates hold"
    )
    parser.add_argument(
        "--sizes", default=",".join(map(str, SIZES)), help="payments of history, comma-separated"
    )
    args = parser.parse_args()
    vegeta = shutil.which("vegeta")
    if vegeta is None:
        print("vegeta not found: run deploy/local/install.sh", file=sys.stderr)
        return 2
    profile = Profile.load(args.profile)
    stack = Stack(profile, extra_env=BENCH_ENV)
    try:
        stack.start()
        base_url = stack["gateway"].url
        bench = Bench(vegeta, profile, base_url, prepare(profile, base_url))
        print(
            f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, a 1M-step Python loop in {python_loop_ms():.0f} ms; "
            f"target {base_url}; {MERCHANTS} merchants, {MERCHANTS * KEYS_PER_MERCHANT} keys\n",
            flush=True,
        )
        merchants = [tenant.merchant_id for tenant in bench.tenants]
        # The JVMs (store, Kafka) compile their hot paths in the first seconds of load: a short
        # unreported run first, so that the first scenario is not the one that pays for it.
        warm_up = Scenario("warm-up", "POST", "/api/v1/payments", 50, 5)
        attack(vegeta, create_lines(bench, warm_up), warm_up.rate, warm_up.seconds)
        for size in (int(s) for s in args.sizes.split(",")):
            held = asyncio.run(fill_payments(profile, merchants, size))
            entries = asyncio.run(fill_entries(profile, size))
            asyncio.run(fill_analytics(profile, merchants[0], size))
            print(
                f"=== {held:,} payments and {entries:,} ledger entries; the first merchant's"
                f" analytics hold {size:,} payments over a year ===\n",
                flush=True,
            )
            for scenario, lines in SCENARIOS:
                sized = scenario.up_to is None or size <= scenario.up_to
                if sized and (not args.only or args.only in scenario.name):
                    bench.run(scenario, lines(bench, scenario))
            if not args.only or args.only in "gateway overhead":
                wait_quiet(profile)
                tenant = bench.tenants[0]
                print("gateway overhead (GET /api/v1/wallets/{id}, directly and through it)")
                path = f"/api/v1/wallets/{tenant.wallet}"
                overhead = route_overhead(
                    profile, vegeta, tenant.keys[0], "wallet", path, 20, SECONDS
                )
                print(format_overhead(overhead), flush=True)
            if not args.only or args.only in "webhook delivery":
                for rate in WEBHOOK_RATES:
                    webhook_delivery(bench, rate)
            if args.find_max:
                find_max(bench, SCENARIOS[0][0], SCENARIOS[0][1])
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
