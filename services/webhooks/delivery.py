"""One HTTP attempt at a receiver: address check, signed POST, a bounded read of the answer.

Every failure becomes an `Outcome` with an error code the attempts log shows; nothing here
raises for a receiver's misbehaviour.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from services.webhooks.addresses import (
    Address,
    Resolver,
    UrlRefused,
    is_public,
    parse,
    refuse_internal,
    resolve,
)

USER_AGENT = "Expe-Webhooks/1.0 (+https://github.com/expe)"
_RECORDED_REQUEST_HEADERS = (
    "content-type",
    "user-agent",
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
)


@dataclass(frozen=True)
class Outcome:
    """What one attempt came to."""

    delivered: bool
    latency_ms: float
    request: dict[str, Any]
    status: int | None = None
    response: dict[str, Any] | None = None
    # http_status, timeout, connection_error, dns_error, address_not_allowed, url_invalid.
    error_code: str | None = None
    error: str | None = None
    retry_after: float | None = None

    @property
    def gone(self) -> bool:
        """410: the receiver says this endpoint no longer exists."""
        return self.status == 410

    @property
    def metric_outcome(self) -> str:
        return "succeeded" if self.delivered else (self.error_code or "http_status")

    def as_fields(self) -> dict[str, Any]:
        return {
            "status": "succeeded" if self.delivered else "failed",
            "request": self.request,
            "response": self.response,
            "responseStatus": self.status,
            "latencyMs": round(self.latency_ms, 1),
            "error": {"code": self.error_code, "message": self.error} if self.error_code else None,
            "retryAfter": self.retry_after,
        }


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds: a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _host_header(target_host: str, port: int, scheme: str) -> str:
    default = 443 if scheme == "https" else 80
    return target_host if port == default else f"{target_host}:{port}"


class Sender:
    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        timeout: float,
        body_limit: int,
        resolver: Resolver = resolve,
        allowed: Callable[[Address], bool] = is_public,
        private_test_endpoints: bool = True,
    ) -> None:
        self._client = client
        self._timeout = timeout
        self._body_limit = body_limit
        # Both replaceable so a test can point a public-looking name at its own TLS receiver.
        self._resolve = resolver
        self._allowed = allowed
        self._private_test_endpoints = private_test_endpoints

    async def post(
        self,
        url: str,
        mode: str,
        headers: dict[str, str],
        body: bytes,
        *,
        timeout: float | None = None,
    ) -> Outcome:
        """The attempt's outcome; `timeout` (seconds) shortens the usual one for this call."""
        limit = self._timeout if timeout is None else min(timeout, self._timeout)
        sent_headers = {"content-type": "application/json", "user-agent": USER_AGENT, **headers}
        request = {
            "method": "POST",
            "url": url,
            "headers": {k: sent_headers[k] for k in _RECORDED_REQUEST_HEADERS if k in sent_headers},
            "body": body.decode(),
        }
        started = time.perf_counter()
        # One deadline for resolving the name and for the answer.
        deadline = asyncio.get_running_loop().time() + limit

        def failed(code: str, message: str) -> Outcome:
            elapsed = (time.perf_counter() - started) * 1000
            return Outcome(False, elapsed, request, error_code=code, error=message)

        public_only = mode == "live" or not self._private_test_endpoints
        try:
            target = parse(url, mode, public_only=public_only)
        except UrlRefused as refused:
            return failed("address_not_allowed", str(refused))
        request_url, extensions = url, {}
        if public_only:
            try:
                async with asyncio.timeout_at(deadline):
                    addresses = await self._resolve(target.host, target.port)
                refuse_internal(addresses, target.host, self._allowed)
            except UrlRefused as refused:
                return failed("address_not_allowed", str(refused))
            except TimeoutError:
                return failed("dns_error", f"{target.host} did not resolve within {limit:g} s.")
            except OSError as error:
                return failed("dns_error", f"{target.host} did not resolve: {error}")
            # Connect to the address just checked, not to whatever the name resolves to next.
            request_url = str(httpx.URL(url).copy_with(host=str(addresses[0]), port=target.port))
            sent_headers["host"] = _host_header(target.host, target.port, target.scheme)
            extensions = {"sni_hostname": target.host}
        try:
            async with asyncio.timeout_at(deadline):
                async with self._client.stream(
                    "POST", request_url, content=body, headers=sent_headers, extensions=extensions
                ) as response:
                    answer = await self._read_bounded(response)
        except (TimeoutError, httpx.TimeoutException):
            return failed("timeout", f"No answer within {limit:g} s.")
        except httpx.HTTPError as error:
            return failed("connection_error", f"{type(error).__name__}: {error}".rstrip(": "))
        latency = (time.perf_counter() - started) * 1000
        delivered = 200 <= response.status_code < 300
        retry_after = None
        if response.status_code in (429, 503):
            retry_after = retry_after_seconds(response.headers.get("retry-after"))
        return Outcome(
            delivered,
            latency,
            request,
            status=response.status_code,
            response=answer,
            error_code=None if delivered else "http_status",
            error=None if delivered else f"The endpoint answered {response.status_code}.",
            retry_after=retry_after,
        )

    async def _read_bounded(self, response: httpx.Response) -> dict[str, Any]:
        body = b""
        truncated = False
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) > self._body_limit:
                body, truncated = body[: self._body_limit], True
                break
        return {
            "status": response.status_code,
            "headers": dict(response.headers),
            "body": body.decode(errors="replace"),
            "truncated": truncated,
        }
