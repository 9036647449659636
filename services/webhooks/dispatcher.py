"""The dispatcher: sends due messages, records every attempt, schedules retries.

Each replica looks for due queue entries, claims an attempt by inserting its derived id (one
replica wins), sends it, records the answer, then moves the message on: delivered, retried
later (the schedule, stretched by Retry-After), or dead after the last attempt. A replica that
dies mid-attempt leaves the claim "sending"; once that is older than an attempt can last, the
next dispatcher records it as interrupted and sends the message again at once. Receivers
deduplicate by `webhook-id`, as the Standard Webhooks scheme asks.

Per endpoint at most `endpoint_concurrency` attempts run at once; entries of an endpoint at its
limit are skipped, not waited for, so a slow receiver cannot hold up anybody else's.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import functools
import logging
import random
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode
from pymongo.errors import PyMongoError
from redis.asyncio import Redis

from services.webhooks.delivery import Outcome, Sender
from services.webhooks.endpoints import PENDING_VERIFICATION, EndpointService, refuse_unverified
from services.webhooks.errors import (
    AttemptNotRetryable,
    EndpointDisabled,
    EndpointNotFound,
)
from services.webhooks.events import PING, VERIFICATION, endpoint_disabled, message_failed
from services.webhooks.metrics import (
    ATTEMPT_DURATION,
    ATTEMPTS,
    BACKLOG,
    DELIVERY_LATENCY,
    IN_FLIGHT,
    MESSAGES_FINISHED,
)
from services.webhooks.settings import WebhooksSettings
from services.webhooks.signing import signed_headers
from services.webhooks.store import WebhookStore
from shared.clock import now_ms
from shared.events.outbox import Outbox
from shared.ids import derived_id, new_id
from shared.live import LiveEvent, publish
from shared.mongo import Document
from shared.tasks import cancel_and_wait
from shared.tracing import context_of

logger = logging.getLogger("expe.webhooks.dispatcher")
_tracer = trace.get_tracer("expe.webhooks")

# How long past its timeout a "sending" claim is left alone before it counts as interrupted.
_CLAIM_GRACE_SECONDS = 5.0
_BACKLOG_EVERY_SECONDS = 5.0
_CANCEL_CLEANUP_SECONDS = 2.0


# Attempts sent on request and answered at once: no message behind them to retry or list.
_UNQUEUED_TRIGGERS = ("ping", "verification")


def attempt_id_of(message_id: str, seq: int) -> str:
    return derived_id("wa", message_id, str(seq))


class Dispatcher:
    def __init__(
        self,
        store: WebhookStore,
        endpoints: EndpointService,
        sender: Sender,
        outbox: Outbox,
        settings: WebhooksSettings,
        wake: asyncio.Event,
        clock: Callable[[], datetime] = now_ms,
        rng: Callable[[], float] = random.random,
        live: Redis | None = None,
    ) -> None:
        self._live = live
        self._store = store
        self._endpoints = endpoints
        self._sender = sender
        self._outbox = outbox
        self._settings = settings
        self._wake = wake
        self._clock = clock
        self._rng = rng
        self._in_flight: set[str] = set()
        self._per_endpoint: collections.Counter[str] = collections.Counter()
        self._tasks: set[asyncio.Task[None]] = set()

    async def run(self) -> None:
        """Dispatches until cancelled."""
        backlog_at = 0.0
        try:
            while True:
                try:
                    await self.dispatch_due()
                    if time.monotonic() - backlog_at > _BACKLOG_EVERY_SECONDS:
                        BACKLOG.set(await self._store.backlog())
                        backlog_at = time.monotonic()
                except PyMongoError as error:
                    logger.warning("dispatch paused", extra={"error": repr(error)})
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self._settings.poll_interval_seconds):
                        await self._wake.wait()
                self._wake.clear()
        finally:
            await cancel_and_wait(list(self._tasks))

    async def dispatch_due(self) -> int:
        """Starts an attempt for each due message there is room for; returns how many."""
        room = self._settings.max_in_flight - len(self._in_flight)
        if room <= 0:
            return 0
        entries = await self._store.due(self._clock(), room + len(self._in_flight) + 50)
        started = 0
        for entry in entries:
            endpoint_id = entry["endpointId"]
            if entry["_id"] in self._in_flight:
                continue
            if self._per_endpoint[endpoint_id] >= self._settings.endpoint_concurrency:
                continue
            if len(self._in_flight) >= self._settings.max_in_flight:
                break
            self._in_flight.add(entry["_id"])
            self._per_endpoint[endpoint_id] += 1
            task = asyncio.create_task(self._deliver_guarded(entry))
            self._tasks.add(task)
            task.add_done_callback(functools.partial(self._done, entry))
            started += 1
        IN_FLIGHT.set(len(self._in_flight))
        return started

    def _done(self, entry: Document, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        self._in_flight.discard(entry["_id"])
        self._per_endpoint[entry["endpointId"]] -= 1
        if self._per_endpoint[entry["endpointId"]] <= 0:
            del self._per_endpoint[entry["endpointId"]]
        IN_FLIGHT.set(len(self._in_flight))
        # A slot is free: the endpoint's next message need not wait for the poll.
        self._wake.set()

    async def _deliver_guarded(self, entry: Document) -> None:
        try:
            await self.deliver(entry)
        except PyMongoError as error:
            logger.warning(
                "delivery paused", extra={"messageId": entry["_id"], "error": repr(error)}
            )
        except Exception:
            logger.exception("delivery failed unexpectedly", extra={"messageId": entry["_id"]})

    async def deliver(self, entry: Document) -> None:
        """One scheduled attempt at the queued message `entry`."""
        message = await self._store.message(entry["_id"])
        if message is None or message["status"] != "pending":
            await self._store.dequeue(entry["_id"])
            return
        endpoint = await self._store.endpoint(message["endpointId"])
        if endpoint is None or not endpoint["enabled"]:
            reason = "endpoint_deleted" if endpoint is None else "endpoint_disabled"
            if endpoint is not None and endpoint.get("disabledReason") == PENDING_VERIFICATION:
                reason = "endpoint_not_verified"
            await self._finish(message, "canceled", reason, {})
            return
        now = self._clock()
        attempt_id = attempt_id_of(message["_id"], entry["seq"])
        # A test event's attempts say so, even those its schedule makes.
        trigger = "test" if message.get("trigger") == "test" else "automatic"
        claim = self._attempt(attempt_id, endpoint, message, trigger, entry["seq"], now)
        if await self._store.claim_attempt(claim):
            try:
                recorded = await self._send(endpoint, message, attempt_id)
            except asyncio.CancelledError:
                # A graceful stop (deploy, scale-in): hand the message on at once rather than
                # leave the claim for the next dispatcher to time out.
                with contextlib.suppress(Exception):
                    async with asyncio.timeout(_CANCEL_CLEANUP_SECONDS):
                        await self._interrupted(message, entry, attempt_id, self._clock())
                raise
            await self._advance(message, endpoint, entry, recorded)
            return
        existing = await self._store.attempt(attempt_id)
        if existing is None:
            return
        if (existing.get("error") or {}).get("code") == "interrupted":
            return  # another dispatcher found it interrupted and queued the message again
        if existing["status"] != "sending":
            # Its sender recorded the answer and died before moving the message on.
            await self._advance(message, endpoint, entry, existing)
            return
        limit = timedelta(seconds=self._settings.attempt_timeout_seconds + _CLAIM_GRACE_SECONDS)
        if existing["startedAt"] > now - limit:
            return  # another replica is sending it right now
        await self._interrupted(message, entry, attempt_id, now)

    async def _interrupted(
        self, message: Document, entry: Document, attempt_id: str, now: datetime
    ) -> None:
        """Records that the attempt's sender stopped before an answer, and sends again."""
        await self._store.finish_attempt(
            attempt_id,
            {
                "status": "failed",
                "finishedAt": now,
                "error": {
                    "code": "interrupted",
                    "message": "The sender stopped before the endpoint answered.",
                },
            },
        )
        ATTEMPTS.labels("interrupted").inc()
        # Our failure, not the endpoint's: send again at once without using up its schedule.
        await self._store.reschedule(
            message["_id"], {"dueAt": now, "seq": entry["seq"] + 1, "step": entry["step"]}
        )
        await self._store.update_message(message["_id"], {"seq": entry["seq"]})

    def _attempt(
        self,
        attempt_id: str,
        endpoint: Document,
        message: Document,
        trigger: str,
        seq: int | None,
        now: datetime,
    ) -> Document:
        return {
            "_id": attempt_id,
            # A ping or a challenge is no message: nothing to retry or list under one.
            "messageId": None if trigger in _UNQUEUED_TRIGGERS else message["_id"],
            "endpointId": endpoint["_id"],
            "merchantId": endpoint["merchantId"],
            "mode": endpoint["mode"],
            "eventId": message.get("eventId"),
            "eventType": message["eventType"],
            "paymentId": message.get("paymentId"),
            "trigger": trigger,
            "n": seq,
            "status": "sending",
            "url": endpoint["url"],
            "startedAt": now,
        }

    async def _send(
        self,
        endpoint: Document,
        message: Document,
        attempt_id: str,
        *,
        timeout: float | None = None,
        judge: Callable[[Outcome], Outcome] | None = None,
    ) -> Document:
        """Sends the message; returns what the attempt recorded (status, response, error...).
        `judge` may turn an answer into a failure (a challenge not echoed) before it is recorded."""
        body = message["body"].encode()
        secrets = self._endpoints.signing_secrets(endpoint)
        headers = signed_headers(secrets, message["_id"], body)
        with _tracer.start_as_current_span(
            f"deliver {message['eventType']}",
            context=context_of(message.get("traceparent")),
            kind=SpanKind.CLIENT,
            attributes={"expe.attempt_id": attempt_id, "expe.message_id": message["_id"]},
        ) as span:
            outcome = await self._sender.post(
                endpoint["url"], endpoint["mode"], headers, body, timeout=timeout
            )
            if judge is not None:
                outcome = judge(outcome)
            if outcome.status is not None:
                span.set_attribute("http.response.status_code", outcome.status)
            if not outcome.delivered:
                span.set_status(Status(StatusCode.ERROR, outcome.error_code or "http_status"))
        ATTEMPTS.labels(outcome.metric_outcome).inc()
        ATTEMPT_DURATION.labels(outcome.metric_outcome).observe(outcome.latency_ms / 1000)
        recorded = {**outcome.as_fields(), "finishedAt": self._clock()}
        await self._store.finish_attempt(attempt_id, recorded)
        if self._live is not None:
            # The dashboard's live view of deliveries (shared/live.py); the attempt is the record.
            event = LiveEvent(
                merchant_id=endpoint["merchantId"],
                mode=endpoint["mode"],
                event="webhook.attempt",
                event_id=attempt_id,
                data={
                    "attemptId": attempt_id,
                    "messageId": message["_id"],
                    "endpointId": endpoint["_id"],
                    "paymentId": message.get("paymentId"),
                    "eventType": message.get("eventType"),
                    "status": recorded["status"],
                    "responseStatus": recorded.get("responseStatus"),
                },
            )
            await publish(self._live, event)
        return recorded

    async def _advance(
        self, message: Document, endpoint: Document, entry: Document, result: Document
    ) -> None:
        """Moves the message on after the attempt `result` (an attempt's recorded fields)."""
        now = self._clock()
        done = {
            "attemptCount": message["attemptCount"] + 1,
            "seq": entry["seq"],
            "lastAttemptAt": now,
        }
        if result["status"] == "succeeded":
            await self._delivered(message, endpoint, done)
            return
        if result.get("responseStatus") == 410:
            await self._finish(message, "failed", "endpoint_gone", done)
            await self._disable(endpoint, "endpoint_gone")
            return
        await self._note_failure(endpoint, now)
        step = entry["step"] + 1
        if step >= len(self._settings.retry_schedule_seconds):
            error = (result.get("error") or {}).get("message")
            await self._finish(message, "failed", "attempts_exhausted", done)
            await self._outbox.add(
                message_failed({**message, **done}, endpoint, error), key=message["merchantId"]
            )
            return
        due = now + timedelta(seconds=self._delay(step, result.get("retryAfter")))
        await self._store.reschedule(
            message["_id"], {"dueAt": due, "seq": entry["seq"] + 1, "step": step}
        )
        await self._store.update_message(message["_id"], {**done, "nextAttemptAt": due})

    def _delay(self, step: int, retry_after: float | None) -> float:
        base = self._settings.retry_schedule_seconds[step]
        delay = base * (1 + self._settings.retry_jitter * (2 * self._rng() - 1))
        if retry_after is not None:
            delay = max(delay, min(retry_after, self._settings.max_retry_after_seconds))
        return delay

    async def _delivered(self, message: Document, endpoint: Document, done: Document) -> None:
        now = self._clock()
        await self._store.update_message(
            message["_id"],
            {**done, "status": "delivered", "deliveredAt": now, "nextAttemptAt": None},
        )
        await self._store.dequeue(message["_id"])
        MESSAGES_FINISHED.labels("delivered").inc()
        if message.get("trigger") == "event":
            DELIVERY_LATENCY.observe(max(0.0, (now - message["eventAt"]).total_seconds()))
        if endpoint.get("failingSince") is not None:
            await self._store.update_endpoint(endpoint["_id"], {"failingSince": None})

    async def _finish(self, message: Document, status: str, reason: str, done: Document) -> None:
        await self._store.update_message(
            message["_id"], {**done, "status": status, "reason": reason, "nextAttemptAt": None}
        )
        await self._store.dequeue(message["_id"])
        MESSAGES_FINISHED.labels("dead" if status == "failed" else status).inc()

    async def _note_failure(self, endpoint: Document, now: datetime) -> None:
        since = endpoint.get("failingSince")
        if since is None:
            await self._store.update_endpoint(endpoint["_id"], {"failingSince": now})
        elif (now - since).total_seconds() >= self._settings.disable_after_failing_seconds:
            await self._disable(endpoint, "failing", still={"failingSince": since})

    async def _disable(
        self, endpoint: Document, reason: str, still: Document | None = None
    ) -> None:
        """Disables the endpoint as this attempt found it. The endpoint may have changed while
        the attempt waited on the receiver: a merchant who turned it back on (a new updatedAt,
        failingSince cleared) must not see an attempt begun before that turn it off again."""
        if not endpoint["enabled"]:
            return
        now = self._clock()
        as_found = {"_id": endpoint["_id"], "enabled": True, "updatedAt": endpoint["updatedAt"]}
        if not await self._store.update_endpoint_if(
            {**as_found, **(still or {})},
            {"enabled": False, "disabledReason": reason, "disabledAt": now, "updatedAt": now},
        ):
            return
        logger.warning(
            "webhook endpoint disabled", extra={"endpointId": endpoint["_id"], "reason": reason}
        )
        await self._outbox.add(endpoint_disabled(endpoint, reason, now), key=endpoint["merchantId"])

    # Sent on request, not on the schedule.

    async def retry(self, attempt: Document) -> Document:
        """Sends the attempt's message again now (same webhook-id); returns the new attempt."""
        if attempt["messageId"] is None:
            if attempt["trigger"] == "verification":
                raise AttemptNotRetryable(
                    "A verification challenge is not retried; POST the endpoint's /verify to "
                    "send a new one."
                )
            raise AttemptNotRetryable("A ping is not retried; send another ping.")
        message = await self._store.message(attempt["messageId"])
        endpoint = await self._store.endpoint(attempt["endpointId"])
        if message is None or endpoint is None:
            raise EndpointNotFound(f"The endpoint of attempt {attempt['_id']} was deleted.")
        if not endpoint["enabled"]:
            refuse_unverified(endpoint)
            raise EndpointDisabled(
                f"Endpoint {endpoint['_id']} is disabled; enable it to retry its messages."
            )
        return await self._send_now(endpoint, message, "manual")

    async def ping(self, endpoint: Document, message_id: str, body: str) -> Document:
        """Sends a signed ping to the endpoint at once; returns the recorded attempt."""
        message = {"_id": message_id, "eventType": PING, "body": body}
        return await self._send_now(
            endpoint, message, "ping", timeout=self._settings.inline_timeout_seconds
        )

    async def challenge(
        self, endpoint: Document, message_id: str, body: str, judge: Callable[[Outcome], Outcome]
    ) -> Document:
        """Sends the signed verification challenge at once; returns the recorded attempt, which
        `judge` failed unless the answer echoed the challenge."""
        message = {"_id": message_id, "eventType": VERIFICATION, "body": body}
        return await self._send_now(
            endpoint,
            message,
            "verification",
            timeout=self._settings.inline_timeout_seconds,
            judge=judge,
        )

    async def _send_now(
        self,
        endpoint: Document,
        message: Document,
        trigger: str,
        *,
        timeout: float | None = None,
        judge: Callable[[Outcome], Outcome] | None = None,
    ) -> Document:
        now = self._clock()
        attempt_id = new_id("wa")
        attempt = self._attempt(attempt_id, endpoint, message, trigger, None, now)
        await self._store.claim_attempt(attempt)
        attempt.update(
            await self._send(endpoint, message, attempt_id, timeout=timeout, judge=judge)
        )
        if attempt["status"] == "succeeded" and message.get("status") not in (None, "delivered"):
            done: dict[str, Any] = {"attemptCount": message.get("attemptCount", 0) + 1}
            await self._delivered(message, endpoint, done)
        return attempt
