"""Every Redis command a process sends, timed by command and outcome, on /metrics (and traced:
shared/store_spans.py).

A Redis that is down or slow shows as `connection_error` outcomes and a rising latency before
the rate limits, caches and live updates built on it misbehave. A pipeline is one round trip,
so it is timed as one command, PIPELINE.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from prometheus_client import Histogram
from redis.asyncio import Redis
from redis.asyncio.client import Pipeline
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from shared.store_spans import redis_span

COMMAND_DURATION = Histogram(
    "expe_redis_command_duration_seconds",
    "Redis commands this process sent, by command and outcome (ok, connection_error for an "
    "unreachable or silent server, error for a refused command), with their round-trip time. "
    "XREAD waits for new entries on purpose: its time is not latency.",
    ["command", "outcome"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5),
)


def _observe(command: str, started: float, error: BaseException | None) -> None:
    if isinstance(error, asyncio.CancelledError):
        return  # the caller stopped waiting (a shutdown): says nothing about Redis
    if error is None:
        outcome = "ok"
    elif isinstance(error, RedisConnectionError | RedisTimeoutError):
        outcome = "connection_error"
    else:
        outcome = "error"
    COMMAND_DURATION.labels(command, outcome).observe(time.perf_counter() - started)


def _name(args: tuple[Any, ...]) -> str:
    first = args[0] if args else "UNKNOWN"
    return (first.decode() if isinstance(first, bytes) else str(first)).upper()


class _TimedPipeline(Pipeline):
    async def execute(self, raise_on_error: bool = True) -> list[Any]:
        started = time.perf_counter()
        error: BaseException | None = None
        try:
            with redis_span("PIPELINE"):
                return await super().execute(raise_on_error)
        except BaseException as raised:
            error = raised
            raise
        finally:
            _observe("PIPELINE", started, error)


class TimedRedis(Redis):
    """The Redis client, timing each command it sends."""

    async def execute_command(self, *args: Any, **options: Any) -> Any:
        command = _name(args)
        started = time.perf_counter()
        error: BaseException | None = None
        try:
            with redis_span(command):
                return await super().execute_command(*args, **options)  # type: ignore[no-untyped-call]
        except BaseException as raised:
            error = raised
            raise
        finally:
            _observe(command, started, error)

    def pipeline(self, transaction: bool = True, shard_hint: str | None = None) -> Pipeline:
        return _TimedPipeline(
            self.connection_pool, self.response_callbacks, transaction, shard_hint
        )
