"""The test profile's Prometheus (deploy/local/infra.sh starts it beside the infrastructure),
scraping every process of the e2e stack each second with Expe's rules loaded.

The e2e fixtures (the stack, a gateway client, Mailpit's address) are the ones of tests/e2e,
imported here so both folders share one definition; test_dashboards.py also takes their wait
for every event consumer to join, which here only the tests on the stack need.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from devstack.profile import PROCESSES
from devstack.stack import Stack
from devstack.waiting import wait_until
from tests.e2e.conftest import gateway, mailpit_url

__all__ = ["gateway", "mailpit_url"]

ROOT = Path(__file__).resolve().parents[2]
RULES = sorted((ROOT / "observability" / "prometheus" / "rules").glob("*.yml"))


@dataclass(frozen=True)
class Prometheus:
    url: str

    def query(self, expr: str) -> dict[str, Any]:
        """The API's answer to an instant query (its status, and the data or the error)."""
        answer = httpx.get(f"{self.url}/api/v1/query", params={"query": expr}, timeout=10)
        return dict(answer.json())

    def series(self, expr: str) -> list[dict[str, Any]]:
        answer = self.query(expr)
        assert answer["status"] == "success", f"{expr}: {answer.get('error')}"
        return list(answer["data"]["result"])

    def value(self, expr: str) -> float:
        """The value of a query that returns one series (0 when it returns none)."""
        found = self.series(expr)
        assert len(found) <= 1, f"{expr} returned {len(found)} series"
        return float(found[0]["value"][1]) if found else 0.0


@pytest.fixture(scope="module")
def prometheus(stack: Stack) -> Prometheus:
    """The profile's Prometheus, once it has scraped every process of the stack (the stack
    tells it where they are as it starts them: Stack.write_scrape_targets)."""
    assert stack.profile.observed, "the test profile runs Prometheus (EXPE_OBSERVED=1)"
    server = Prometheus(stack.profile.prometheus_url)

    def scraped_every_process() -> bool:
        return {s["metric"]["job"] for s in server.series("up == 1")} >= set(PROCESSES)

    wait_until(scraped_every_process, timeout=60, interval=0.5, what="every process scraped")
    return server
