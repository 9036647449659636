"""Waiting for a condition instead of sleeping for a guess."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


class ConditionTimeout(AssertionError):
    pass


def wait_until(
    probe: Callable[[], T], *, timeout: float = 30.0, interval: float = 0.1, what: str = ""
) -> T:
    """Calls `probe` until it returns something truthy; returns that value."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            value = probe()
        except Exception as error:  # the condition may raise while it is not yet true
            last_error = error
        else:
            if value:
                return value
        time.sleep(interval)
    raise ConditionTimeout(
        f"timed out after {timeout}s waiting for {what or probe}: {last_error!r}"
    )


async def eventually(
    probe: Callable[[], Awaitable[T]],
    *,
    timeout: float = 30.0,
    interval: float = 0.1,
    what: str = "",
) -> T:
    """The async form of `wait_until`."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            value = await probe()
        except Exception as error:
            last_error = error
        else:
            if value:
                return value
        await asyncio.sleep(interval)
    raise ConditionTimeout(
        f"timed out after {timeout}s waiting for {what or probe}: {last_error!r}"
    )
