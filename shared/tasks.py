"""Stopping a service's background tasks."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Iterable

logger = logging.getLogger("expe.tasks")

STOP_SECONDS = 10.0


async def cancel_and_wait(
    tasks: Iterable[asyncio.Task[None]], within: float = STOP_SECONDS
) -> None:
    """Cancels the tasks and waits until they have ended, for up to `within` seconds.

    A cancellation can be lost: one that lands inside a driver's own call may be swallowed there
    (PyMongo's async client does so now and then: the call returns as if uncancelled), and the
    task's loop goes on. So a task still running is cancelled again every 0.2 s; past the
    deadline the tasks left are logged and abandoned rather than hold up the shutdown."""
    pending = {task for task in tasks if not task.done()}
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while pending:
        for task in pending:
            task.cancel()
        left = deadline - loop.time()
        if left <= 0:
            logger.error(
                "tasks did not stop", extra={"tasks": sorted(t.get_name() for t in pending)}
            )
            return
        _, pending = await asyncio.wait(pending, timeout=min(0.2, left))


async def finish_despite_cancel(closing: Awaitable[None]) -> None:
    """Awaits `closing` (a client's `stop()`, say) to its end even when the task doing so is
    cancelled meanwhile, as `cancel_and_wait` does again and again, then lets the cancellation
    through: a broker client stopped half way leaves its own tasks running into a closed loop."""
    closing_task = asyncio.ensure_future(closing)
    cancelled = False
    while not closing_task.done():
        try:
            await asyncio.shield(closing_task)
        except asyncio.CancelledError:
            cancelled = True
        except Exception:  # the client failed to close cleanly: nothing more to do about it
            break
    if cancelled:
        raise asyncio.CancelledError
