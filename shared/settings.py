"""Settings shared by every process, read from EXPE_* environment variables.

Nested sections use a double underscore: EXPE_MONGO__URL, EXPE_KAFKA__BOOTSTRAP_SERVERS.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Environment = Literal["local", "test", "production"]

LOCAL_INTERNAL_SECRET = "local-internal-secret-change-me"


class MongoSettings(BaseModel):
    url: str = "mongodb://127.0.0.1:27017"
    db_prefix: str = "expe"
    server_selection_timeout_ms: int = 2000
    # A command unanswered this long fails (a 503 to the caller) instead of holding its request
    # forever; far above any command the services send (a batch of an export's stream included).
    socket_timeout_ms: int = 30000


class KafkaSettings(BaseModel):
    bootstrap_servers: str = "127.0.0.1:9092"
    client_id_prefix: str = "expe"
    # How long the readiness probe waits for the broker to answer.
    probe_timeout_seconds: float = 2.0


class RedisSettings(BaseModel):
    url: str = "redis://127.0.0.1:6379/0"
    # Sentinels to ask where the primary is ("host:port"), as a JSON list. With them, `url` gives
    # only the database number and the credentials, and the client follows the primary named
    # `sentinel_master` through failovers.
    sentinels: tuple[str, ...] = ()
    sentinel_master: str = "expe"


class OtelSettings(BaseModel):
    # OTLP/HTTP base URL (Jaeger, an OpenTelemetry collector). Unset: spans are not exported.
    endpoint: str | None = None


class OutboxSettings(BaseModel):
    poll_interval_seconds: float = 0.5
    batch_size: int = 200
    lease_seconds: float = 10.0


class CallSettings(BaseModel):
    """Calls to another service (shared/internal_http.py; the circuit: shared/circuit.py)."""

    # Failures in a row (no answer in time, no connection, a 502/503/504) that open the circuit.
    circuit_failure_threshold: int = Field(5, ge=1)
    # How long an open circuit refuses calls before it lets one trial call through.
    circuit_cool_down_seconds: float = Field(5.0, gt=0)
    # Retries of a call that got no connection, when repeating it is safe: GET, HEAD, OPTIONS,
    # PUT, DELETE, or a request with an Idempotency-Key.
    retries: int = Field(2, ge=0, le=5)


class ShutdownSettings(BaseModel):
    """SIGTERM (shared/shutdown.py)."""

    # How long requests are still served once readiness is false (0 locally: nothing routes).
    drain_seconds: float = Field(0.0, ge=0, le=120)
    # How long requests in flight may take to finish after that.
    grace_seconds: float = Field(20.0, ge=0, le=600)


class BaseServiceSettings(BaseSettings):
    """What every Expe process reads from its environment."""

    model_config = SettingsConfigDict(
        env_prefix="EXPE_", env_nested_delimiter="__", extra="ignore", frozen=True
    )

    env: Environment = "local"
    log_level: str = "INFO"
    mongo: MongoSettings = MongoSettings()
    kafka: KafkaSettings = KafkaSettings()
    redis: RedisSettings = RedisSettings()
    otel: OtelSettings = OtelSettings()
    outbox: OutboxSettings = OutboxSettings()
    calls: CallSettings = CallSettings()
    shutdown: ShutdownSettings = ShutdownSettings()
    internal_secret: SecretStr = SecretStr(LOCAL_INTERNAL_SECRET)

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> BaseServiceSettings:
        if self.env == "production" and (
            self.internal_secret.get_secret_value() == LOCAL_INTERNAL_SECRET
        ):
            raise ValueError("EXPE_INTERNAL_SECRET must be set to a real secret in production")
        return self

    def database_name(self, service: str) -> str:
        return f"{self.mongo.db_prefix}_{service}"
