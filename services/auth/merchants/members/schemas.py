"""Member and invitation API models."""

from __future__ import annotations

from typing import Annotated, Literal

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, StringConstraints

from shared.identity import MemberRole
from shared.schemas import Input, Instant, Schema

InvitedRole = Literal["developer", "viewer"]


def _email(value: str) -> str:
    # `.test` addresses pass: they cannot receive mail anywhere, and test setups use them.
    try:
        checked = validate_email(value, check_deliverability=False, test_environment=True)
    except EmailNotValidError as error:
        raise ValueError(str(error)) from None
    return checked.normalized.lower()


Email = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=254), AfterValidator(_email)
]


class InvitationCreate(Input):
    email: Email
    role: InvitedRole


class Invitation(Schema):
    id: str
    merchant_id: str
    email: str
    role: InvitedRole
    status: Literal["pending", "accepted"]
    created_at: Instant
    expires_at: Instant


class InvitationList(Schema):
    data: list[Invitation]


class InvitationAccept(Input):
    token: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class Member(Schema):
    merchant_id: str
    user_id: str
    email: str | None
    role: MemberRole
    joined_at: Instant


class MemberUpdate(Input):
    role: MemberRole
