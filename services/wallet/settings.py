"""Settings of the wallet service."""

from __future__ import annotations

from pydantic import BaseModel

from shared.settings import BaseServiceSettings


class ServiceUrls(BaseModel):
    """The services wallet calls synchronously (EXPE_SERVICES__AUTH)."""

    auth: str = "http://127.0.0.1:8001"


class WalletSettings(BaseServiceSettings):
    seals_at_rest = True

    # How often the recovery sweep looks for unfinished movements, and how old one must be
    # before the sweep takes it over from the request that started it.
    sweep_interval_seconds: float = 5.0
    sweep_after_seconds: float = 10.0
    services: ServiceUrls = ServiceUrls()
    # How long resolving a transfer's recipient email through auth may take.
    auth_timeout_seconds: float = 5.0
