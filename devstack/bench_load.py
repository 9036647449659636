"""Fixed-rate load with vegeta, and what it reports.

A fixed arrival rate (not a closed loop of N clients) keeps latency honest: a slow response does
not slow the arrivals down, so queueing shows up in the percentiles.
"""

from __future__ import annotations

import base64
import json
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Scenario:
    name: str
    method: str
    path: str
    rate: int
    seconds: int
    # The most payments of history this scenario runs with (None: every size); a rate that only
    # holds on a small history is run there only.
    up_to: int | None = None


@dataclass(frozen=True)
class Report:
    requests: int
    throughput: float
    sent_rate: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    errors: int
    codes: dict[str, int]

    @classmethod
    def of(cls, vegeta_json: dict[str, Any]) -> Report:
        latencies = vegeta_json["latencies"]
        codes = dict(vegeta_json.get("status_codes") or {})
        return cls(
            requests=int(vegeta_json["requests"]),
            throughput=float(vegeta_json["throughput"]),
            sent_rate=float(vegeta_json["rate"]),
            p50_ms=latencies["50th"] / 1e6,
            p95_ms=latencies["95th"] / 1e6,
            p99_ms=latencies["99th"] / 1e6,
            max_ms=latencies["max"] / 1e6,
            errors=sum(count for code, count in codes.items() if not code.startswith("2")),
            codes=codes,
        )

    @property
    def completed(self) -> int:
        return self.requests - self.errors

    def holds(self, p95_ms: float) -> bool:
        """Every request answered with success, and p95 within the bound."""
        return self.errors == 0 and self.p95_ms <= p95_ms


def target(
    method: str,
    url: str,
    secret_key: str,
    body: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> str:
    """One vegeta JSON target; a body also gets a fresh Idempotency-Key."""
    header = {"Authorization": [f"Bearer {secret_key}"]}
    header |= {name: [value] for name, value in (headers or {}).items()}
    line: dict[str, Any] = {"method": method, "url": url}
    if body is not None:
        line["body"] = base64.b64encode(json.dumps(body).encode()).decode()
        header |= {
            "Content-Type": ["application/json"],
            "Idempotency-Key": [f"bench-{uuid.uuid4()}"],
        }
    line["header"] = header
    return json.dumps(line)


def attack(vegeta: str, lines: list[str], rate: int, seconds: int) -> Report:
    """Fires `lines` (taken in turn, over again if fewer) at `rate` per second for `seconds`."""
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
                f"-rate={rate}/s",
                f"-duration={seconds}s",
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
    return Report.of(json.loads(report.stdout))


def report_lines(scenario: Scenario, report: Report) -> list[str]:
    return [
        f"{scenario.name}",
        f"  target rate {scenario.rate}/s for {scenario.seconds}s: {report.requests} requests",
        f"  achieved    {report.throughput:.1f} req/s (sent at {report.sent_rate:.1f}/s)",
        f"  latency     p50 {report.p50_ms:.1f} ms  p95 {report.p95_ms:.1f} ms"
        f"  p99 {report.p99_ms:.1f} ms  max {report.max_ms:.1f} ms",
        f"  errors      {report.errors} ({100 * report.errors / max(report.requests, 1):.2f}%)"
        f"  status codes {report.codes}",
    ]


def print_report(scenario: Scenario, report: Report) -> None:
    print("\n".join(report_lines(scenario, report)), flush=True)
