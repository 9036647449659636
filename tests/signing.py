"""Signs test requests as the gateway would, so a service can be tested on its own."""

from __future__ import annotations

from collections.abc import Generator

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
