"""Internal route models."""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

from services.auth.merchants.schemas import MerchantStatus
from shared.identity import MemberRole
from shared.schemas import Input, Schema


class ApiKeyResolve(Input):
    key: Annotated[str, StringConstraints(max_length=200)]


class GatewayMembership(Schema):
    role: MemberRole
    merchant_status: MerchantStatus
    plan: str


class UserByEmail(Schema):
    user_id: str
    email_verified: bool


class MerchantProfile(Schema):
    """What other services may show of a merchant: its name, on the hosted checkout."""

    id: str
    name: str
    status: MerchantStatus
