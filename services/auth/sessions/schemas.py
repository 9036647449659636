"""API models of logging in and tokens."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import EmailStr, StringConstraints

from services.auth.users.schemas import ApiInput, Password, Token, User
from shared.schemas import Schema

Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class LoginRequest(ApiInput):
    email: EmailStr
    password: Password
    totp_code: Code | None = None
    recovery_code: Code | None = None


class RefreshRequest(ApiInput):
    refresh_token: Token


class TokenPair(Schema):
    access_token: str
    token_type: Literal["Bearer"] = "Bearer"
    expires_in: int
    refresh_token: str
    user: User
