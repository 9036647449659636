"""Live updates over one WebSocket, `/api/v1/live`, fed from the Kafka events (shared/live.py).

The relay turns payment and refund events into entries of each merchant's stream; one replica
takes each event (one consumer group), and every replica reads the streams of the sockets it
holds, so a socket hears every event whichever replica relayed it.

A socket authenticates in its first message, never in the URL (which servers and proxies log):
`{"type": "auth", "accessToken", "merchantId", "mode"}` for a dashboard member, or
`{"type": "auth", "apiKey"}` with a secret key for a merchant's server or the `expe listen` CLI,
`{"type": "auth", "clientSecret", "paymentId"}` for one payment's checkout, each with an optional
`lastEventId` to resume after. The server answers `{"type": "ready"}`, or `{"type": "error"}` and
closes; then it sends `{"type": "event", "id", "eventId", "event", "data"}` entries, `{"type":
"reset"}` when the resumed-from entry is no longer kept (read the API again), and closes with
4401 when the access token expires (reconnect with a fresh one).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import RedisError
from starlette.websockets import WebSocket, WebSocketDisconnect

from gateway.clientip import client_ip
from gateway.credentials import Authenticator
from shared.errors import ExpeError, InvalidRequest, PermissionDenied, ResourceNotFound
from shared.events.consumer import EventConsumer
from shared.events.envelope import (
    PAYMENT_CANCELED,
    PAYMENT_COMPLETED,
    PAYMENT_CREATED,
    PAYMENT_FAILED,
    REFUND_ISSUED,
    EventEnvelope,
)
from shared.internal_http import InternalClient
from shared.live import LiveEvent, message_of, publish, stream_key
from shared.settings import KafkaSettings

logger = logging.getLogger(__name__)

LIVE_TOPICS = (PAYMENT_CREATED, PAYMENT_COMPLETED, PAYMENT_FAILED, PAYMENT_CANCELED, REFUND_ISSUED)
# Events older than this are history, not news: a new consumer group starts at the beginning of
# each topic and skips them.
_NEWS_SECONDS = 600
_AUTH_SECONDS = 10.0
# A key's socket is closed (4401) after this long, so a revoked key stops hearing within it; the
# client reconnects and the key is checked again.
_API_KEY_SOCKET_SECONDS = 3600
# How long one read of a stream waits for entries; the live Redis client's socket timeout is
# longer (gateway/app.py).
BLOCK_MS = 10_000
_BACKOFF_SECONDS = (0.5, 1, 2, 5)
# Close codes: the first message was not a valid hello; the credentials were refused.
CLOSE_BAD_HELLO = 4400
CLOSE_REFUSED = 4401


def live_relay(kafka: KafkaSettings, redis: Redis, group_id: str) -> EventConsumer:
    """Kafka events into the merchants' live streams, by the one event consumer of `shared`."""

    async def relay(event: EventEnvelope) -> None:
        if event.merchant_id is None:
            return
        if event.occurred_at < datetime.now(UTC) - timedelta(seconds=_NEWS_SECONDS):
            return  # history, not news
        mode = str(event.data.get("mode", "test"))
        await publish(redis, LiveEvent(event.merchant_id, mode, event.type, event.id, event.data))

    return EventConsumer(
        name="live-relay",
        topics=LIVE_TOPICS,
        handler=relay,
        db=None,
        settings=kafka,
        group_id=group_id,
        # An event published twice is appended once (shared/live.py).
        track_processed=False,
    )


@dataclass(frozen=True)
class LiveScope:
    """What one socket may hear: a merchant's stream in one mode, or one payment of it."""

    merchant_id: str
    mode: str
    payment_id: str | None = None
    # When the credential stops being good (seconds since 1970); None: for as long as it is open.
    expires: int | None = None

    def shows(self, message: dict[str, Any]) -> bool:
        return self.payment_id is None or message["data"].get("paymentId") == self.payment_id


