"""Settings of the wallet service."""

from __future__ import annotations

from shared.settings import BaseServiceSettings


class WalletSettings(BaseServiceSettings):
    # How often the recovery sweep looks for unfinished movements, and how old one must be
    # before the sweep takes it over from the request that started it.
    sweep_interval_seconds: float = 5.0
    sweep_after_seconds: float = 10.0
