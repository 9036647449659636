"""The renewal scheduler: runs the steps of real-clock subscriptions as they fall due.

One replica runs it per interval (a slot lease); that keeps the work from being done by all of
them at once, but nothing relies on it: every step is made once by billing's own claims, so two
schedulers, or one restarted mid-step, still charge each period once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from pymongo.errors import PyMongoError

from services.subscriptions.billing import Billing
from services.subscriptions.store import SubscriptionStore
from shared.clock import now_ms
from shared.errors import ExpeError

logger = logging.getLogger("expe.subscriptions.scheduler")

# Subscriptions settled per run; more wait for the next (they are the longest waiting first).
_BATCH = 100


class Scheduler:
    def __init__(
        self,
        store: SubscriptionStore,
        billing: Billing,
        clock: Callable[[], datetime] = now_ms,
    ) -> None:
        self._store = store
        self._billing = billing
        self._clock = clock

    async def run(self, interval: float) -> None:
        """Settles what is due every `interval` seconds; of several replicas, one does."""
        await self._store.schedule_lease(interval).run_each_slot(self.run_due)

    async def run_due(self) -> int:
        """Settles the subscriptions due now; how many it looked at."""
        now = self._clock()
        due = await self._store.due(now, _BATCH)
        for subscription in due:
            try:
                await self._billing.settle(subscription, now)
            except (PyMongoError, ExpeError) as error:  # the store or payments away: next run
                logger.warning(
                    "subscription not settled",
                    extra={"subscription": subscription["_id"], "error": repr(error)},
                )
            except Exception:  # a bug: reported in full, and the others still run
                logger.exception(
                    "subscription not settled", extra={"subscription": subscription["_id"]}
                )
        return len(due)
