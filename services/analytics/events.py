"""The events analytics reads, as it expects their `data`."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from shared.money import MinorUnits


class PaymentCreatedData(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")

    payment_id: str
    amount: MinorUnits
    currency: str
    created_at: datetime
    # Test-mode and live-mode data never mix.
    mode: Literal["test", "live"] = "test"
