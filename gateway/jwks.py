"""The auth service's public keys, cached, so the gateway verifies access tokens on its own."""

from __future__ import annotations

import asyncio
import time

import jwt

from shared.errors import ServiceUnavailable
from shared.internal_http import InternalClient

JWKS_PATH = "/.well-known/jwks.json"


class JwksCache:
    """Keys by key id; refetched after `ttl`, or early when a token names an unknown key id
    (a rotation), but at most once per `min_refetch_interval` so bad tokens cannot flood auth."""

    def __init__(
        self, auth: InternalClient, ttl: float = 300.0, min_refetch_interval: float = 10.0
    ) -> None:
        self._auth = auth
        self._ttl = ttl
        self._min_refetch_interval = min_refetch_interval
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()

    async def key(self, kid: str) -> jwt.PyJWK | None:
        now = time.monotonic()
        stale = now - self._fetched_at > self._ttl
        unknown = kid not in self._keys and now - self._fetched_at > self._min_refetch_interval
        if stale or unknown:
            await self._refresh(now)
        return self._keys.get(kid)

    async def _refresh(self, started: float) -> None:
        async with self._lock:
            if self._fetched_at > started:
                return  # another request refreshed while this one waited
            response = await self._auth.request("GET", JWKS_PATH)
            if response.status_code != 200:
                raise ServiceUnavailable("The token signing keys could not be fetched.")
            self._keys = {
                key["kid"]: jwt.PyJWK(key)
                for key in response.json().get("keys", [])
                if "kid" in key
            }
            self._fetched_at = time.monotonic()
