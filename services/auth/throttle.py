"""Slowing down password guessing (failed attempts per account and per IP) and capping how often
one address signs up or asks for password resets, and one person creates API keys, in Redis.

Each counter allows a number of free failures within a sliding window; after that every further
attempt must wait a delay that doubles with each failure (base, 2 x base, ... up to a maximum),
counted from the previous attempt. Checking and counting happen in one Lua script, so attempts
sent in parallel cannot all slip through the same opening. An attempt is counted when it starts
(as if it will fail) and given back when it turns out not to be a failure.

The caps are counters of a fixed window (`RequestLimits`): every request counts, the first one
starts the window. They protect volume, not secrets (reset tokens and keys are random), so while
Redis is down they let requests through, as the gateway's rate limits do.
"""

from __future__ import annotations

import hashlib
import logging
import math
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import RedisError

from services.auth.errors import TooManyAttempts
from services.auth.settings import LoginThrottleSettings, RequestLimit
from shared.errors import RateLimited, ServiceUnavailable

logger = logging.getLogger("expe.auth.throttle")

_PREFIX = "expe:login-failures"

# KEYS: the counters; ARGV: window seconds, base ms, max ms, then each counter's free attempts.
# Returns 0 when the attempt may go ahead (and has been counted), else the milliseconds to wait.
_CHECK_AND_COUNT = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local window = tonumber(ARGV[1])
local base = tonumber(ARGV[2])
local longest = tonumber(ARGV[3])
local wait = 0
for i, key in ipairs(KEYS) do
  local free = tonumber(ARGV[3 + i])
  local state = redis.call('HMGET', key, 'n', 't')
  local failures = tonumber(state[1]) or 0
  local last = tonumber(state[2]) or 0
  if failures >= free then
    local delay = math.min(base * 2 ^ (failures - free), longest)
    wait = math.max(wait, last + delay - now)
  end
end
if wait > 0 then
  return math.ceil(wait)
end
for _, key in ipairs(KEYS) do
  redis.call('HINCRBY', key, 'n', 1)
  redis.call('HSET', key, 't', now)
  redis.call('EXPIRE', key, window)
end
return 0
"""

# Gives back one counted attempt (never below zero, never reviving an expired counter).
_GIVE_BACK = """
for _, key in ipairs(KEYS) do
  local failures = tonumber(redis.call('HGET', key, 'n')) or 0
  if failures > 0 then
    redis.call('HINCRBY', key, 'n', -1)
  end
end
return 0
"""

_TOO_MANY = "Too many failed attempts. Try again after the number of seconds in Retry-After."


def account_key(email: str) -> str:
    # Hashed so the keys do not list who is being attacked; the email is already normalized.
    return f"{_PREFIX}:account:{hashlib.sha256(email.encode()).hexdigest()}"


def ip_key(ip: str) -> str:
    return f"{_PREFIX}:ip:{ip}"


@dataclass(frozen=True)
class Attempt:
    """One counted attempt: report how it ended so the counters stay true."""

    throttle: LoginThrottle
    account: str
    ip: str | None

    async def failed(self) -> None:
        """The attempt failed; it stays counted."""

    async def not_a_failure(self) -> None:
        """The attempt proved nothing either way (e.g. a second factor is still needed)."""
        await self.throttle.give_back(self._keys())

    async def succeeded(self) -> None:
        """Resets the account's counter; the IP keeps only its failures."""
        await self.throttle.reset_account(self.account)
        if self.ip is not None:
            await self.throttle.give_back([ip_key(self.ip)])

    def _keys(self) -> list[str]:
        keys = [account_key(self.account)]
        if self.ip is not None:
            keys.append(ip_key(self.ip))
        return keys


class LoginThrottle:
    def __init__(self, redis: Redis, settings: LoginThrottleSettings) -> None:
        self._redis = redis
        self._settings = settings
        self._check_and_count = redis.register_script(_CHECK_AND_COUNT)
        self._give_back = redis.register_script(_GIVE_BACK)

    async def attempt(self, account: str, ip: str | None) -> Attempt:
        """Counts an attempt on `account` from `ip`, or raises `TooManyAttempts` while it must
        wait (before any password is looked at)."""
        settings = self._settings
        keys = [account_key(account)]
        free = [settings.free_attempts_per_account]
        if ip is not None:
            keys.append(ip_key(ip))
            free.append(settings.free_attempts_per_ip)
        try:
            wait_ms = int(
                await self._check_and_count(
                    keys=keys,
                    args=[
                        settings.window_seconds,
                        settings.base_delay_seconds * 1000,
                        settings.max_delay_seconds * 1000,
                        *free,
                    ],
                )
            )
        except RedisError as error:
            # Without the counters guessing would be unlimited: refuse rather than guess.
            raise ServiceUnavailable("Logging in is unavailable right now; try again.") from error
        if wait_ms > 0:
            retry_after = max(1, math.ceil(wait_ms / 1000))
            raise TooManyAttempts(_TOO_MANY, headers={"Retry-After": str(retry_after)})
        return Attempt(self, account, ip)

    # Both below run after the outcome is known: a Redis hiccup there must not turn a correct
    # login into an error, it only leaves a counter a little high until its window ends.
    async def give_back(self, keys: list[str]) -> None:
        try:
            await self._give_back(keys=keys, args=[])
        except RedisError as error:
            logger.warning("login attempt not given back", extra={"error": repr(error)})

    async def reset_account(self, account: str) -> None:
        try:
            await self._redis.delete(account_key(account))
        except RedisError as error:
            logger.warning("login counter not reset", extra={"error": repr(error)})


# KEYS: the counter; ARGV: the limit, the window in seconds. Returns 0 when the request is within
# the limit (and has been counted), else the milliseconds until the window ends.
_COUNT_IN_WINDOW = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then
  redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
end
if count > tonumber(ARGV[1]) then
  return math.max(redis.call('PTTL', KEYS[1]), 1)
end
return 0
"""


class RequestLimits:
    def __init__(self, redis: Redis) -> None:
        self._count = redis.register_script(_COUNT_IN_WINDOW)

    async def take(self, action: str, subject: str, limit: RequestLimit) -> None:
        """Counts one `action` request of `subject` (an address, a user id), or raises
        `RateLimited` with Retry-After once its window holds `limit` of them."""
        key = f"expe:request-limit:{action}:{hashlib.sha256(subject.encode()).hexdigest()}"
        try:
            wait_ms = int(await self._count(keys=[key], args=[limit.limit, limit.window_seconds]))
        except RedisError as error:
            logger.warning("request limit unchecked", extra={"error": repr(error)})
            return
        if wait_ms > 0:
            retry_after = max(1, math.ceil(wait_ms / 1000))
            raise RateLimited(
                f"Too many requests of this kind; retry after {retry_after}s.",
                headers={"Retry-After": str(retry_after)},
            )
