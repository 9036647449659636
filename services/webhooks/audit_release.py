"""Adds to the outbox the audit events that a request which died after its write left pending in
an endpoint (services/webhooks/endpoints.py), and finishes the deletes it left half done.

An event pending for a minute is past any live request, which adds its own within moments. The
outbox add, the pull and the delete are idempotent, so every replica may run the loop.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from pymongo.errors import PyMongoError

from services.webhooks.endpoints import EndpointService
from shared.errors import ExpeError

logger = logging.getLogger("expe.webhooks.audit_release")

_EVERY_SECONDS = 30.0
_SETTLE = timedelta(minutes=1)


async def release_forever(endpoints: EndpointService) -> None:
    while True:
        try:
            await endpoints.release_pending(datetime.now(UTC) - _SETTLE)
        except (PyMongoError, ExpeError) as error:  # the store is away
            logger.warning("webhook audit release failed", extra={"error": repr(error)})
        except Exception:  # a bug: reported in full, and the next round still runs
            logger.exception("webhook audit release failed")
        await asyncio.sleep(_EVERY_SECONDS)
