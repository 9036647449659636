"""Behind Redis Sentinel the client asks the sentinels where the primary is, and follows it when
the primary dies and a replica is promoted (real redis-server processes on free ports)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis.exceptions import RedisError

from devstack.serving import free_port
from devstack.waiting import eventually, wait_until
from shared.redis_client import create_redis
from shared.settings import RedisSettings


class Servers:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.running: list[subprocess.Popen[bytes]] = []

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            ["redis-server", *args],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.running.append(process)
        return process


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[Servers]:
    made = Servers(tmp_path)
    yield made
    for process in made.running:
        process.kill()
        process.wait()


def _server(servers: Servers, port: int, *more: str) -> subprocess.Popen[bytes]:
    return servers.start(
        "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", *more
    )  # fmt: skip


def _cli(port: int, *command: str) -> str:
    found = subprocess.run(
        ["redis-cli", "-p", str(port), *command], capture_output=True, text=True, check=False
    )
    return found.stdout


async def test_the_client_follows_the_primary_through_a_failover(servers: Servers) -> None:
    primary_port, replica_port, sentinel_port = free_port(), free_port(), free_port()
    primary = _server(servers, primary_port)
    _server(servers, replica_port, "--replicaof", "127.0.0.1", str(primary_port))
    config = servers.folder / "sentinel.conf"
    config.write_text(
        f"port {sentinel_port}\nbind 127.0.0.1\n"
        f"sentinel monitor expe 127.0.0.1 {primary_port} 1\n"
        "sentinel down-after-milliseconds expe 1000\n"
        "sentinel failover-timeout expe 5000\n"
    )
    servers.start(str(config), "--sentinel")
    for port in (primary_port, replica_port, sentinel_port):
        wait_until(lambda p=port: _cli(p, "ping").strip() == "PONG", timeout=15, what=f"{port}")
    # Sentinel promotes only a replica it knows and that is in sync with the primary.
    wait_until(
        lambda: "master_link_status:up" in _cli(replica_port, "info", "replication"),
        timeout=30,
        what="the replica in sync",
    )
    wait_until(
        lambda: str(replica_port) in _cli(sentinel_port, "sentinel", "replicas", "expe"),
        timeout=30,
        what="the sentinel to know the replica",
    )

    client = create_redis(
        RedisSettings(url="redis://ignored:1/3", sentinels=(f"127.0.0.1:{sentinel_port}",))
    )
    try:
        await client.set("expe:test:key", "before")
        assert await client.get("expe:test:key") == "before"
        info = await client.info("server")
        assert info["tcp_port"] == primary_port

        primary.kill()
        primary.wait()

        async def written_after_failover() -> bool:
            try:
                await client.set("expe:test:key", "after")
                return (await client.info("server"))["tcp_port"] == replica_port
            except RedisError:
                return False  # the old primary is gone and no replica is promoted yet

        await eventually(written_after_failover, timeout=30, what="the promoted replica")
        assert await client.get("expe:test:key") == "after"
        assert (await client.info("keyspace")).get("db3") is not None  # the URL's database
    finally:
        await client.aclose()
