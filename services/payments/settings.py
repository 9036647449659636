"""Payments service settings (EXPE_* like every process, plus the sections below)."""

from __future__ import annotations

from pydantic import BaseModel

from shared.settings import BaseServiceSettings


class ServiceUrls(BaseModel):
    """The services payments calls synchronously (EXPE_SERVICES__WALLET, …__AUTH)."""

    wallet: str = "http://127.0.0.1:8003"
    auth: str = "http://127.0.0.1:8001"


class PaymentsSettings(BaseServiceSettings):
    seals_at_rest = True

    # Where the hosted checkout lives: checkoutUrl is `{public_url}/checkout/{id}#{clientSecret}`.
    public_url: str = "http://localhost:8000"
    services: ServiceUrls = ServiceUrls()
    # How long a call to the wallet service may take before the confirm answers 504 (the
    # sweeper then finishes the payment).
    wallet_timeout_seconds: float = 10.0
    # The checkout shows no merchant name rather than wait longer for the auth service.
    auth_timeout_seconds: float = 2.0
    # A payment nobody confirms expires after this long unless it names its own expiresAt.
    default_expiry_seconds: int = 24 * 3600
    max_expiry_seconds: int = 7 * 24 * 3600
    # How often the sweeper expires payments and finishes steps a crash left half done.
    sweep_interval_seconds: float = 30.0
    # Disputes in the sandbox: the merchant has this long to respond, the network reviews
    # submitted evidence this long, and looks for work to do this often.
    dispute_response_days: int = 7
    dispute_review_seconds: float = 60.0
    dispute_review_interval_seconds: float = 5.0
    # The payee address in UPI QR payloads of the sandbox.
    upi_payee: str = "expe.sandbox@upi"
