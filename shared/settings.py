"""Settings shared by every process, read from EXPE_* environment variables.

Nested sections use a double underscore: EXPE_MONGO__URL, EXPE_KAFKA__BOOTSTRAP_SERVERS.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from shared.sealing import Keyring
from shared.secrets import VaultSettings, customise_sources

Environment = Literal["local", "test", "production"]

LOCAL_INTERNAL_SECRET = "local-internal-secret-change-me"
LOCAL_SEALING_KEYS = "local:local-sealing-key-change-me"


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

    # Whether the process seals data at rest (its own, or idempotency replays): only such a
    # process needs real sealing keys in production.
    seals_at_rest: ClassVar[bool] = False

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
    # The keys that seal secrets and personal data at rest (shared/sealing.py), as id:secret
    # pairs: EXPE_SEALING_KEYS="k2:<secret>,k1:<secret>". Every listed key opens what it sealed.
    sealing_keys: SecretStr = SecretStr(LOCAL_SEALING_KEYS)
    # The id of the key that seals new values; unset, the first listed. Set apart from the list
    # so that a new key reaches every replica before any of them seals with it.
    sealing_key_id: str | None = None
    # Where the secrets above come from when the environment lacks them (shared/secrets.py):
    # files named as their variables (a mounted Kubernetes Secret), then a Vault KV v2 secret.
    secrets_dir: str | None = None
    vault: VaultSettings = VaultSettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        del dotenv_settings, file_secret_settings  # neither .env files nor pydantic's own
        return customise_sources(settings_cls, init_settings, env_settings)

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> BaseServiceSettings:
        keyring = self.sealing_keyring()  # one that cannot be read fails at start, not in use
        if self.env != "production":
            return self
        if self.internal_secret.get_secret_value() == LOCAL_INTERNAL_SECRET:
            raise ValueError("EXPE_INTERNAL_SECRET must be set to a real secret in production")
        placeholder = Keyring.parse(LOCAL_SEALING_KEYS).keys[0][1]
        if self.seals_at_rest and any(secret == placeholder for _, secret in keyring.keys):
            raise ValueError("EXPE_SEALING_KEYS must hold real keys in production")
        return self

    def sealing_keyring(self) -> Keyring:
        return Keyring.parse(self.sealing_keys.get_secret_value(), self.sealing_key_id)

    def database_name(self, service: str) -> str:
        return f"{self.mongo.db_prefix}_{service}"
