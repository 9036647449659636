"""A real Prometheus scraping every process of the e2e stack, with Expe's rules loaded.

The e2e fixtures (the stack, a gateway client, Mailpit's address) are the ones of tests/e2e,
imported here so both folders share one definition; test_dashboards.py also takes their wait
for every event consumer to join, which here only the tests on the stack need.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from devstack.profile import PROCESSES, Profile
from devstack.stack import Stack
from devstack.waiting import wait_until
from tests.e2e.conftest import gateway, mailpit_url

__all__ = ["gateway", "mailpit_url"]

ROOT = Path(__file__).resolve().parents[2]
RULES = sorted((ROOT / "observability" / "prometheus" / "rules").glob("*.yml"))
GUIDES_URL = "http://localhost:8000/guides"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def prometheus_config(profile: Profile) -> dict[str, Any]:
    """Every process scraped each second under its own job name, as the deployments name them,
    and the rules evaluated each second."""
    return {
        "global": {
            "scrape_interval": "1s",
            "scrape_timeout": "1s",
            "evaluation_interval": "1s",
            "external_labels": {"expe_guides_url": GUIDES_URL},
        },
        "rule_files": [str(path) for path in RULES],
        "scrape_configs": [
            {
                "job_name": name,
                "static_configs": [{"targets": [f"127.0.0.1:{profile.process_port(name)}"]}],
            }
            for name in PROCESSES
        ],
    }


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
def prometheus(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Prometheus]:
    """Prometheus on a port and in a folder of its own, stopped at the end; yielded once it has
    scraped every process."""
    binary = shutil.which("prometheus")
    assert binary, "prometheus is not installed: `make setup` installs Debian's package"
    folder = tmp_path_factory.mktemp("prometheus")
    config = folder / "prometheus.yml"
    config.write_text(yaml.safe_dump(prometheus_config(stack.profile)))
    url = f"http://127.0.0.1:{free_port()}"
    log = (folder / "prometheus.log").open("wb")
    process = subprocess.Popen(
        [
            binary,
            f"--config.file={config}",
            f"--storage.tsdb.path={folder / 'data'}",
            f"--web.listen-address={url.removeprefix('http://')}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = Prometheus(url)

    def scraped_every_process() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"prometheus exited; see {folder / 'prometheus.log'}")
        up = server.series("up == 1")
        return {s["metric"]["job"] for s in up} == set(PROCESSES)

    try:
        wait_until(scraped_every_process, timeout=60, interval=0.5, what="every process scraped")
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
