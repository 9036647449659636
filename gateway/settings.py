"""Gateway settings: where the services live and the limits it enforces."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel

from gateway.ratelimit import RateLimitSettings
from shared.settings import BaseServiceSettings


class ServiceUrls(BaseModel):
    auth: str = "http://127.0.0.1:8001"
    payments: str = "http://127.0.0.1:8002"
    wallet: str = "http://127.0.0.1:8003"
    webhooks: str = "http://127.0.0.1:8004"
    analytics: str = "http://127.0.0.1:8005"
    subscriptions: str = "http://127.0.0.1:8006"


class GatewaySettings(BaseServiceSettings):
    services: ServiceUrls = ServiceUrls()
    cors_origins: tuple[str, ...] = ("http://localhost:5173", "http://127.0.0.1:5173")
    max_body_bytes: int = 1_048_576
    upstream_timeout_seconds: float = 15.0
    upstream_connect_timeout_seconds: float = 2.0
    # Requests this gateway process sends one service at a time; more are shed (gateway/shedding).
    max_in_flight_per_service: int = 64
    upstream_max_connections: int = 256
    health_timeout_seconds: float = 3.0
    # Must match the auth service's token settings.
    jwt_issuer: str = "expe-auth"
    jwt_audience: str = "expe-api"
    # How long an API key or membership answer is reused: the most a revocation can lag.
    credential_cache_seconds: int = 5
    rate_limits: RateLimitSettings = RateLimitSettings()
    # CIDRs of proxies in front of the gateway whose X-Forwarded-For is believed (the ingress).
    trusted_proxies: tuple[str, ...] = ()
    # Whether this replica relays Kafka events into the live streams (one consumer group shares
    # the work among replicas; every replica serves sockets either way).
    live_relay: bool = True
    # The relay's consumer group: one per Redis the live streams are kept in (one per region),
    # so that every region's streams hear every event (deploy/helm/expe/values-multi-region.yaml).
    live_relay_group: str = "expe-gateway-live"
    # The built dashboard and checkout (`npm run build` in web/), served at `/`.
    web_dir: Path = Path(__file__).resolve().parent.parent / "web" / "dist"
    # The built guides (`make docs`), served at `/guides/`.
    guides_dir: Path = Path(__file__).resolve().parent.parent / "build" / "docs"


@lru_cache
def get_settings() -> GatewaySettings:
    return GatewaySettings()