class LiveAccess:
    """Decides, from a socket's first message, what it may hear."""

    def __init__(self, authenticator: Authenticator, payments: InternalClient) -> None:
        self._authenticator = authenticator
        self._payments = payments

    async def scope(self, hello: dict[str, Any], ip: str | None) -> LiveScope:
        if hello.get("type") != "auth":
            raise InvalidRequest('The first message must be {"type": "auth", …}.')
        token, secret = hello.get("accessToken"), hello.get("clientSecret")
        key = hello.get("apiKey")
        if isinstance(token, str) and token:
            return await self._member(token, ip, hello.get("merchantId"), hello.get("mode"))
        if isinstance(key, str) and key:
            return await self._server(key, ip)
        if isinstance(secret, str) and secret:
            return await self._checkout(secret, hello.get("paymentId"))
        raise InvalidRequest(
            "Send an accessToken (dashboard), an apiKey (server) or a clientSecret (checkout)."
        )

    async def _member(self, token: str, ip: str | None, merchant_id: Any, mode: Any) -> LiveScope:
        if not isinstance(merchant_id, str) or mode not in ("test", "live"):
            raise InvalidRequest("A dashboard socket names its merchantId and mode (test or live).")
        caller, expires = await self._authenticator.user(token, ip, merchant_id, mode)
        if caller.merchant_id != merchant_id:
            raise PermissionDenied(f"You are not a member of {merchant_id}.")
        return LiveScope(merchant_id, mode, expires=expires)

    async def _server(self, key: str, ip: str | None) -> LiveScope:
        caller = (await self._authenticator.api_key(key, ip)).caller
        if caller.key_type != "secret" or caller.merchant_id is None or caller.mode is None:
            raise PermissionDenied("Live updates need a secret key; publishable keys are public.")
        return LiveScope(
            caller.merchant_id, caller.mode, expires=int(time.time()) + _API_KEY_SOCKET_SECONDS
        )

    async def _checkout(self, secret: str, payment_id: Any) -> LiveScope:
        if not isinstance(payment_id, str):
            raise InvalidRequest("A checkout socket names its paymentId.")
        body = {"paymentId": payment_id, "clientSecret": secret}
        response = await self._payments.request("POST", "/internal/v1/checkout/open", json=body)
        if response.status_code != 200:
            raise ResourceNotFound(f"No payment {payment_id} opens with this client secret.")
        opened = response.json()
        return LiveScope(opened["merchantId"], opened["mode"], payment_id=payment_id)


async def serve_socket(
    websocket: WebSocket, access: LiveAccess, redis: Redis, trusted_proxies: tuple[str, ...]
) -> None:
    await websocket.accept()
    try:
        hello = await asyncio.wait_for(websocket.receive_json(), _AUTH_SECONDS)
        if not isinstance(hello, dict):
            raise InvalidRequest("The first message must be a JSON object.")
        scope = await access.scope(hello, client_ip(websocket, trusted_proxies))
    except (TimeoutError, ValueError, InvalidRequest) as error:
        await _refuse(websocket, CLOSE_BAD_HELLO, "invalid_hello", str(error) or "No hello sent.")
        return
    except WebSocketDisconnect:
        return
    except ExpeError as error:
        await _refuse(websocket, CLOSE_REFUSED, error.code, error.message)
        return
    key = stream_key(scope.merchant_id, scope.mode)
    try:
        position, reset = await _start(redis, key, hello.get("lastEventId"))
    except RedisError:
        await _refuse(websocket, 1011, "service_unavailable", "Live updates are unavailable.")
        return
    try:
        await websocket.send_json({"type": "ready"})
        if reset:
            await websocket.send_json({"type": "reset"})
    except WebSocketDisconnect:
        return  # gone before it heard it was ready
    sender = asyncio.create_task(_send_entries(websocket, redis, key, position, scope))
    try:
        # The client says nothing more; this only notices when it goes away.
        while True:
            await websocket.receive_text()
    except WebSocketDisconnect:
        pass
    finally:
        sender.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await sender


async def _start(redis: Redis, key: str, last_seen: Any) -> tuple[str, bool]:
    """Where to read from: after `last_seen` when the stream still holds what follows it, else
    after its newest entry (and the client is told to read the API again)."""
    newest = await redis.xrevrange(key, count=1)
    latest = str(newest[0][0]) if newest else "0-0"
    if not isinstance(last_seen, str) or not last_seen:
        return latest, False
    oldest = await redis.xrange(key, count=1)
    try:
        if oldest and _entry_order(last_seen) < _entry_order(str(oldest[0][0])):
            return latest, True  # trimmed past it
        if _entry_order(last_seen) > _entry_order(latest):
            return latest, True  # not an id of this stream
    except ValueError:
        return latest, True
    return last_seen, False


def _entry_order(entry_id: str) -> tuple[int, int]:
    millis, _, seq = entry_id.partition("-")
    return int(millis), int(seq or 0)


async def _send_entries(
    websocket: WebSocket, redis: Redis, key: str, position: str, scope: LiveScope
) -> None:
    attempt = 0
    while True:
        if scope.expires is not None and time.time() >= scope.expires:
            await _refuse(websocket, CLOSE_REFUSED, "token_expired", "Reconnect with a new token.")
            return
        try:
            read: Any = await redis.xread({key: position}, count=100, block=BLOCK_MS)
            attempt = 0
        except RedisError:
            await asyncio.sleep(_BACKOFF_SECONDS[min(attempt, len(_BACKOFF_SECONDS) - 1)])
            attempt += 1
            continue
        for _, entries in read:
            for entry_id, fields in entries:
                position = entry_id
                message = message_of(entry_id, fields)
                if scope.shows(message):
                    await websocket.send_json(message)


async def _refuse(websocket: WebSocket, code: int, error: str, message: str) -> None:
    with contextlib.suppress(Exception):
        await websocket.send_json({"type": "error", "code": error, "message": message})
        await websocket.close(code=code)
