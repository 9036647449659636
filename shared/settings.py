"""Settings shared by every process, read from EXPE_* environment variables.

Nested sections use a double underscore: EXPE_MONGO__URL, EXPE_KAFKA__BOOTSTRAP_SERVERS.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, SecretStr, model_validator
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


class OtelSettings(BaseModel):
    # OTLP/HTTP base URL (Jaeger, an OpenTelemetry collector). Unset: spans are not exported.
    endpoint: str | None = None


class OutboxSettings(BaseModel):
    poll_interval_seconds: float = 0.5
    batch_size: int = 200
    lease_seconds: float = 10.0


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
