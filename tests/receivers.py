"""A merchant's webhook receiver for tests: a real HTTP server whose answers each test scripts
and whose requests (headers and raw body) it reads."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from devstack.serving import serve_in_thread
from devstack.waiting import wait_until


@dataclass(frozen=True)
class Answer:
    """What a receiver answers to one request (after `delay` seconds). With `echo`, a
    verification challenge is answered with its `data.challenge`, as JSON or as plain text."""

    status: int = 200
    body: str = "ok"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    echo: Literal["json", "text"] | None = None

    def body_for(self, request_body: bytes) -> str:
        challenge = json.loads(request_body).get("data", {}).get("challenge")
        if self.echo is None or challenge is None:
            return self.body
        return json.dumps({"challenge": challenge}) if self.echo == "json" else str(challenge)


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]

    @property
    def event(self) -> dict[str, Any]:
        return dict(json.loads(self.body))


class Receiver:
    """A merchant's webhook receiver: answers as `script` says, then `default`; records every
    request (headers and raw body) as it arrives."""

    def __init__(self, *script: Answer | int, default: Answer | int = 200) -> None:
        self._script = [self._answer(a) for a in script]
        self.default = self._answer(default)
        self._lock = threading.Lock()
        self._requests: list[Received] = []
        self.app = Starlette(routes=[Route("/{path:path}", self._handle, methods=["POST"])])
        self.url = ""

    @staticmethod
    def _answer(answer: Answer | int) -> Answer:
        return answer if isinstance(answer, Answer) else Answer(answer)

    def answer_with(self, *script: Answer | int, default: Answer | int | None = None) -> None:
        with self._lock:
            self._script = [self._answer(a) for a in script]
            if default is not None:
                self.default = self._answer(default)

    async def _handle(self, request: Request) -> Response:
        body = await request.body()
        received = Received(request.url.path, dict(request.headers.items()), body, time.monotonic())
        with self._lock:
            self._requests.append(received)
            answer = self._script.pop(0) if self._script else self.default
        if answer.delay:
            await asyncio.sleep(answer.delay)
        return Response(answer.body_for(body), status_code=answer.status, headers=answer.headers)

    @property
    def requests(self) -> list[Received]:
        with self._lock:
            return list(self._requests)

    def ids(self) -> list[str]:
        """The webhook-id of every request, in arrival order."""
        return [r.webhook_id for r in self.requests]

    def of(self, webhook_id: str) -> list[Received]:
        return [r for r in self.requests if r.headers.get("webhook-id") == webhook_id]

    def wait_for(self, count: int, *, timeout: float = 15) -> list[Received]:
        """The first `count` requests, once they have arrived."""
        wait_until(lambda: len(self.requests) >= count, timeout=timeout, what=f"{count} requests")
        return self.requests[:count]


@contextlib.contextmanager
def receiving(receiver: Receiver, port: int | None = None) -> Iterator[Receiver]:
    """Serves `receiver` on `port` (a free one when None); its `url` is set while it runs."""
    with serve_in_thread(receiver.app, port) as url:
        receiver.url = f"{url}/hooks"
        yield receiver
