"""Active merchants for the business dashboard: those with payment activity in the last day.

A count of distinct merchants is no counter Prometheus can sum, so it is read from the payment
buckets (store.py) once a minute. Every replica reads the same buckets: dashboards take the max.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from prometheus_client import Gauge
from pymongo.errors import PyMongoError

from services.analytics.store import PaymentBuckets
from shared.clock import now_ms

logger = logging.getLogger("expe.analytics")

ACTIVE_MERCHANTS = Gauge(
    "expe_active_merchants",
    "Merchants with a payment created, paid, failed or refunded in the last 24 hours",
    ["mode"],
)
ACTIVE_WINDOW = timedelta(days=1)
_EVERY_SECONDS = 60.0


async def count_active_merchants(
    buckets: PaymentBuckets, clock: Callable[[], datetime] = now_ms
) -> None:
    """Sets ACTIVE_MERCHANTS now and every minute, until cancelled."""
    while True:
        since = clock() - ACTIVE_WINDOW
        try:
            for mode in ("test", "live"):
                ACTIVE_MERCHANTS.labels(mode).set(await buckets.active_merchants(mode, since))
        except PyMongoError as error:  # the database is away: the last count stays
            logger.warning("active merchants not counted", extra={"error": repr(error)})
        await asyncio.sleep(_EVERY_SECONDS)
