"""The process's Redis client (rate limits, caches, locks): one server, or the primary that
Redis Sentinel names, followed through failovers."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from redis.asyncio import Redis
from redis.asyncio.sentinel import Sentinel, SentinelConnectionPool

from shared.redis_metrics import TimedRedis
from shared.settings import RedisSettings

# Short timeouts: a Redis that does not answer in two seconds is treated as down, not waited on.
_CONNECT_TIMEOUT_SECONDS = 2


class _SentinelRedis(TimedRedis):
    """The primary's client; closing it also closes its connections to the sentinels."""

    async def aclose(self, close_connection_pool: bool | None = None) -> None:
        await super().aclose(close_connection_pool)
        pool: SentinelConnectionPool = self.connection_pool  # type: ignore[assignment]
        for sentinel in pool.sentinel_manager.sentinels:
            await sentinel.aclose()


def _address(sentinel: str) -> tuple[str, int]:
    host, _, port = sentinel.rpartition(":")
    return host, int(port)


def create_redis(settings: RedisSettings, socket_timeout: float = 2) -> Redis:
    """`socket_timeout`: a client whose commands wait on purpose (reading a stream) passes a
    longer one."""
    connection: dict[str, Any] = {
        "socket_timeout": socket_timeout,
        "socket_connect_timeout": _CONNECT_TIMEOUT_SECONDS,
        "health_check_interval": 15,
        "decode_responses": True,
    }
    if not settings.sentinels:
        return TimedRedis.from_url(settings.url, **connection)
    url = urlsplit(settings.url)
    sentinel = Sentinel(
        [_address(s) for s in settings.sentinels],
        sentinel_kwargs={"socket_timeout": _CONNECT_TIMEOUT_SECONDS},
    )
    primary: Redis = sentinel.master_for(
        settings.sentinel_master,
        redis_class=_SentinelRedis,
        db=int(url.path.strip("/") or 0),
        username=unquote(url.username) if url.username else None,
        password=unquote(url.password) if url.password else None,
        **connection,
    )
    return primary
