"""A real uvicorn server in a background thread: the bench's webhook receiver, and the tests'
in-process services and receivers."""

from __future__ import annotations

import asyncio
import contextlib
import io
import random
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import uvicorn
from starlette.types import ASGIApp

from devstack.waiting import wait_until

# Where free_port looks: below Linux's default ephemeral range (32768 to 60999) and above the ports
# of the local profiles. A port the kernel could hand to an outgoing connection may be taken by
# one while its server restarts, and the server then fails to bind it again.
_SERVER_PORTS = range(30000, 32768)


def free_port() -> int:
    """A loopback port nothing listens on, outside the ephemeral range where it can be."""
    ephemeral = _ephemeral_ports()
    candidates = [port for port in _SERVER_PORTS if port not in ephemeral]
    random.shuffle(candidates)
    for port in candidates[:200]:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket() as probe:  # every one taken, or the machine's ephemeral range covers them
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _ephemeral_ports() -> range:
    try:
        low, high = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()
    except (OSError, ValueError):
        return range(32768, 61000)
    return range(int(low), int(high) + 1)


@contextlib.contextmanager
def serve_in_thread(app: ASGIApp, port: int | None = None, **config: Any) -> Iterator[str]:
    """Serves `app` (lifespan included) on `port` of loopback (a free one when None), with any
    further uvicorn settings (`ssl_certfile=...`); yields its base URL.

    The server runs on asyncio's own loop, not uvloop: libuv ends the whole process on an
    internal assertion, and this process (the test run, the bench) holds many loops in threads
    beside its main one. The served processes (`make run`, the e2e stack) keep uvloop. A server
    that has not stopped 15 s after the block is an error that says where its tasks wait."""
    port = port or free_port()
    options: dict[str, Any] = {"log_config": None, "lifespan": "on", **config}
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, **options))
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_until_complete, args=(server.serve(),), daemon=True)
    thread.start()
    wait_until(lambda: server.started, timeout=15, what=f"a server on port {port}")
    scheme = "https" if "ssl_certfile" in config else "http"
    try:
        yield f"{scheme}://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        if thread.is_alive():
            raise RuntimeError(
                f"the server on port {port} did not stop within 15 s; its tasks:\n"
                + _task_stacks(loop)
            )
        loop.close()


def _task_stacks(loop: asyncio.AbstractEventLoop) -> str:
    """Where each task of a loop still running in another thread waits (for a diagnosis)."""
    out = io.StringIO()
    for task in asyncio.all_tasks(loop):
        task.print_stack(limit=8, file=out)
    return out.getvalue()
