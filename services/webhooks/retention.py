"""Old events, finished messages and attempts are deleted after the retention period.

The local store has no TTL indexes, so a loop does it, here and on MongoDB alike. The deletes are by
date and idempotent, so every replica may run them; messages still pending are never deleted.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from pymongo.errors import PyMongoError

from services.webhooks.store import WebhookStore

logger = logging.getLogger("expe.webhooks.retention")

_EVERY_SECONDS = 3600.0


async def purge_forever(store: WebhookStore, retention_days: int) -> None:
    while True:
        try:
            await store.purge(datetime.now(UTC) - timedelta(days=retention_days))
        except PyMongoError as error:
            logger.warning("webhook purge failed", extra={"error": repr(error)})
        await asyncio.sleep(_EVERY_SECONDS)
