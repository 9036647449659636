"""Webhook endpoints, the messages and attempts sent to them, and the events they carry."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from expe.models._base import ExpeModel


class HandshakeFailure(ExpeModel):
    """Why the last challenge was not echoed: `code` is timeout, connection_error, dns_error,
    address_not_allowed, http_status or challenge_mismatch (a 2xx without the challenge)."""

    code: str
    message: str
    response_status: int | None = None
    response_body: str | None = None


class Handshake(ExpeModel):
    """Where an endpoint's verification stands: `status` is pending or verified."""

    status: str
    challenged_at: datetime | None = None
    verified_at: datetime | None = None
    # The last challenge's attempt, with the request sent and the answer received.
    attempt_id: str | None = None
    failure: HandshakeFailure | None = None


class WebhookEndpoint(ExpeModel):
    id: str
    url: str
    mode: str
    project_id: str | None = None
    description: str | None = None
    enabled_events: list[str]
    enabled: bool
    disabled_reason: str | None = None
    disabled_at: datetime | None = None
    # Since when every attempt failed; None while the endpoint answers.
    failing_since: datetime | None = None
    # "challenge" when the endpoint must echo a signed challenge before it gets events.
    verification: str = "none"
    handshake: Handshake | None = None
    # enabled; pending_verification until the challenge is echoed; disabled otherwise.
    status: str
    created_at: datetime
    updated_at: datetime | None = None


class WebhookEndpointWithSecret(WebhookEndpoint):
    """A new endpoint: its signing `secret` is in this answer only."""

    secret: str


class RotatedSecret(ExpeModel):
    endpoint_id: str
    secret: str
    previous_secret_expires_at: datetime


class WebhookMessage(ExpeModel):
    """One event on its way to one endpoint; `id` is the `webhook-id` the receiver sees."""

    id: str
    endpoint_id: str
    event_id: str
    event_type: str
    payment_id: str | None = None
    trigger: str
    status: str
    attempt_count: int = 0
    next_attempt_at: datetime | None = None
    delivered_at: datetime | None = None
    reason: str | None = None
    created_at: datetime


class AttemptError(ExpeModel):
    code: str
    message: str | None = None


class WebhookAttempt(ExpeModel):
    """One delivery attempt: `trigger` is automatic, manual, test, ping or verification."""

    id: str
    message_id: str | None = None
    endpoint_id: str
    event_id: str | None = None
    event_type: str
    payment_id: str | None = None
    trigger: str
    status: str
    url: str
    response_status: int | None = None
    latency_ms: float | None = None
    error: AttemptError | None = None
    started_at: datetime
    finished_at: datetime | None = None
    # Only when the attempt is retrieved on its own: what was sent and what came back.
    request: dict[str, Any] | None = None
    response: dict[str, Any] | None = None


class MessageWithAttempts(WebhookMessage):
    attempts: list[WebhookAttempt]


class PaymentWebhooks(ExpeModel):
    payment_id: str
    data: list[MessageWithAttempts]


class PingResult(ExpeModel):
    endpoint_id: str
    ok: bool
    status: int | None = None
    latency_ms: float
    error: AttemptError | None = None
    attempt_id: str


class ReplayResult(ExpeModel):
    endpoint_id: str
    queued: int


class VerifyResult(ExpeModel):
    """The server's verdict on a signature; `reason` says why it is not valid."""

    valid: bool
    reason: str | None = None
    message: str


class Event(ExpeModel):
    """What a webhook delivers: `type` such as payment.completed, with the event's `data`."""

    id: str
    type: str
    timestamp: datetime
    merchant_id: str | None = None
    mode: str
    data: dict[str, Any]
