"""Signs test requests as the gateway would, so a service can be tested on its own."""

from __future__ import annotations

import dataclasses
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any, Self

import httpx

from shared.identity import Caller, signed_headers
from shared.settings import LOCAL_INTERNAL_SECRET


class AsGateway(httpx.Auth):
    """httpx auth that adds the gateway's signed identity headers for `caller` to each request."""

    def __init__(self, caller: Caller, secret: str = LOCAL_INTERNAL_SECRET) -> None:
        self.caller = caller
        self.secret = secret

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers.update(
            signed_headers(
                self.caller, secret=self.secret, method=request.method, path=request.url.path
            )
        )
        yield request


ANONYMOUS = Caller(kind="anonymous", ip="203.0.113.7")
GATEWAY = Caller(kind="gateway")


@dataclass
class SignedClient:
    """Calls a service at `url` as `caller`, signed as the gateway would."""

    url: str
    caller: Caller

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return httpx.request(
            method, f"{self.url}{path}", auth=AsGateway(self.caller), timeout=30, **kwargs
        )

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, json=body, **kwargs)

    def patch(self, path: str, body: Any = None, **kwargs: Any) -> httpx.Response:
        return self.request("PATCH", path, json=body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", path, **kwargs)

    def as_(self, caller: Caller) -> Self:
        return dataclasses.replace(self, caller=caller)
