"""Sending calls: authentication, idempotency keys, retries with backoff, errors as classes.

The decisions (what to send, whether and how long to wait before a retry, what an answer means)
live in `_Policy`; the sync and async transports only run the loop with their own I/O.
"""

from __future__ import annotations

import asyncio
import logging
import random
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from expe._calls import Call, PagedCall
from expe._pagination import AsyncPage, SyncPage
from expe._response import ResponseInfo
from expe._version import __version__
from expe.errors import (
    ApiConnectionError,
    ApiTimeoutError,
    ExpeError,
    error_from_response,
    retry_after_seconds,
)

T = TypeVar("T")

logger = logging.getLogger("expe")

USER_AGENT = f"expe-python/{__version__}"
BACKOFF_BASE_SECONDS = 0.5
BACKOFF_CAP_SECONDS = 8.0
RETRY_AFTER_CAP_SECONDS = 60.0


def new_idempotency_key() -> str:
    return "idk_" + secrets.token_urlsafe(24)


@dataclass(frozen=True)
class Settings:
    api_key: str
    base_url: str
    timeout: float
    max_retries: int
    headers: Mapping[str, str]


class _Policy:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def request(self, http: httpx.Client | httpx.AsyncClient, call: Call[Any]) -> httpx.Request:
        headers = {
            "Authorization": f"Bearer {self.settings.api_key}",
            "User-Agent": USER_AGENT,
            "Accept": "application/json",
            **self.settings.headers,
            **call.headers,
        }
        if call.method == "POST":
            headers["Idempotency-Key"] = call.idempotency_key or new_idempotency_key()
        query = {name: value for name, value in (call.query or {}).items() if value is not None}
        return http.build_request(
            call.method,
            self.settings.base_url + call.path,
            params=query,
            json=call.body,
            headers=headers,
        )

    def wait_after_answer(self, response: httpx.Response, attempt: int) -> float | None:
        """Seconds to wait before trying again, or None when this answer is the last word."""
        if attempt >= self.settings.max_retries or not _retryable(response):
            return None
        retry_after = retry_after_seconds(response.headers)
        if retry_after is not None:
            return min(retry_after, RETRY_AFTER_CAP_SECONDS)
        return self._backoff(attempt)

    def wait_after_failure(self, attempt: int) -> float | None:
        if attempt >= self.settings.max_retries:
            return None
        return self._backoff(attempt)

    @staticmethod
    def _backoff(attempt: int) -> float:
        # Full jitter: clients failing together come back spread out, not all at once.
        ceiling = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2**attempt)
        return random.uniform(0, ceiling)

    @staticmethod
    def result(call: Call[T], response: httpx.Response) -> T:
        if response.status_code >= 400:
            raise error_from_response(response)
        return call.result(response)

    @staticmethod
    def connection_error(request: httpx.Request, error: httpx.TransportError) -> ExpeError:
        if isinstance(error, httpx.TimeoutException):
            return ApiTimeoutError(f"No answer from {request.url.host} in time ({error!r}).")
        return ApiConnectionError(f"Could not reach the API at {request.url.host}: {error!r}.")


def _retryable(response: httpx.Response) -> bool:
    status = response.status_code
    if status == 429 or status >= 500:
        return True
    if status == 409:
        # Another request with this key is still running; the same key will get its answer.
        return error_from_response(response).code == "idempotency_key_in_use"
    return False


def _log(request: httpx.Request, outcome: httpx.Response | Exception, wait: float | None) -> None:
    if not logger.isEnabledFor(logging.DEBUG):
        return
    if isinstance(outcome, httpx.Response):
        what = f"{outcome.status_code} request_id={outcome.headers.get('x-request-id')}"
    else:
        what = repr(outcome)
    then = "" if wait is None else f"; retrying in {wait:.2f}s"
    logger.debug("%s %s -> %s%s", request.method, request.url.path, what, then)


class SyncTransport:
    def __init__(self, settings: Settings, http: httpx.Client | None = None) -> None:
        self._policy = _Policy(settings)
        self._owns_http = http is None
        self._http = http or httpx.Client(timeout=settings.timeout)

    def send(self, call: Call[T]) -> T:
        request = self._policy.request(self._http, call)
        attempt = 0
        while True:
            try:
                response = self._http.send(request)
            except httpx.TransportError as error:
                wait = self._policy.wait_after_failure(attempt)
                _log(request, error, wait)
                if wait is None:
                    raise self._policy.connection_error(request, error) from error
            else:
                wait = self._policy.wait_after_answer(response, attempt)
                _log(request, response, wait)
                if wait is None:
                    return self._policy.result(call, response)
            time.sleep(wait)
            attempt += 1

    def send_paged(self, call: PagedCall[T]) -> SyncPage[T]:
        def read(response: httpx.Response) -> SyncPage[T]:
            raw = response.json()
            items = [call.item(item) for item in raw["data"]]
            info = ResponseInfo.of(response)
            return SyncPage(items, raw, info, lambda page: self.send_paged(call.at(page)))

        return self.send(Call("GET", call.path, read, query=call.query))

    def close(self) -> None:
        if self._owns_http:
            self._http.close()


class AsyncTransport:
    def __init__(self, settings: Settings, http: httpx.AsyncClient | None = None) -> None:
        self._policy = _Policy(settings)
        self._owns_http = http is None
        self._http = http or httpx.AsyncClient(timeout=settings.timeout)

    async def send(self, call: Call[T]) -> T:
        request = self._policy.request(self._http, call)
        attempt = 0
        while True:
            try:
                response = await self._http.send(request)
            except httpx.TransportError as error:
                wait = self._policy.wait_after_failure(attempt)
                _log(request, error, wait)
                if wait is None:
                    raise self._policy.connection_error(request, error) from error
            else:
                wait = self._policy.wait_after_answer(response, attempt)
                _log(request, response, wait)
                if wait is None:
                    return self._policy.result(call, response)
            await asyncio.sleep(wait)
            attempt += 1

    async def send_paged(self, call: PagedCall[T]) -> AsyncPage[T]:
        def read(response: httpx.Response) -> AsyncPage[T]:
            raw = response.json()
            items = [call.item(item) for item in raw["data"]]
            info = ResponseInfo.of(response)
            return AsyncPage(items, raw, info, lambda page: self.send_paged(call.at(page)))

        return await self.send(Call("GET", call.path, read, query=call.query))

    async def close(self) -> None:
        if self._owns_http:
            await self._http.aclose()
