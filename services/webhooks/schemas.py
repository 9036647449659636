"""The webhooks API's request and response bodies (camelCase on the wire)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import ConfigDict, Field, computed_field, field_validator, model_validator

from services.webhooks.addresses import MAX_URL_LENGTH
from services.webhooks.signing import MalformedSecret, secret_bytes
from shared.schemas import Input, Instant, Schema


class _Input(Input):
    # snake_case field names are accepted too, as this API always has.
    model_config = ConfigDict(populate_by_name=True)


EventFilter = list[str]
# A secret the merchant brings: as strong as the ones made here (24 bytes), and not unbounded.
MIN_SECRET_BYTES, MAX_SECRET_BYTES = 24, 64
# "challenge": a signed challenge must be echoed before the endpoint gets anything (the handshake).
Verification = Literal["none", "challenge"]


class EndpointCreate(_Input):
    url: str = Field(max_length=MAX_URL_LENGTH)
    # Event types to receive: exact types, a family (`payment.*`) or everything (`*`).
    enabled_events: EventFilter = Field(default_factory=lambda: ["*"], min_length=1, max_length=50)
    description: str | None = Field(None, max_length=500)
    # The project the endpoint belongs to; an API key's own project when left out.
    project_id: str | None = Field(None, max_length=64)
    verification: Verification = "none"
    # The merchant's own signing secret, so that a receiver can be configured with it before the
    # endpoint exists (and pass the handshake that is sent while it is created). Made when absent.
    secret: str | None = Field(None, max_length=200)

    @field_validator("secret")
    @classmethod
    def _a_strong_secret(cls, secret: str | None) -> str | None:
        if secret is None:
            return None
        try:
            size = len(secret_bytes(secret)) if secret.startswith("whsec_") else 0
        except MalformedSecret:
            size = 0
        if not MIN_SECRET_BYTES <= size <= MAX_SECRET_BYTES:
            raise ValueError(
                f"a secret is `whsec_` followed by base64 of {MIN_SECRET_BYTES} to "
                f"{MAX_SECRET_BYTES} random bytes"
            )
        return secret


class EndpointUpdate(_Input):
    url: str | None = Field(None, max_length=MAX_URL_LENGTH)
    enabled_events: EventFilter | None = Field(None, min_length=1, max_length=50)
    description: str | None = Field(None, max_length=500)
    enabled: bool | None = None
    verification: Verification | None = None

    @model_validator(mode="after")
    def _something_to_change(self) -> EndpointUpdate:
        if not self.model_fields_set:
            raise ValueError(
                "name at least one of url, enabledEvents, description, enabled, verification"
            )
        return self


class HandshakeFailure(Schema):
    """Why the last challenge was not echoed."""

    # timeout, connection_error, dns_error, address_not_allowed, http_status or
    # challenge_mismatch (a 2xx answer without the challenge).
    code: str
    message: str
    response_status: int | None = None
    # The start of what the endpoint answered (the attempt keeps more).
    response_body: str | None = None


class Handshake(Schema):
    """Where the endpoint's verification stands."""

    status: Literal["pending", "verified"]
    challenged_at: Instant | None = None
    verified_at: Instant | None = None
    # The last challenge's attempt, with the request sent and the answer received.
    attempt_id: str | None = None
    failure: HandshakeFailure | None = None


EndpointStatus = Literal["enabled", "disabled", "pending_verification"]


class Endpoint(Schema):
    id: str
    url: str
    mode: str
    project_id: str | None = None
    description: str | None = None
    enabled_events: list[str]
    enabled: bool
    disabled_reason: str | None = None
    disabled_at: Instant | None = None
    # Since when every attempt failed (None while the endpoint answers).
    failing_since: Instant | None = None
    verification: Verification = "none"
    handshake: Handshake | None = None
    created_at: Instant
    updated_at: Instant

    @computed_field  # type: ignore[prop-decorator]
    @property
    def status(self) -> EndpointStatus:
        """enabled; pending_verification until the challenge is echoed; disabled otherwise."""
        if self.enabled:
            return "enabled"
        waiting = self.disabled_reason == "pending_verification"
        return "pending_verification" if waiting else "disabled"


class EndpointCreated(Endpoint):
    # Shown once; keep it to verify signatures.
    secret: str


class SecretRotate(_Input):
    # How long the previous secret keeps signing next to the new one.
    grace_seconds: int | None = Field(None, ge=0, le=7 * 24 * 3600)


class SecretRotated(Schema):
    endpoint_id: str
    secret: str
    previous_secret_expires_at: Instant


class TestEventCreate(_Input):
    event_type: str = "payment.completed"


class ReplayRequest(_Input):
    since: datetime
    until: datetime | None = None


class ReplayResult(Schema):
    endpoint_id: str
    queued: int


class Message(Schema):
    """One event on its way to one endpoint; `id` is the `webhook-id` the receiver sees."""

    id: str
    endpoint_id: str
    event_id: str
    event_type: str
    payment_id: str | None = None
    trigger: str
    status: Literal["pending", "delivered", "failed", "canceled"]
    attempt_count: int = 0
    next_attempt_at: Instant | None = None
    delivered_at: Instant | None = None
    reason: str | None = None
    created_at: Instant


class AttemptError(Schema):
    code: str
    message: str | None = None


class Attempt(Schema):
    id: str
    message_id: str | None = None
    endpoint_id: str
    event_id: str | None = None
    event_type: str
    payment_id: str | None = None
    # automatic (the schedule), manual (a retry asked for), test (a test event's) or ping.
    trigger: str
    status: Literal["sending", "succeeded", "failed"]
    url: str
    response_status: int | None = None
    latency_ms: float | None = None
    error: AttemptError | None = None
    started_at: Instant
    finished_at: Instant | None = None


class AttemptDetail(Attempt):
    request: dict[str, Any] | None = None
    response: dict[str, Any] | None = None


class MessageWithAttempts(Message):
    attempts: list[Attempt]


class PaymentWebhooks(Schema):
    payment_id: str
    data: list[MessageWithAttempts]


class PingResult(Schema):
    endpoint_id: str
    ok: bool
    status: int | None
    latency_ms: float
    error: AttemptError | None = None
    attempt_id: str


class VerifyRequest(_Input):
    # The body exactly as received, and the three webhook-* headers (names in any case).
    body: str
    headers: dict[str, str]
    secret: str = Field(max_length=200)
    tolerance_seconds: int | None = Field(None, ge=0, le=7 * 24 * 3600)


class VerifyResult(Schema):
    valid: bool
    reason: str | None
    message: str
