"""API models of accounts: camelCase JSON, inputs refuse unknown fields."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import available_timezones

from pydantic import AfterValidator, ConfigDict, EmailStr, Field, StrictBool, StringConstraints

from shared.mongo import Document
from shared.schemas import Input, Instant, Schema


class ApiInput(Input):
    # snake_case field names are accepted too, as this API always has.
    model_config = ConfigDict(populate_by_name=True)


# Length limits that keep absurd inputs out; the policy (10-128) gives the precise message.
Password = Annotated[str, Field(min_length=1, max_length=1024)]
Token = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=512)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class UserCreate(ApiInput):
    email: EmailStr
    password: Password
    name: Name


class EmailVerify(ApiInput):
    token: Token


class EmailOnly(ApiInput):
    email: EmailStr


class PasswordChange(ApiInput):
    current_password: Password
    new_password: Password


class PasswordReset(ApiInput):
    token: Token
    new_password: Password


def _known_timezone(value: str) -> str:
    if value not in _TIMEZONES:
        raise ValueError("not an IANA time zone such as Asia/Kolkata or UTC")
    return value


_TIMEZONES = available_timezones() | {"UTC"}
Timezone = Annotated[str, StringConstraints(max_length=64), AfterValidator(_known_timezone)]


class Notifications(Schema):
    """Which emails the user wants; each is sent to owners and developers of their merchants."""

    payment_failures: bool = True
    webhook_failures: bool = True
    weekly_summary: bool = False


class NotificationsUpdate(ApiInput):
    payment_failures: StrictBool | None = None
    webhook_failures: StrictBool | None = None
    weekly_summary: StrictBool | None = None


class ProfileUpdate(ApiInput):
    name: Name | None = None
    # Every time the dashboard shows is in this zone.
    timezone: Timezone | None = None
    notifications: NotificationsUpdate | None = None


class User(Schema):
    id: str
    email: str
    name: str
    email_verified: bool
    two_factor_enabled: bool
    platform_admin: bool
    # None until the user picks one: the dashboard then shows times in the browser's zone.
    timezone: str | None = None
    notifications: Notifications = Field(default_factory=Notifications)
    created_at: Instant

    @classmethod
    def of(cls, doc: Document) -> User:
        verified = bool(doc.get("emailVerified"))
        return cls(
            id=doc["_id"],
            email=doc["email"],
            name=doc["name"],
            timezone=doc.get("timezone"),
            notifications=Notifications.model_validate(doc.get("notifications", {})),
            email_verified=verified,
            two_factor_enabled=bool(doc.get("twoFactor", {}).get("enabled")),
            # The operator role is claimed by address, so it counts only once that is proven.
            platform_admin=bool(doc.get("platformAdmin")) and verified,
            created_at=doc["createdAt"],
        )


class UserEnvelope(Schema):
    user: User


class AccountDeletion(ApiInput):
    """Proof that the person deleting the account is its owner."""

    password: Password
    # With two-factor on: a code from the authenticator app, or a recovery code.
    code: Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)] | None = None
