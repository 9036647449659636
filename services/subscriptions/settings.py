"""Subscriptions service settings (EXPE_* like every process, plus the sections below)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from shared.settings import BaseServiceSettings


class ServiceUrls(BaseModel):
    """The services subscriptions calls synchronously (EXPE_SERVICES__PAYMENTS)."""

    payments: str = "http://127.0.0.1:8002"


class SubscriptionsSettings(BaseServiceSettings):
    services: ServiceUrls = ServiceUrls()
    # A charge the payments service has not answered in this long is tried again later (same
    # reference, so never charged twice).
    payments_timeout_seconds: float = 10.0
    # How often the scheduler looks for renewals and retries that are due.
    schedule_interval_seconds: float = 10.0
    # Days after a failed renewal on which its payment is tried again, unless the plan says;
    # after the last one fails the subscription ends in `dunning_final_status`.
    dunning_retry_days: list[int] = Field(default=[1, 3, 5, 7])
    dunning_final_status: Literal["canceled", "unpaid"] = "canceled"
