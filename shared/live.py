"""Live updates: what the dashboard and the checkout hear about payments as they happen.

Each merchant and mode has one Redis stream, an entry per event. Whichever process appends an
entry, every gateway replica reads the streams of the sockets it holds, so the event reaches all
of them; and a client that reconnects asks for what came after the last entry id it saw. The
feed is a courtesy on top of the API, never the record: a page that missed something (Redis
down, a stream trimmed past its last id) is told to read the API again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import orjson
from redis.asyncio import Redis
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Entries kept per merchant and mode: what a client away for a while can still resume from.
STREAM_LENGTH = 10_000
# Kafka delivers at least once; an event id is appended once within this time.
_SEEN_SECONDS = 24 * 3600

# One round trip per event: remember its id, and append it only if the id is new. Both keys of
# an event share a hash tag, so they live on one node of a Redis cluster.
_APPEND_ONCE = """
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[1]) then
  return redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*',
                    'event', ARGV[3], 'eventId', ARGV[4], 'data', ARGV[5])
end
return false
"""


@dataclass(frozen=True)
class LiveEvent:
    merchant_id: str
    mode: str
    event: str
    event_id: str
    data: dict[str, Any]


def stream_key(merchant_id: str, mode: str) -> str:
    return f"expe:live:{{{merchant_id}:{mode}}}"


async def publish(redis: Redis, event: LiveEvent) -> None:
    """Appends the event to its merchant's stream, once per event id, in one round trip. A
    failure is logged, not raised: nothing but the live view depends on it."""
    stream = stream_key(event.merchant_id, event.mode)
    try:
        await redis.eval(
            _APPEND_ONCE,
            2,
            f"{stream}:seen:{event.event_id}",
            stream,
            _SEEN_SECONDS,
            STREAM_LENGTH,
            event.event,
            event.event_id,
            orjson.dumps(event.data),
        )
    except RedisError as error:
        logger.warning(
            "live update not published", extra={"eventId": event.event_id, "error": repr(error)}
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
