"""Logging in, refreshing tokens, logging out."""

from __future__ import annotations

from fastapi import APIRouter, Response

from services.auth.deps import UserAgent
from services.auth.errors import (
    InvalidCredentials,
    InvalidRefreshToken,
    TooManyAttempts,
    TwoFactorRequired,
)
from services.auth.sessions.schemas import LoginRequest, RefreshRequest, TokenPair
from services.auth.sessions.service import IssuedTokens
from services.auth.users.deps import LoginDep, SessionsDep
from services.auth.users.schemas import User
from services.auth.users.service import normalize_email
from shared.identity import CallerDep, UserDep
from shared.openapi import errors

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


def _pair(issued: IssuedTokens) -> TokenPair:
    return TokenPair(
        access_token=issued.access_token,
        expires_in=issued.expires_in,
        refresh_token=issued.refresh_token,
        user=User.of(issued.user),
    )


@router.post(
    "/login",
    summary="Log in",
    responses=errors(InvalidCredentials, TwoFactorRequired, TooManyAttempts),
)
async def login(
    body: LoginRequest, caller: CallerDep, login: LoginDep, user_agent: UserAgent
) -> TokenPair:
    """Exchanges email and password (and a second factor if on) for an access + refresh token."""
    issued = await login.log_in(
        normalize_email(body.email),
        body.password,
        totp_code=body.totp_code,
        recovery_code=body.recovery_code,
        caller=caller,
        user_agent=user_agent,
    )
    return _pair(issued)


@router.post("/refresh", summary="Refresh the tokens", responses=errors(InvalidRefreshToken))
async def refresh(
    body: RefreshRequest, caller: CallerDep, sessions: SessionsDep, user_agent: UserAgent
) -> TokenPair:
    """Exchanges a refresh token for a new pair; each refresh token works once."""
    issued = await sessions.refresh(body.refresh_token, caller=caller, user_agent=user_agent)
    return _pair(issued)


@router.post("/logout", status_code=204, response_class=Response, summary="Log out")
async def logout(caller: UserDep, sessions: SessionsDep, user_agent: UserAgent) -> Response:
    """Ends the current session: its refresh token and access tokens stop working."""
    await sessions.log_out(caller, user_agent=user_agent)
    return Response(status_code=204)
