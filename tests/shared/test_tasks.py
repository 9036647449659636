"""A service's background tasks stop at shutdown, even one that lost a cancellation."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import pytest

from shared.tasks import cancel_and_wait, finish_despite_cancel


async def test_a_task_that_lost_a_cancellation_is_cancelled_again_until_it_ends() -> None:
    cancellations: list[int] = []

    async def loop_losing_the_first_cancellation() -> None:
        while True:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                cancellations.append(1)
                if len(cancellations) > 1:
                    raise
                # the first one is swallowed, as a driver's call may swallow one

    task = asyncio.create_task(loop_losing_the_first_cancellation())
    await asyncio.sleep(0)
    await cancel_and_wait([task], within=5)
    assert task.cancelled()
    assert len(cancellations) == 2


async def test_a_task_that_never_ends_is_logged_and_left_at_the_deadline(
    caplog: pytest.LogCaptureFixture,
) -> None:
    holding = True

    async def stubborn() -> None:
        while True:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                if not holding:
                    raise

    task = asyncio.create_task(stubborn(), name="stubborn")
    await asyncio.sleep(0)
    with caplog.at_level(logging.ERROR, logger="expe.tasks"):
        await cancel_and_wait([task], within=0.5)
    assert not task.done()
    assert [r.tasks for r in caplog.records] == [["stubborn"]]  # type: ignore[attr-defined]
    holding = False
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def test_a_client_being_stopped_finishes_stopping_though_cancelled_again_and_again() -> None:
    stopped = asyncio.Event()

    async def slow_stop() -> None:
        await asyncio.sleep(0.5)
        stopped.set()

    async def closing() -> None:
        try:
            await asyncio.sleep(3600)
        finally:
            await finish_despite_cancel(slow_stop())

    task = asyncio.create_task(closing())
    await asyncio.sleep(0)
    await cancel_and_wait([task])  # cancels every 0.2 s
    assert stopped.is_set()
    assert task.cancelled()
