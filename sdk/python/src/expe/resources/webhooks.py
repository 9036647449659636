"""Webhook endpoints, messages and attempts, and the server's signature checker."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Literal

from expe._calls import (
    Call,
    ModeT,
    PagedCall,
    Resource,
    as_model,
    as_nothing,
    endpoint,
    item_of,
    paged,
    wire,
)
from expe._response import ResponseInfo
from expe._transport import AsyncTransport, SyncTransport
from expe.models import (
    PingResult,
    ReplayResult,
    RotatedSecret,
    VerifyResult,
    WebhookAttempt,
    WebhookEndpoint,
    WebhookEndpointWithSecret,
    WebhookMessage,
)

_ENDPOINTS = "/api/v1/webhooks/endpoints"

# "challenge": the endpoint must echo a signed challenge before it is sent any event.
Verification = Literal["none", "challenge"]


class WebhookEndpoints(Resource[ModeT]):
    @endpoint
    def create(
        self,
        *,
        url: str,
        enabled_events: Sequence[str] | None = None,
        description: str | None = None,
        project_id: str | None = None,
        verification: Verification | None = None,
        secret: str | None = None,
        idempotency_key: str | None = None,
    ) -> Call[WebhookEndpointWithSecret]:
        """Registers an endpoint for the key's mode (events `["*"]` unless named); keep its
        `secret`: it is in this answer only. With `verification="challenge"` it is sent a
        signed challenge at once and stays `pending_verification` until it echoes one; pass a
        `secret` of your own (`expe.webhooks.generate_secret()`) for a receiver that checks
        signatures to pass it."""
        body = wire(
            {
                "url": url,
                "enabled_events": list(enabled_events) if enabled_events is not None else None,
                "description": description,
                "project_id": project_id,
                "verification": verification,
                "secret": secret,
            }
        )
        return Call(
            "POST",
            _ENDPOINTS,
            as_model(WebhookEndpointWithSecret),
            body=body,
            idempotency_key=idempotency_key,
        )

    @endpoint
    def retrieve(self, endpoint_id: str) -> Call[WebhookEndpoint]:
        """One endpoint (never its secret)."""
        return Call("GET", f"{_ENDPOINTS}/{endpoint_id}", as_model(WebhookEndpoint))

    @paged
    def list(
        self,
        *,
        project_id: str | None = None,
        page: int | None = None,
        limit: int | None = None,
    ) -> PagedCall[WebhookEndpoint]:
        """The endpoints in the key's mode, oldest first."""
        query = {"projectId": project_id, "page": page, "limit": limit}
        return PagedCall(_ENDPOINTS, item_of(WebhookEndpoint), query)

    @endpoint
    def update(
        self,
        endpoint_id: str,
        *,
        url: str | None = None,
        enabled_events: Sequence[str] | None = None,
        description: str | None = None,
        enabled: bool | None = None,
        verification: Verification | None = None,
    ) -> Call[WebhookEndpoint]:
        """Changes what is given; `enabled=True` turns a disabled endpoint back on, and
        `verification="challenge"` challenges it at once."""
        body = wire(
            {
                "url": url,
                "enabled_events": list(enabled_events) if enabled_events is not None else None,
                "description": description,
                "enabled": enabled,
                "verification": verification,
            }
        )
        return Call("PATCH", f"{_ENDPOINTS}/{endpoint_id}", as_model(WebhookEndpoint), body=body)

    @endpoint
    def delete(self, endpoint_id: str) -> Call[ResponseInfo]:
        """Deletes the endpoint; its messages still waiting are canceled."""
        return Call("DELETE", f"{_ENDPOINTS}/{endpoint_id}", as_nothing)

    @endpoint
    def challenge(
        self, endpoint_id: str, *, idempotency_key: str | None = None
    ) -> Call[WebhookEndpoint]:
        """Sends a pending endpoint a new signed challenge now; the answer says whether it
        echoed it (`status` enabled) or why not (`handshake.failure`)."""
        return Call(
            "POST",
            f"{_ENDPOINTS}/{endpoint_id}/verify",
            as_model(WebhookEndpoint),
            idempotency_key=idempotency_key,
        )

    @endpoint
    def rotate_secret(
        self,
        endpoint_id: str,
        *,
        grace_seconds: int | None = None,
        idempotency_key: str | None = None,
    ) -> Call[RotatedSecret]:
        """A new secret; the old one keeps signing beside it for `grace_seconds` (24 h)."""
        return Call(
            "POST",
            f"{_ENDPOINTS}/{endpoint_id}/rotate-secret",
            as_model(RotatedSecret),
            body=wire({"grace_seconds": grace_seconds}),
            idempotency_key=idempotency_key,
        )

    @endpoint
    def send_test(
        self,
        endpoint_id: str,
        *,
        event_type: str | None = None,
        idempotency_key: str | None = None,
    ) -> Call[WebhookMessage]:
        """Queues a sample event (`data.test` true), delivered and retried like a real one."""
        return Call(
            "POST",
            f"{_ENDPOINTS}/{endpoint_id}/test",
            as_model(WebhookMessage),
            body=wire({"event_type": event_type}),
            idempotency_key=idempotency_key,
        )

    @endpoint
    def ping(self, endpoint_id: str, *, idempotency_key: str | None = None) -> Call[PingResult]:
        """Sends a signed `webhook.ping` now and reports the answer and its latency."""
        return Call(
            "POST",
            f"{_ENDPOINTS}/{endpoint_id}/ping",
            as_model(PingResult),
            idempotency_key=idempotency_key,
        )

    @endpoint
    def replay(
        self,
        endpoint_id: str,
        *,
        since: datetime | str,
        until: datetime | str | None = None,
        idempotency_key: str | None = None,
    ) -> Call[ReplayResult]:
        """Queues again every event since `since` (until `until`) the endpoint subscribes to."""
        return Call(
            "POST",
            f"{_ENDPOINTS}/{endpoint_id}/replay",
            as_model(ReplayResult),
            body=wire({"since": since, "until": until}),
            idempotency_key=idempotency_key,
        )


