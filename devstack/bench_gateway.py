"""What the gateway adds: one route at a fixed rate, called directly and through the gateway.

The direct call carries the identity headers the gateway would have signed for the same caller,
so the service does the same work both times; the difference in latency and in CPU is the
gateway's (authentication, rate limiting, forwarding). CPU is read from /proc/<pid>/stat before
and after each run and divided by the requests sent. Against a running stack:

    python -m devstack.bench_gateway --profile bench --key sk_test_... \\
        --service wallet --path /api/v1/wallets/wal_...
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from devstack.bench_cost import cpu_seconds, pid_of
from devstack.bench_load import Report, Scenario, attack, report_lines, target
from devstack.profile import Profile
from shared.identity import Caller, signed_headers
from shared.settings import LOCAL_INTERNAL_SECRET

Headers = Mapping[str, str]
BodyOf = Callable[[int], dict[str, Any]]


@dataclass(frozen=True)
class Leg:
    """One run of the route: vegeta's report and each watched process's CPU per request."""

    scenario: Scenario
    report: Report
    cpu_ms_per_request: dict[str, float]


@dataclass(frozen=True)
class OverheadResult:
    direct: Leg
    gateway: Leg

    def added_ms(self) -> tuple[float, float, float]:
        """What the gateway adds to p50, p95 and p99."""
        d, g = self.direct.report, self.gateway.report
        return g.p50_ms - d.p50_ms, g.p95_ms - d.p95_ms, g.p99_ms - d.p99_ms

    def added_cpu_ms(self) -> float:
        """CPU per request that only the gateway run spent, over every watched process."""
        return sum(self.gateway.cpu_ms_per_request.values()) - sum(
            self.direct.cpu_ms_per_request.values()
        )


def _lines(
    method: str, url: str, key: str, headers: Headers, body: BodyOf | None, count: int
) -> list[str]:
    """vegeta targets; with a body, one per request, each with its own Idempotency-Key."""
    if body is None:
        return [target(method, url, key, headers=dict(headers))]
    return [target(method, url, key, body(n), dict(headers)) for n in range(count)]


async def _leg(vegeta: str, scenario: Scenario, lines: list[str], pids: Mapping[str, int]) -> Leg:
    before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    report = await asyncio.to_thread(attack, vegeta, lines, scenario.rate, scenario.seconds)
    after = {name: cpu_seconds(pid) for name, pid in pids.items()}
    requests = max(report.requests, 1)
    return Leg(
        scenario, report, {name: (after[name] - before[name]) * 1000 / requests for name in pids}
    )


async def measure_overhead(
    *,
    vegeta: str,
    method: str,
    path: str,
    gateway_url: str,
    service_url: str,
    key: str,
    service_headers: Callable[[], Headers],
    pids: Mapping[str, int],
    rate: int,
    seconds: int,
    body: BodyOf | None = None,
) -> OverheadResult:
    """Runs the route on the service directly, then through the gateway with `key`.

    `service_headers` gives the identity headers the gateway would sign for `key`; it is called
    right before the direct run, as signatures expire (shared.identity.MAX_SIGNATURE_AGE_SECONDS):
    keep `seconds` well under that. `pids` names the processes whose CPU both runs count (the
    gateway, the service, auth...).
    """
    count = rate * seconds
    direct = Scenario(f"{method} {path} directly", method, path, rate, seconds)
    lines = _lines(method, service_url + path, key, service_headers(), body, count)
    direct_leg = await _leg(vegeta, direct, lines, pids)
    through = Scenario(f"{method} {path} through the gateway", method, path, rate, seconds)
    lines = _lines(method, gateway_url + path, key, {}, body, count)
    return OverheadResult(direct_leg, await _leg(vegeta, through, lines, pids))


def format_overhead(result: OverheadResult) -> str:
    """Each run as the bench reports it, its CPU per request, and what the gateway adds."""
    lines: list[str] = []
    for leg in (result.direct, result.gateway):
        lines += report_lines(leg.scenario, leg.report)
        cpu = "  ".join(f"{name} {ms:.2f}" for name, ms in leg.cpu_ms_per_request.items())
        lines.append(f"  cpu ms/req  {cpu}")
    p50, p95, p99 = result.added_ms()
    lines.append(
        f"gateway adds: p50 {p50:+.2f} ms  p95 {p95:+.2f} ms  p99 {p99:+.2f} ms"
        f"  CPU {result.added_cpu_ms():+.2f} ms/req"
    )
    return "\n".join(lines) + "\n"


def api_key_caller(auth_url: str, key: str, secret: str) -> Caller:
    """The caller the gateway makes of `key`, asked of the auth service as the gateway does."""
    path = "/internal/v1/api-keys/resolve"
    headers = signed_headers(Caller(kind="gateway"), secret=secret, method="POST", path=path)
    response = httpx.post(auth_url + path, json={"key": key}, headers=headers, timeout=10)
    response.raise_for_status()
    resolved = response.json()
    return Caller(
        kind="api_key",
        ip="127.0.0.1",
        merchant_id=resolved["merchantId"],
        project_id=resolved["projectId"],
        key_id=resolved["keyId"],
        key_type=resolved["type"],
        mode=resolved["mode"],
    )


def route_overhead(
    profile: Profile,
    vegeta: str,
    key: str,
    service: str,
    path: str,
    rate: int,
    seconds: int,
    secret: str = LOCAL_INTERNAL_SECRET,
) -> OverheadResult:
    """A GET route of `service` at `rate`, directly and through the gateway, with `key`."""
    caller = api_key_caller(profile.process_url("auth"), key, secret)
    # The gateway's own work also costs auth (key lookups) and Redis (rate limits) some CPU.
    names = dict.fromkeys(("gateway", service, "auth", "redis"))
    return asyncio.run(
        measure_overhead(
            vegeta=vegeta,
            method="GET",
            path=path,
            gateway_url=profile.process_url("gateway"),
            service_url=profile.process_url(service),
            key=key,
            # The signature covers the path alone, as the gateway signs it.
            service_headers=lambda: signed_headers(
                caller, secret=secret, method="GET", path=urlsplit(path).path
            ),
            pids={name: pid_of(profile, name) for name in names},
            rate=rate,
            seconds=seconds,
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(prog="devstack.bench_gateway")
    parser.add_argument("--profile", default="bench", help="the running stack's profile")
    parser.add_argument("--key", required=True, help="a secret test key of a merchant there")
    parser.add_argument("--service", required=True, help="the service that owns --path")
    parser.add_argument("--path", required=True, help="a GET route, e.g. /api/v1/wallets/wal_…")
    parser.add_argument("--rate", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--secret", default=os.environ.get("EXPE_INTERNAL_SECRET"))
    args = parser.parse_args()
    vegeta = shutil.which("vegeta") or "/root/.cache/expe/bin/vegeta"
    if not Path(vegeta).exists():
        print("vegeta not found: run deploy/local/install.sh", file=sys.stderr)
        return 2
    profile = Profile.load(args.profile)
    secret = args.secret or LOCAL_INTERNAL_SECRET
    result = route_overhead(
        profile, vegeta, args.key, args.service, args.path, args.rate, args.seconds, secret
    )
    print(format_overhead(result), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
