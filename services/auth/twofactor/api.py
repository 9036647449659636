"""Turning two-factor authentication on and off."""

from __future__ import annotations

from fastapi import APIRouter, Response

from services.auth.deps import UserAgent
from services.auth.errors import (
    InvalidTwoFactorCode,
    TwoFactorAlreadyEnabled,
    TwoFactorNotEnabled,
    TwoFactorNotEnrolled,
)
from services.auth.twofactor.schemas import RecoveryCodes, TwoFactorCode, TwoFactorEnrolment
from services.auth.users.deps import TwoFactorDep, UsersDep
from shared.identity import UserDep
from shared.openapi import errors

router = APIRouter(prefix="/api/v1/auth/2fa", tags=["auth"])


@router.post(
    "/enroll",
    summary="Start two-factor enrolment",
    operation_id="enrollTwoFactor",
    responses=errors(TwoFactorAlreadyEnabled),
)
async def enroll(caller: UserDep, users: UsersDep, two_factor: TwoFactorDep) -> TwoFactorEnrolment:
    """Starts enrolment: a new TOTP secret, as text, otpauth URI and QR code."""
    assert caller.user_id is not None
    enrolment = await two_factor.enroll(await users.get(caller.user_id))
    return TwoFactorEnrolment(
        secret=enrolment.secret,
        otpauth_uri=enrolment.otpauth_uri,
        qr_code_png=enrolment.qr_code_png,
    )


@router.post(
    "/confirm",
    summary="Turn two-factor authentication on",
    operation_id="confirmTwoFactor",
    responses=errors(TwoFactorAlreadyEnabled, TwoFactorNotEnrolled, InvalidTwoFactorCode),
)
async def confirm(
    body: TwoFactorCode,
    caller: UserDep,
    users: UsersDep,
    two_factor: TwoFactorDep,
    user_agent: UserAgent,
) -> RecoveryCodes:
    """Turns two-factor on with a code from the app; returns 10 one-time recovery codes."""
    assert caller.user_id is not None
    user = await users.get(caller.user_id)
    codes = await two_factor.confirm(user, body.code, caller=caller, user_agent=user_agent)
    return RecoveryCodes(recovery_codes=codes)


@router.post(
    "/disable",
    status_code=204,
    response_class=Response,
    summary="Turn two-factor authentication off",
    operation_id="disableTwoFactor",
    responses=errors(TwoFactorNotEnabled, InvalidTwoFactorCode),
)
async def disable(
    body: TwoFactorCode,
    caller: UserDep,
    users: UsersDep,
    two_factor: TwoFactorDep,
    user_agent: UserAgent,
) -> Response:
    """Turns two-factor off, given a current code from the app or an unused recovery code."""
    assert caller.user_id is not None
    user = await users.get(caller.user_id)
    await two_factor.disable(user, body.code, caller=caller, user_agent=user_agent)
    return Response(status_code=204)
