"""HTTP inside the mesh: the gateway forwarding to a service, the gateway's own calls (JWKS, API
keys, memberships) and a service's calls to another (payments asking wallet to hold funds).

One mechanism for all of them: `ServiceClient`, keep-alive connections to one service over
aiohttp, and the one place where transport failures become the API's errors (no answer in time:
504 `upstream_timeout`; no connection: 503 `service_unavailable`). aiohttp was measured at about
a third of httpx's CPU per forwarded request, and httpx's pool also polls every idle connection
on each request, so its cost grew with concurrency. `InternalClient` signs JSON calls as a
caller, and `InternalResponse.error()` decodes the other service's error body.

Every call goes through the service's circuit breaker (shared/circuit.py), and a call that got
no connection is sent again, after a short random wait, when repeating it is safe.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import aiohttp
import orjson
from prometheus_client import Counter
from yarl import URL

from shared.circuit import CircuitBreaker
from shared.context import REQUEST_ID_HEADER, current_request_id
from shared.errors import ServiceUnavailable, UpstreamTimeout
from shared.identity import Caller, signed_headers
from shared.settings import CallSettings
from shared.tracing import inject_headers

GATEWAY = Caller(kind="gateway")

# Below uvicorn's keep-alive (5 s): an idle connection is dropped here before the server closes
# it, so a request is never written onto a connection the server is closing.
_KEEPALIVE_SECONDS = 4.0

HeaderPairs = Iterable[tuple[str, str]]

RETRIES = Counter(
    "expe_upstream_retries_total",
    "Calls sent again to a service after they got no connection (safe to repeat only)",
    ["upstream"],
)
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
# Full jitter: a wait drawn from 0 to min(cap, base * 2^attempt), so callers that failed
# together do not come back together.
_RETRY_BASE_SECONDS, _RETRY_CAP_SECONDS = 0.05, 0.5


def _repeatable(method: str, headers: list[tuple[str, str]]) -> bool:
    """Sending it twice does what sending it once does."""
    return method in _SAFE_METHODS or any(name.lower() == "idempotency-key" for name, _ in headers)


@contextlib.contextmanager
def mapped_errors(service: str) -> Iterator[None]:
    """Translates aiohttp's failures into the API's errors."""
    try:
        yield
    # aiohttp's timeouts are TimeoutErrors and ClientErrors at once: timeouts first.
    except TimeoutError:
        raise UpstreamTimeout(f"The {service} service did not answer in time.") from None
    except aiohttp.ClientError:
        raise ServiceUnavailable(f"The {service} service is unavailable.") from None


@dataclass(frozen=True)
class ServiceError:
    """The error another service answered with, from its `{"error": {...}}` body."""

    status_code: int
    code: str
    message: str
    param: str | None = None


@dataclass(frozen=True)
class InternalResponse:
    """A whole answer of another service."""

    service: str
    status_code: int
    content: bytes

    def json(self) -> Any:
        return orjson.loads(self.content)

    def error(self) -> ServiceError:
        try:
            error = orjson.loads(self.content)["error"]
            param = error.get("param")
            return ServiceError(
                self.status_code,
                str(error["code"]),
                str(error["message"]),
                None if param is None else str(param),
            )
        except (ValueError, KeyError, TypeError, AttributeError):
            text = self.content[:200].decode(errors="replace")
            return ServiceError(self.status_code, f"{self.service}_error", text)


class ServiceClient:
    """Keep-alive connections to one service. Create it in a lifespan (aiohttp needs the running
    loop) and close it on shutdown, or use it as `async with`.

    `timeout` bounds waiting for a connection and each read, not a whole answer, so a long
    streamed export goes on while bytes flow; `connect_timeout` bounds opening a connection.
    """

    def __init__(
        self,
        service: str,
        base_url: str,
        *,
        timeout: float,
        connect_timeout: float | None = None,
        max_connections: int = 100,
        calls: CallSettings | None = None,
    ) -> None:
        self.service = service
        self._base_url = base_url.rstrip("/")
        settings = calls or CallSettings()
        self._retries = settings.retries
        self.circuit = CircuitBreaker(
            service,
            failure_threshold=settings.circuit_failure_threshold,
            cool_down_seconds=settings.circuit_cool_down_seconds,
        )
        self._timeout = aiohttp.ClientTimeout(
            total=None, connect=timeout, sock_connect=connect_timeout or timeout, sock_read=timeout
        )
        self._session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(
                limit=max_connections, keepalive_timeout=_KEEPALIVE_SECONDS
            ),
            # A relay passes bodies through as they are: no decompression, and no encoding asked
            # for that the caller did not ask for itself.
            auto_decompress=False,
            skip_auto_headers=("Accept-Encoding", "User-Agent"),
            # Shared by every caller: a cookie one answer sets must never reach another caller.
            cookie_jar=aiohttp.DummyCookieJar(),
        )

    async def open(
        self,
        method: str,
        target: str,
        *,
        headers: HeaderPairs = (),
        body: bytes | None = None,
        timeout: float | None = None,
    ) -> aiohttp.ClientResponse:
        """Sends a request and returns once the status and headers are in; the caller reads the
        body and must `release()` the response. `target` is the path and query, already
        percent-encoded: it is sent exactly as given."""
        url = URL(self._base_url + target, encoded=True)
        pairs = list(headers)
        attempt = 0
        while True:
            self.circuit.before_call()
            try:
                with mapped_errors(self.service):
                    response = await self._session.request(
                        method,
                        url,
                        headers=pairs,
                        data=body,
                        allow_redirects=False,
                        timeout=self._timeout
                        if timeout is None
                        else aiohttp.ClientTimeout(total=timeout),
                    )
            except ServiceUnavailable:
                self.circuit.failed()
                # Only on a failure: whether the call may be repeated is asked of few calls.
                if attempt >= self._retries or not _repeatable(method, pairs):
                    raise
            except UpstreamTimeout:
                self.circuit.failed()
                raise  # not sent again: the service may be doing it still
            except BaseException:
                self.circuit.abandoned()
                raise
            else:
                self.circuit.record(response.status)
                return response
            RETRIES.labels(self.service).inc()
            await asyncio.sleep(
                random.uniform(0, min(_RETRY_CAP_SECONDS, _RETRY_BASE_SECONDS * 2**attempt))
            )
            attempt += 1

    async def read(self, response: aiohttp.ClientResponse) -> bytes:
        """The whole body of a response from `open`, which is released afterwards."""
        try:
            with mapped_errors(self.service):
                return await response.read()
        finally:
            response.release()

    async def request(
        self,
        method: str,
        target: str,
        *,
        headers: HeaderPairs = (),
        body: bytes | None = None,
        timeout: float | None = None,
    ) -> InternalResponse:
        """Sends a request and reads the whole answer."""
        response = await self.open(method, target, headers=headers, body=body, timeout=timeout)
        content = await self.read(response)
        return InternalResponse(self.service, response.status, content)

    async def aclose(self) -> None:
        await self._session.close()

    async def __aenter__(self) -> ServiceClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()


class InternalClient:
    """JSON calls to another service, signed as `caller` (the gateway, or a service), carrying
    the request id and trace context of the request that makes them."""

    def __init__(self, client: ServiceClient, secret: str, caller: Caller = GATEWAY) -> None:
        self._client = client
        self._secret = secret
        self._caller = caller

    async def request(
        self, method: str, path: str, *, json: dict[str, Any] | None = None
    ) -> InternalResponse:
        headers = signed_headers(self._caller, secret=self._secret, method=method, path=path)
        request_id = current_request_id()
        if request_id:
            headers[REQUEST_ID_HEADER] = request_id
        body = None
        if json is not None:
            body = orjson.dumps(json)
            headers["Content-Type"] = "application/json"
        return await self._client.request(
            method, path, headers=inject_headers(headers).items(), body=body
        )
