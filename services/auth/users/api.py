"""Account routes: sign-up, email verification, passwords, the user's own audit log."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Depends, Response

from services.auth.audit.schemas import AuditEvent, event_view
from services.auth.deps import UserAgent, limited
from services.auth.errors import (
    EmailAlreadyRegistered,
    IncorrectPassword,
    InvalidToken,
    TooManyAttempts,
    WeakPassword,
)
from services.auth.users.deps import UsersDep
from services.auth.users.schemas import (
    EmailOnly,
    EmailVerify,
    PasswordChange,
    PasswordReset,
    ProfileUpdate,
    User,
    UserCreate,
    UserEnvelope,
)
from services.auth.users.service import RESET_PASSWORD, VERIFY_EMAIL, normalize_email
from shared.errors import Conflict, RateLimited
from shared.idempotency import IdempotentRoute
from shared.identity import CallerDep, UserDep
from shared.openapi import errors
from shared.paging import Page, PagingDep

router = APIRouter(prefix="/api/v1/auth", tags=["auth"], route_class=IdempotentRoute)


@router.post(
    "/register",
    status_code=201,
    summary="Sign up",
    responses=errors(WeakPassword, EmailAlreadyRegistered, RateLimited),
    dependencies=[Depends(limited("register_per_ip"))],
)
async def register(
    body: UserCreate,
    caller: CallerDep,
    users: UsersDep,
    user_agent: UserAgent,
    background: BackgroundTasks,
) -> UserEnvelope:
    """Creates an account and emails a link to verify its address."""
    email = normalize_email(body.email)
    user = await users.register(
        email=email, password=body.password, name=body.name, caller=caller, user_agent=user_agent
    )
    background.add_task(users.send_verification, email)
    return UserEnvelope(user=User.of(user))


@router.post("/verify-email", summary="Verify an email address", responses=errors(InvalidToken))
async def verify_email(
    body: EmailVerify, caller: CallerDep, users: UsersDep, user_agent: UserAgent
) -> UserEnvelope:
    """Confirms the account's email address with the token from the verification email."""
    user = await users.verify_email(body.token, caller=caller, user_agent=user_agent)
    return UserEnvelope(user=User.of(user))


@router.post(
    "/verify-email/resend",
    status_code=202,
    response_class=Response,
    summary="Send the verification email again",
)
async def resend_verification(
    body: EmailOnly, users: UsersDep, background: BackgroundTasks
) -> Response:
    """Sends the verification email again, if there is an unverified account for the address."""
    email = normalize_email(body.email)
    if await users.may_send(VERIFY_EMAIL, email):
        background.add_task(users.send_verification, email)
    return Response(status_code=202)


@router.post(
    "/password/forgot",
    status_code=202,
    response_class=Response,
    summary="Ask for a password reset email",
    responses=errors(RateLimited),
    dependencies=[Depends(limited("password_forgot_per_ip"))],
)
async def forgot_password(
    body: EmailOnly, users: UsersDep, background: BackgroundTasks
) -> Response:
    """Emails a password reset link, if there is an account for the address."""
    email = normalize_email(body.email)
    if await users.may_send(RESET_PASSWORD, email):
        background.add_task(users.send_password_reset, email)
    return Response(status_code=202)


@router.post(
    "/password/reset",
    status_code=204,
    response_class=Response,
    summary="Reset the password",
    responses=errors(InvalidToken, WeakPassword, RateLimited),
    dependencies=[Depends(limited("password_reset_per_ip"))],
)
async def reset_password(
    body: PasswordReset, caller: CallerDep, users: UsersDep, user_agent: UserAgent
) -> Response:
    """Sets a new password with the token from the reset email; ends every session."""
    await users.reset_password(body.token, body.new_password, caller=caller, user_agent=user_agent)
    return Response(status_code=204)


@router.post(
    "/password/change",
    status_code=204,
    response_class=Response,
    summary="Change the password",
    responses=errors(WeakPassword, IncorrectPassword, TooManyAttempts, Conflict),
)
async def change_password(
    body: PasswordChange, caller: UserDep, users: UsersDep, user_agent: UserAgent
) -> Response:
    """Changes the password; every other session of the user ends."""
    await users.change_password(
        body.current_password, body.new_password, caller=caller, user_agent=user_agent
    )
    return Response(status_code=204)


@router.get("/me", summary="The logged-in user")
async def me(caller: UserDep, users: UsersDep) -> UserEnvelope:
    """The logged-in user."""
    assert caller.user_id is not None
    return UserEnvelope(user=User.of(await users.get(caller.user_id)))


@router.patch("/me", summary="Update the logged-in user")
async def update_me(
    body: ProfileUpdate, caller: UserDep, users: UsersDep, user_agent: UserAgent
) -> UserEnvelope:
    """Changes the logged-in user's name, time zone or email notification choices."""
    assert caller.user_id is not None
    user = await users.update_profile(caller.user_id, body, caller=caller, user_agent=user_agent)
    return UserEnvelope(user=User.of(user))


@router.get("/audit-logs", summary="The logged-in user's security events")
async def audit_logs(caller: UserDep, users: UsersDep, paging: PagingDep) -> Page[AuditEvent]:
    """The logged-in user's own security events, newest first."""
    assert caller.user_id is not None
    events, total = await users.audit_log(caller.user_id, page=paging.page, limit=paging.limit)
    return Page.of([event_view(event) for event in events], paging, total)
