"""Real local servers for the suite: an HTTP server that records what it receives and answers
as told (a webhook receiver, or a stand-in for the API), and a TCP relay that can cut the
connections going through it."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

T = TypeVar("T")


def wait_for(find: Callable[[], T | None], *, timeout: float = 20.0, what: str = "it") -> T:
    """Polls `find` until it returns something other than None."""
    deadline = time.monotonic() + timeout
    while True:
        found = find()
        if found is not None:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout} s for {what}")
        time.sleep(0.05)


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


Respond = Callable[[Received], Answer]


class LocalServer:
    """An HTTP server on 127.0.0.1 that keeps every request and answers with `respond`."""

    def __init__(self, respond: Respond) -> None:
        self.received: list[Received] = []
        self.released = threading.Event()  # set on stop: answers that wait on it give up
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                request = Received(
                    self.command,
                    self.path,
                    {name.lower(): value for name, value in self.headers.items()},
                    self.rfile.read(length),
                )
                server.received.append(request)
                answer = respond(request)
                with suppress(OSError):
                    self.send_response(answer.status)
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(answer.body)))
                    self.end_headers()
                    self.wfile.write(answer.body)

            do_GET = do_POST = do_PATCH = do_DELETE = _handle

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._http.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._http.server_port}"
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)

    def __enter__(self) -> LocalServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.released.set()
        self._http.shutdown()
        self._http.server_close()

    def wait_for(
        self, match: Callable[[Received], bool], *, timeout: float = 20.0, what: str = "a request"
    ) -> Received:
        return wait_for(
            lambda: next((r for r in list(self.received) if match(r)), None),
            timeout=timeout,
            what=what,
        )


def scripted(*answers: Answer) -> Respond:
    """Answers in this order, the last one again and again."""
    remaining = list(answers)

    def respond(_: Received) -> Answer:
        return remaining.pop(0) if len(remaining) > 1 else remaining[0]

    return respond


class Relay:
    """A TCP relay to `upstream` (host, port): `cut()` closes every connection through it, and
    while `refusing` new ones are closed at once, as a network that went away."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self._upstream = upstream
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self.refusing = False
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self.refusing:
                client.close()
                continue
            try:
                server = socket.create_connection(self._upstream)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._open += [client, server]
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        with suppress(OSError):
            while chunk := source.recv(65536):
                target.sendall(chunk)
        for end in (source, target):
            with suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        with self._lock:
            cut, self._open = self._open, []
        for end in cut:
            with suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()

    @contextmanager
    def running(self) -> Iterator[Relay]:
        threading.Thread(target=self._accept, daemon=True).start()
        try:
            yield self
        finally:
            self._listener.close()
            self.cut()
