"""Each merchant's recent API requests, as `GET /api/v1/logs` and `expe logs tail` show them.

The gateway notes every request a merchant's credential made (method, path, status, request id,
duration) in a Redis stream per merchant and mode, trimmed to the newest few thousand. A request
only appends to a local buffer; one writer task sends the buffer in a pipeline every fraction of
a second, so the log costs a request no round trip. The log is a debugging aid, not a record: a
full buffer drops its oldest entries, and a Redis outage loses what was buffered.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError

from shared.identity import Caller

logger = logging.getLogger(__name__)

KEPT_PER_MERCHANT = 5_000
_BUFFERED = 10_000
_FLUSH_SECONDS = 0.2
MAX_PAGE = 100


def log_key(merchant_id: str, mode: str) -> str:
    return f"expe:reqlog:{{{merchant_id}}}:{mode}"


@dataclass(frozen=True)
class LoggedRequest:
    merchant_id: str
    mode: str
    fields: dict[str, str]


class RequestLog:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._buffer: deque[LoggedRequest] = deque(maxlen=_BUFFERED)
        self._writer: asyncio.Task[None] | None = None

    def record(
        self, caller: Caller, method: str, path: str, status: int, request_id: str, seconds: float
    ) -> None:
        if caller.merchant_id is None or caller.mode is None:
            return
        fields = {
            "at": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "method": method,
            "path": path,
            "status": str(status),
            "requestId": request_id,
            "durationMs": f"{seconds * 1000:.1f}",
            "credential": caller.key_id or caller.user_id or "",
        }
        self._buffer.append(LoggedRequest(caller.merchant_id, caller.mode, fields))

    def start(self) -> None:
        self._writer = asyncio.create_task(self._write_forever(), name="request-log")

    async def stop(self) -> None:
        if self._writer is not None:
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer
        await self.flush()

    async def _write_forever(self) -> None:
        while True:
            await asyncio.sleep(_FLUSH_SECONDS)
            await self.flush()

    async def flush(self) -> None:
        if not self._buffer:
            return
        pipe = self._redis.pipeline(transaction=False)
        while self._buffer:
            entry = self._buffer.popleft()
            pipe.xadd(
                log_key(entry.merchant_id, entry.mode),
                entry.fields,  # type: ignore[arg-type]
                maxlen=KEPT_PER_MERCHANT,
                approximate=True,
            )
        try:
            await pipe.execute()
        except RedisError as error:
            logger.warning("request log entries lost: %s", error)

    async def recent(
        self, merchant_id: str, mode: str, *, after: str | None, before: str | None, limit: int
    ) -> tuple[list[dict[str, Any]], bool]:
        """Up to `limit` requests, newest first, between the entry ids `after` and `before`
        (both excluded, each optional); and whether more of them are kept."""
        newest: Any = await self._redis.xrevrange(
            log_key(merchant_id, mode),
            max=f"({before}" if before else "+",
            min=f"({after}" if after else "-",
            count=limit + 1,
        )
        page = [_entry(entry_id, fields) for entry_id, fields in newest[:limit]]
        return page, len(newest) > limit


def _entry(entry_id: Any, fields: dict[Any, Any]) -> dict[str, Any]:
    text = {_text(k): _text(v) for k, v in fields.items()}
    return {
        "id": _text(entry_id),
        "at": text["at"],
        "method": text["method"],
        "path": text["path"],
        "status": int(text["status"]),
        "requestId": text["requestId"],
        "durationMs": float(text["durationMs"]),
    }


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def valid_entry_id(value: str) -> bool:
    millis, dash, seq = value.partition("-")
    return millis.isdigit() and (not dash or seq.isdigit())
