"""Auth service settings (EXPE_* like every process, plus the sections below)."""

from __future__ import annotations

from pydantic import BaseModel, SecretStr, model_validator

from shared.settings import BaseServiceSettings


class SmtpSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = 1025
    username: str | None = None
    password: SecretStr | None = None
    start_tls: bool = False
    sender: str = "Expe <no-reply@expe.local>"


class PasswordHashSettings(BaseModel):
    """Argon2id cost. Raising it upgrades each stored hash at its owner's next login."""

    time_cost: int = 3
    memory_cost_kib: int = 65_536
    parallelism: int = 2


class TokenSettings(BaseModel):
    issuer: str = "expe-auth"
    audience: str = "expe-api"
    access_ttl_seconds: int = 900
    refresh_ttl_seconds: int = 30 * 24 * 3600
    # PEM of the Ed25519 signing key. Unset outside production: one is made and kept in the
    # auth database so every replica signs with the same key.
    signing_key: SecretStr | None = None


class LoginThrottleSettings(BaseModel):
    """Failed logins allowed before delays start, and how the delay grows (doubling)."""

    free_attempts_per_account: int = 5
    free_attempts_per_ip: int = 20
    base_delay_seconds: int = 2
    max_delay_seconds: int = 900
    window_seconds: int = 3600


class RequestLimit(BaseModel):
    limit: int
    window_seconds: int


class RequestLimitSettings(BaseModel):
    """How many sign-ups, reset emails and resets one address may ask for, and how many API
    keys one person may create, per window (services/auth/throttle.py)."""

    register_per_ip: RequestLimit = RequestLimit(limit=10, window_seconds=60)
    password_forgot_per_ip: RequestLimit = RequestLimit(limit=5, window_seconds=60)
    password_reset_per_ip: RequestLimit = RequestLimit(limit=10, window_seconds=60)
    api_key_create_per_user: RequestLimit = RequestLimit(limit=30, window_seconds=60)


class NoticeSettings(BaseModel):
    """Emails to a merchant's owners and developers about its webhooks (notices of the webhooks
    service, taken from Kafka)."""

    # Off only where a process serves the API without taking events (tests of the API alone).
    consume: bool = True
    consumer_group: str = "expe-auth-notices"


class AuthSettings(BaseServiceSettings):
    seals_at_rest = True

    smtp: SmtpSettings = SmtpSettings()
    password_hash: PasswordHashSettings = PasswordHashSettings()
    tokens: TokenSettings = TokenSettings()
    login_throttle: LoginThrottleSettings = LoginThrottleSettings()
    request_limits: RequestLimitSettings = RequestLimitSettings()
    notices: NoticeSettings = NoticeSettings()
    # Where links in emails point (the dashboard).
    public_url: str = "http://localhost:8000"
    # Emails that hold the platform-operator role once verified.
    platform_admins: tuple[str, ...] = ()
    email_token_ttl_seconds: int = 24 * 3600
    password_reset_ttl_seconds: int = 3600
    verification_resend_seconds: int = 60
    # Longest grace period a rotated API key may keep working.
    max_key_rotation_grace_seconds: int = 7 * 24 * 3600
    # How long an invitation to join a merchant can be accepted.
    invitation_ttl_seconds: int = 7 * 24 * 3600

    @model_validator(mode="after")
    def _production_needs_a_signing_key(self) -> AuthSettings:
        if self.env == "production" and self.tokens.signing_key is None:
            raise ValueError("EXPE_TOKENS__SIGNING_KEY must hold the Ed25519 PEM in production")
        return self