class WebhookMessages(Resource[ModeT]):
    @paged
    def list(
        self,
        *,
        endpoint_id: str | None = None,
        payment_id: str | None = None,
        status: Literal["pending", "delivered", "failed", "canceled"] | None = None,
        page: int | None = None,
        limit: int | None = None,
    ) -> PagedCall[WebhookMessage]:
        """Messages (one event for one endpoint), newest first."""
        query = {
            "endpointId": endpoint_id,
            "paymentId": payment_id,
            "status": status,
            "page": page,
            "limit": limit,
        }
        return PagedCall("/api/v1/webhooks/messages", item_of(WebhookMessage), query)


class WebhookAttempts(Resource[ModeT]):
    @paged
    def list(
        self,
        *,
        endpoint_id: str | None = None,
        message_id: str | None = None,
        payment_id: str | None = None,
        status: Literal["sending", "succeeded", "failed"] | None = None,
        page: int | None = None,
        limit: int | None = None,
    ) -> PagedCall[WebhookAttempt]:
        """Every delivery attempt, newest first."""
        query = {
            "endpointId": endpoint_id,
            "messageId": message_id,
            "paymentId": payment_id,
            "status": status,
            "page": page,
            "limit": limit,
        }
        return PagedCall("/api/v1/webhooks/attempts", item_of(WebhookAttempt), query)

    @endpoint
    def retrieve(self, attempt_id: str) -> Call[WebhookAttempt]:
        """One attempt with the request sent and the response received."""
        return Call("GET", f"/api/v1/webhooks/attempts/{attempt_id}", as_model(WebhookAttempt))

    @endpoint
    def retry(self, attempt_id: str, *, idempotency_key: str | None = None) -> Call[WebhookAttempt]:
        """Sends the attempt's message again now, with the same webhook-id."""
        return Call(
            "POST",
            f"/api/v1/webhooks/{attempt_id}/retry",
            as_model(WebhookAttempt),
            idempotency_key=idempotency_key,
        )


class Webhooks(Resource[ModeT]):
    def __init__(self, transport: SyncTransport | AsyncTransport) -> None:
        super().__init__(transport)
        self.endpoints: WebhookEndpoints[ModeT] = WebhookEndpoints(transport)
        self.messages: WebhookMessages[ModeT] = WebhookMessages(transport)
        self.attempts: WebhookAttempts[ModeT] = WebhookAttempts(transport)

    @endpoint
    def verify(
        self,
        *,
        body: str,
        headers: Mapping[str, str],
        secret: str,
        tolerance_seconds: int | None = None,
    ) -> Call[VerifyResult]:
        """Asks the API whether a received webhook's signature holds, and why not; to check
        deliveries in your server, use `expe.webhooks.verify`, which needs no request."""
        return Call(
            "POST",
            "/api/v1/webhooks/verify",
            as_model(VerifyResult),
            body=wire(
                {
                    "body": body,
                    "headers": dict(headers),
                    "secret": secret,
                    "tolerance_seconds": tolerance_seconds,
                }
            ),
        )
