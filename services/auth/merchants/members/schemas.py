"""Member and invitation API models."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import EmailStr, StringConstraints

from services.auth.merchants.schemas import Input, Schema
from shared.identity import MemberRole

InvitedRole = Literal["developer", "viewer"]


class InvitationCreate(Input):
    email: EmailStr
    role: InvitedRole


class Invitation(Schema):
    id: str
    merchant_id: str
    email: str
    role: InvitedRole
    status: Literal["pending", "accepted"]
    created_at: datetime
    expires_at: datetime


class InvitationAccept(Input):
    token: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class Member(Schema):
    merchant_id: str
    user_id: str
    email: str | None
    role: MemberRole
    joined_at: datetime


class MemberUpdate(Input):
    role: MemberRole
