"""The auth service's answers about credentials (an API key's merchant, a user's membership),
remembered for a few seconds so most requests do not ask again.

Each answer is kept in Redis for `ttl` seconds, shared by every gateway replica, and in this
process for the rest of its Redis life (read with PTTL), so a hot API key costs no Redis round
trip while a revocation still lags at most `ttl` on every replica.
"""

from __future__ import annotations

import time
from typing import Any

import orjson
from redis.asyncio import Redis
from redis.exceptions import RedisError

Answer = dict[str, Any] | None


class RememberedAnswers:
    def __init__(self, redis: Redis, ttl_seconds: float, max_entries: int = 10_000) -> None:
        self._redis = redis
        self._ttl = ttl_seconds
        self._max_entries = max_entries
        # key -> (monotonic expiry, answer); dicts keep insertion order, oldest first.
        self._local: dict[str, tuple[float, Answer]] = {}

    async def get(self, key: str) -> tuple[bool, Answer]:
        """(True, answer) when an answer is remembered, "none" included; (False, None) if not."""
        now = time.monotonic()
        entry = self._local.get(key)
        if entry is not None:
            if entry[0] > now:
                return True, entry[1]
            del self._local[key]
        try:
            async with self._redis.pipeline(transaction=False) as pipe:
                pipe.get(key)
                pipe.pttl(key)
                value, ttl_ms = await pipe.execute()
        except RedisError:
            # Not remembered, so the auth service (the source of truth) is asked: a Redis
            # outage costs a lookup per request, not the requests.
            return False, None
        if value is None:
            return False, None
        answer: Answer = orjson.loads(value)
        if ttl_ms > 0:
            self._keep(key, now + ttl_ms / 1000, answer)
        return True, answer

    async def put(self, key: str, answer: Answer) -> None:
        self._keep(key, time.monotonic() + self._ttl, answer)
        try:
            await self._redis.set(key, orjson.dumps(answer), px=int(self._ttl * 1000))
        except RedisError:
            pass  # a cold cache only costs another lookup

    def _keep(self, key: str, expires: float, answer: Answer) -> None:
        if len(self._local) >= self._max_entries:
            now = time.monotonic()
            self._local = {k: v for k, v in self._local.items() if v[0] > now}
            while len(self._local) >= self._max_entries:
                del self._local[next(iter(self._local))]
        self._local[key] = (expires, answer)
