"""Graceful shutdown on SIGTERM (a deploy, a scale-in, `make stop`): no request is lost.

1. At once, `/readyz` answers 503 `draining`, so the load balancer stops sending new requests;
   requests still arriving are served as usual for `drain_seconds` (the time a load balancer
   takes to notice: Kubernetes removes the pod from its endpoints a few seconds after).
2. The requests in flight then get up to `grace_seconds` to finish.
3. Only then is uvicorn told to stop: it closes the listener, and the lifespan's shutdown stops
   the event consumers after their batch is handled and committed, and the outbox relay after
   the batch it is sending, before it closes the clients.

A second SIGTERM stops at once. Where no signal can be caught (a server in a thread, in tests)
this does nothing and uvicorn's own handling applies.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from types import FrameType
from typing import Any

from prometheus_client import REGISTRY

from shared.settings import ShutdownSettings

logger = logging.getLogger("expe.shutdown")


def requests_in_flight() -> int:
    """What this process is serving now (shared/metrics.py counts them; probes excluded)."""
    return int(REGISTRY.get_sample_value("expe_http_requests_in_flight") or 0)


class GracefulShutdown:
    def __init__(self, settings: ShutdownSettings) -> None:
        self._settings = settings
        self.draining = False
        self._stop_server: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._drain: asyncio.Task[None] | None = None

    def install(self) -> None:
        """Takes SIGTERM over from the server (uvicorn), which it hands it on to once drained.
        Called in the lifespan's startup, when the server's own handler is in place."""
        if threading.current_thread() is not threading.main_thread():
            return
        self._loop = asyncio.get_running_loop()
        self._stop_server = signal.getsignal(signal.SIGTERM)
        signal.signal(signal.SIGTERM, self._on_sigterm)

    def uninstall(self) -> None:
        """Gives SIGTERM back to the server's handler (the lifespan's shutdown)."""
        if self._loop is not None and self._stop_server is not None:
            signal.signal(signal.SIGTERM, self._stop_server)
        self._loop = None

    def _on_sigterm(self, signum: int, frame: FrameType | None) -> None:
        if self.draining:
            self._hand_over(signum, frame)  # asked twice: stop now
            return
        self.draining = True
        logger.info(
            "draining before stopping",
            extra={
                "drainSeconds": self._settings.drain_seconds,
                "graceSeconds": self._settings.grace_seconds,
                "inFlight": requests_in_flight(),
            },
        )
        assert self._loop is not None
        self._loop.call_soon_threadsafe(self._start_drain, signum, frame)

    def _start_drain(self, signum: int, frame: FrameType | None) -> None:
        self._drain = asyncio.create_task(self._drain_then_stop(signum, frame), name="drain")

    async def _drain_then_stop(self, signum: int, frame: FrameType | None) -> None:
        await asyncio.sleep(self._settings.drain_seconds)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._settings.grace_seconds
        while requests_in_flight() > 0 and loop.time() < deadline:
            await asyncio.sleep(0.05)
        if left := requests_in_flight():
            logger.warning("stopping with requests still in flight", extra={"inFlight": left})
        self._hand_over(signum, frame)

    def _hand_over(self, signum: int, frame: FrameType | None) -> None:
        if callable(self._stop_server):
            self._stop_server(signum, frame)
        else:
            raise SystemExit(128 + signum)
