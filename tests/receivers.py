"""A merchant's webhook receiver for tests: records every request, answers as the test says."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.servers import serve_in_thread


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]
    body: bytes
    at: float

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]

    @property
    def event(self) -> dict[str, Any]:
        return dict(json.loads(self.body))


# What the receiver answers to request number n (from 1): a status, or (status, seconds to wait).
Answer = Callable[[int], int | tuple[int, float]]


@dataclass
class Receiver:
    url: str = ""
    answer: Answer = lambda _: 200
    received: list[Received] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def _handle(self, request: Request) -> Response:
        body = await request.body()
        with self._lock:
            self.received.append(Received(dict(request.headers), body, time.time()))
            n = len(self.received)
        answer = self.answer(n)
        status, delay = answer if isinstance(answer, tuple) else (answer, 0.0)
        if delay:
            await asyncio.sleep(delay)
        return Response(b'{"received":true}', status_code=status, media_type="application/json")

    def ids(self) -> list[str]:
        with self._lock:
            return [r.webhook_id for r in self.received]

    def events(self) -> list[Received]:
        with self._lock:
            return list(self.received)


@contextlib.contextmanager
def receiving(answer: Answer = lambda _: 200) -> Iterator[Receiver]:
    """A receiver at `{receiver.url}` (POST /hook) on a free loopback port."""
    receiver = Receiver(answer=answer)
    app = Starlette(routes=[Route("/hook", receiver._handle, methods=["POST"])])
    with serve_in_thread(app) as base:
        receiver.url = f"{base}/hook"
        yield receiver
