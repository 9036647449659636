"""Merchant API models."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints, field_validator
from pydantic.alias_generators import to_camel

from services.auth.merchants.countries import normalize_country
from shared.identity import MemberRole
from shared.money import normalize_currency

MerchantStatus = Literal["unverified", "verified"]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class Schema(BaseModel):
    """What the API answers: camelCase fields."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class Input(BaseModel):
    """What the API accepts: camelCase fields only, nothing unknown."""

    model_config = ConfigDict(alias_generator=to_camel, extra="forbid")


class MerchantCreate(Input):
    name: Name
    country: str
    default_currency: str

    @field_validator("country")
    @classmethod
    def _iso_country(cls, value: str) -> str:
        return normalize_country(value)

    @field_validator("default_currency")
    @classmethod
    def _iso_currency(cls, value: str) -> str:
        return normalize_currency(value)


class Merchant(Schema):
    id: str
    name: str
    country: str
    default_currency: str
    status: MerchantStatus
    plan: str
    created_at: datetime
    verified_at: datetime | None = None
    # The caller's role in this merchant (absent when a platform admin acts on it).
    role: MemberRole | None = None
