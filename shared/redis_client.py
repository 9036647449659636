"""The process's Redis client (rate limits, caches, locks)."""

from __future__ import annotations

from redis.asyncio import Redis

from shared.redis_metrics import TimedRedis
from shared.settings import RedisSettings


def create_redis(settings: RedisSettings, socket_timeout: float = 2) -> Redis:
    # Short timeouts: a Redis that does not answer in two seconds is treated as down, not waited
    # on; a client whose commands wait on purpose (reading a stream) passes a longer one.
    return TimedRedis.from_url(
        settings.url,
        socket_timeout=socket_timeout,
        socket_connect_timeout=2,
        health_check_interval=15,
        decode_responses=True,
    )
