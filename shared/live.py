"""Live updates: what the dashboard and the checkout hear about payments as they happen.

Each merchant and mode has one Redis stream, an entry per event. Whichever process appends an
entry, every gateway replica reads the streams of the sockets it holds, so the event reaches all
of them; and a client that reconnects asks for what came after the last entry id it saw. The
feed is a courtesy on top of the API, never the record: a page that missed something (Redis
down, a stream trimmed past its last id) is told to read the API again.
"""

from __future__ import annotations

import logging
from typing import Any

import orjson
from redis.asyncio import Redis
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Entries kept per merchant and mode: what a client away for a while can still resume from.
STREAM_LENGTH = 10_000
# Kafka delivers at least once; an event id is appended once within this time.
_SEEN_SECONDS = 24 * 3600


def stream_key(merchant_id: str, mode: str) -> str:
    return f"expe:live:{merchant_id}:{mode}"


async def publish(
    redis: Redis, *, merchant_id: str, mode: str, event: str, event_id: str, data: dict[str, Any]
) -> None:
    """Appends the event to its merchant's stream, once per event id; a failure is logged, not
    raised, since nothing but the live view depends on it."""
    try:
        if not await redis.set(f"expe:live:seen:{event_id}", 1, nx=True, ex=_SEEN_SECONDS):
            return
        entry: dict[Any, Any] = {"event": event, "eventId": event_id, "data": orjson.dumps(data)}
        await redis.xadd(
            stream_key(merchant_id, mode), entry, maxlen=STREAM_LENGTH, approximate=True
        )
    except RedisError as error:
        logger.warning(
            "live update not published", extra={"eventId": event_id, "error": repr(error)}
        )


def message_of(entry_id: str, fields: dict[str, str]) -> dict[str, Any]:
    """The socket's message for one stream entry; its `id` is what a client resumes after."""
    return {
        "type": "event",
        "id": entry_id,
        "eventId": fields.get("eventId"),
        "event": fields.get("event"),
        "data": orjson.loads(fields.get("data", "{}")),
    }
