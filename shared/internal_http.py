"""Calls inside the mesh: the gateway's own (JWKS, API keys, memberships) and a service's to
another (payments asking wallet to hold funds), signed with the internal secret."""

from __future__ import annotations

from typing import Any

import httpx

from shared.errors import ServiceUnavailable, UpstreamTimeout
from shared.identity import Caller, signed_headers
from shared.tracing import inject_headers

GATEWAY = Caller(kind="gateway")


class InternalClient:
    """Signs each call as `caller` (the gateway, or a service); maps transport failures to the
    API's errors."""

    def __init__(
        self, client: httpx.AsyncClient, service: str, secret: str, caller: Caller = GATEWAY
    ) -> None:
        self._client = client
        self._service = service
        self._secret = secret
        self._caller = caller

    async def request(
        self, method: str, path: str, *, json: dict[str, Any] | None = None
    ) -> httpx.Response:
        headers = signed_headers(self._caller, secret=self._secret, method=method, path=path)
        try:
            return await self._client.request(
                method, path, json=json, headers=inject_headers(headers)
            )
        except httpx.TimeoutException:
            raise UpstreamTimeout(f"The {self._service} service did not answer in time.") from None
        except httpx.TransportError:
            raise ServiceUnavailable(f"The {self._service} service is unavailable.") from None
