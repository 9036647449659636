"""Rate limits in Redis: GCRA buckets per IP, per user and per API key, checked in one round trip.

While Redis is down the limits are not enforced (fail open): see `RateLimiter.check`.

GCRA (the generic cell rate algorithm) behaves like a token bucket of `limit` requests that refills
evenly over `window_seconds`, but stores one timestamp per bucket. Every bucket that applies to a
request is checked and updated by one Lua script, atomically: a request refused by one bucket is
charged to none. Time comes from Redis, so gateway replicas with skewed clocks agree.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from prometheus_client import Counter
from pydantic import BaseModel
from redis.asyncio import Redis
from redis.exceptions import RedisError

from shared.identity import Caller

logger = logging.getLogger("expe.gateway.ratelimit")

UNLIMITED = Counter(
    "expe_rate_limit_unchecked_total",
    "Requests let through without a rate-limit check because Redis did not answer",
)

# KEYS: bucket keys. ARGV: peek flag, then (interval_us, limit) per key. Whole microseconds keep
# the arithmetic exact. Returns, per key: allowed (0/1), remaining, µs until full, µs until retry.
_GCRA = """
local t = redis.call('TIME')
local now = t[1] * 1000000 + t[2]
local peek = ARGV[1] == '1'
local results, updates, allowed_all = {}, {}, true
for i, key in ipairs(KEYS) do
  local interval = tonumber(ARGV[i * 2])
  local limit = tonumber(ARGV[i * 2 + 1])
  local tat = tonumber(redis.call('GET', key) or now)
  if tat < now then tat = now end
  local new_tat = tat + interval
  local allow_at = new_tat - interval * limit
  if peek then
    local remaining = math.floor((now - (tat - interval * limit)) / interval)
    if remaining > limit then remaining = limit end
    results[i] = {1, remaining, tat - now, 0}
  elseif now < allow_at then
    allowed_all = false
    results[i] = {0, 0, tat - now, allow_at - now}
  else
    results[i] = {1, math.floor((now - allow_at) / interval), new_tat - now, 0}
    updates[i] = new_tat
  end
end
if allowed_all and not peek then
  for i, key in ipairs(KEYS) do
    redis.call('SET', key, updates[i], 'PX', math.max(math.ceil((updates[i] - now) / 1000), 1))
  end
end
local flat = {}
for i = 1, #results do
  for j = 1, 4 do flat[#flat + 1] = results[i][j] end
end
return flat
"""


class Limit(BaseModel):
    limit: int
    window_seconds: float

    @property
    def interval_us(self) -> int:
        # Rounded up: the bucket refills a hair slower than exact, never faster.
        return math.ceil(self.window_seconds * 1_000_000 / self.limit)


class PlanLimits(BaseModel):
    test: Limit
    live: Limit


class RateLimitSettings(BaseModel):
    enabled: bool = True
    per_ip: Limit = Limit(limit=200, window_seconds=1)
    per_user: Limit = Limit(limit=50, window_seconds=1)
    # Requests whose credentials fail (an unknown key, a forged token), per address: a burst of
    # mistakes, then under two guesses a second, however little else the address sends.
    failed_credentials_per_ip: Limit = Limit(limit=100, window_seconds=60)
    plans: dict[str, PlanLimits] = {
        "standard": PlanLimits(
            test=Limit(limit=25, window_seconds=1), live=Limit(limit=100, window_seconds=1)
        ),
        "scale": PlanLimits(
            test=Limit(limit=100, window_seconds=1), live=Limit(limit=1000, window_seconds=1)
        ),
    }


@dataclass(frozen=True)
class Bucket:
    name: str  # what the bucket limits, for the API: "ip", "user", "apiKey"
    key: str
    limit: Limit


@dataclass(frozen=True)
class BucketState:
    bucket: Bucket
    allowed: bool
    remaining: int
    reset_seconds: int
    retry_after_seconds: int

    def headers(self) -> dict[str, str]:
        headers = {
            "RateLimit-Limit": str(self.bucket.limit.limit),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset_seconds),
            "RateLimit-Policy": f"{self.bucket.limit.limit};w={self.bucket.limit.window_seconds:g}",
        }
        if not self.allowed:
            headers["Retry-After"] = str(max(self.retry_after_seconds, 1))
        return headers


class RateLimiter:
    def __init__(self, redis: Redis, settings: RateLimitSettings) -> None:
        self._redis = redis
        self._settings = settings
        self._script = redis.register_script(_GCRA)
        # Whether the last check found Redis down: the outage is logged when it starts and when
        # it ends, not on every request it lets through.
        self._unchecked = False

    def buckets(self, caller: Caller, plan: str | None = None) -> list[Bucket]:
        found = [Bucket("ip", f"expe:rl:ip:{caller.ip}", self._settings.per_ip)]
        if caller.kind == "user" and caller.user_id:
            found.append(Bucket("user", f"expe:rl:user:{caller.user_id}", self._settings.per_user))
        if caller.kind == "api_key" and caller.key_id:
            limits = (
                self._settings.plans.get(plan or "standard") or self._settings.plans["standard"]
            )
            limit = limits.live if caller.mode == "live" else limits.test
            found.append(Bucket("apiKey", f"expe:rl:key:{caller.key_id}", limit))
        return found

    def failed_credentials(self, ip: str | None) -> Bucket:
        return Bucket(
            "failedCredentials", f"expe:rl:failed:{ip}", self._settings.failed_credentials_per_ip
        )

    async def check(self, buckets: list[Bucket], *, peek: bool = False) -> list[BucketState] | None:
        """Charges one request to every bucket, or to none if any is empty; None when Redis
        does not answer.

        None lets the request through (fail open). Refusing every request instead (503) would
        turn a Redis outage into an outage of every payment, refund and transfer, while the
        databases that hold the money are fine: the limits protect capacity and slow down
        guessing, which the services' load shedding and the keys' 190 random bits still do for
        the minutes Redis is gone. Each request let through is counted
        (`expe_rate_limit_unchecked_total`), and the outage's start and end are logged."""
        arguments: list[str | int] = ["1" if peek else "0"]
        for bucket in buckets:
            arguments += [bucket.limit.interval_us, bucket.limit.limit]
        try:
            flat = await self._script(keys=[b.key for b in buckets], args=arguments)
        except RedisError as error:
            UNLIMITED.inc()
            if not self._unchecked:
                self._unchecked = True
                logger.warning(
                    "rate limits unchecked while Redis is down", extra={"error": repr(error)}
                )
            return None
        if self._unchecked:
            self._unchecked = False
            logger.info("rate limits checked again: Redis answers")
        return [
            BucketState(
                bucket=bucket,
                allowed=bool(flat[i * 4]),
                remaining=max(int(flat[i * 4 + 1]), 0),
                reset_seconds=math.ceil(max(int(flat[i * 4 + 2]), 0) / 1_000_000),
                retry_after_seconds=math.ceil(max(int(flat[i * 4 + 3]), 0) / 1_000_000),
            )
            for i, bucket in enumerate(buckets)
        ]

    @staticmethod
    def reported(states: list[BucketState]) -> BucketState:
        """The bucket a response reports: a refusing one, else the one closest to empty."""
        refused = [state for state in states if not state.allowed]
        if refused:
            return max(refused, key=lambda s: s.retry_after_seconds)
        return min(states, key=lambda s: s.remaining / s.bucket.limit.limit)
