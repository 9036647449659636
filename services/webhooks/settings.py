"""Webhooks service settings (EXPE_* like every process, plus the ones below)."""

from __future__ import annotations

from pydantic import BaseModel, Field, SecretStr, model_validator

from shared.settings import BaseServiceSettings

LOCAL_SEALING_KEY = "local-webhook-sealing-key-change-me"

# Delays before attempts 1..10: at once, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h.
DEFAULT_SCHEDULE = (0, 5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400)


class ServiceUrls(BaseModel):
    """The services webhooks calls synchronously (EXPE_SERVICES__PAYMENTS)."""

    payments: str = "http://127.0.0.1:8002"


class WebhooksSettings(BaseServiceSettings):
    seals_at_rest = True

    # Seconds to wait before each attempt of a message (EXPE_RETRY_SCHEDULE_SECONDS='[0,5,300]');
    # after the last one fails the message is dead.
    retry_schedule_seconds: tuple[float, ...] = Field(DEFAULT_SCHEDULE, min_length=1)
    # Each delay is stretched or shrunk by up to this fraction, so retries of many messages
    # failing together do not arrive together.
    retry_jitter: float = Field(0.1, ge=0, le=0.5)
    # A Retry-After longer than this is capped (the schedule goes on after it).
    max_retry_after_seconds: float = 24 * 3600
    attempt_timeout_seconds: float = 15.0
    # A ping or a verification challenge is answered within the request that sent it: it waits
    # at most this long (and never longer than an attempt), so its answer reaches the caller
    # before the gateway's own 15 s timeout.
    inline_timeout_seconds: float = Field(10.0, gt=0)
    # Attempts in flight to one endpoint (per replica), and in all: a slow endpoint waits its turn
    # without holding up the others.
    endpoint_concurrency: int = Field(4, ge=1)
    max_in_flight: int = Field(128, ge=1)
    # How often the dispatcher looks for due messages when nothing nudges it.
    poll_interval_seconds: float = 0.5
    # An endpoint failing every attempt for this long is disabled (its owner is told).
    disable_after_failing_seconds: float = 5 * 24 * 3600
    # After a secret rotation the old secret keeps signing (a second `v1,` signature) this long.
    rotation_grace_seconds: int = Field(24 * 3600, ge=0, le=7 * 24 * 3600)
    # How much of a receiver's answer an attempt keeps.
    response_body_limit: int = 4096
    # The verify helper's default tolerance for webhook-timestamp, as the Standard Webhooks
    # libraries use.
    signature_tolerance_seconds: int = 300
    endpoints_per_merchant: int = 16
    # Test-mode endpoints may be on private and loopback addresses (a developer's machine or
    # tunnel). Left unset, that holds everywhere but production, where any test key could
    # otherwise point webhooks at the cluster's own services.
    private_test_endpoints: bool | None = None
    # Events (what a replay can resend), finished messages and attempts are kept this long.
    retention_days: int = Field(30, ge=1)
    # The consumer group that turns domain events into messages; off only where a process
    # should serve the API without taking events (tests of the API on their own).
    consume_events: bool = True
    consumer_group: str = "expe-webhooks"
    services: ServiceUrls = ServiceUrls()
    # How long asking payments whose payment an id names may take (a payment's webhooks list).
    payments_timeout_seconds: float = 5.0
    # The key that sealed endpoint secrets before the keyring (EXPE_SEALING_KEYS): it still
    # opens them until the re-seal job moved them onto a keyring key. Unset, the local
    # placeholder outside production, and none in production.
    sealing_key: SecretStr | None = None

    @property
    def test_endpoints_may_be_private(self) -> bool:
        if self.private_test_endpoints is not None:
            return self.private_test_endpoints
        return self.env != "production"

    @property
    def legacy_sealing_key(self) -> str | None:
        if self.sealing_key is not None:
            return self.sealing_key.get_secret_value()
        return None if self.env == "production" else LOCAL_SEALING_KEY

    @model_validator(mode="after")
    def _refuse_placeholder_sealing_key(self) -> WebhooksSettings:
        if self.env == "production" and self.legacy_sealing_key == LOCAL_SEALING_KEY:
            raise ValueError("EXPE_SEALING_KEY must be a real secret in production")
        return self
