"""Merchant API models."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import StringConstraints, field_validator

from services.auth.merchants.countries import normalize_country
from shared.identity import MemberRole
from shared.money import normalize_currency
from shared.schemas import Input, Instant, Schema

MerchantStatus = Literal["unverified", "verified"]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


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
    created_at: Instant
    verified_at: Instant | None = None
    # The caller's role in this merchant (absent when a platform admin acts on it).
    role: MemberRole | None = None
