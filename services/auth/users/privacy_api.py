"""The person's own data: an export of all of it, and deleting the account."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from services.auth.apikeys.store import ApiKeyStore
from services.auth.audit.store import AuditStore
from services.auth.deps import UserAgent
from services.auth.errors import (
    IncorrectPassword,
    LastOwnerRequired,
    TooManyAttempts,
    TwoFactorRequired,
)
from services.auth.merchants.locks import Locks
from services.auth.merchants.store import MerchantStore
from services.auth.sessions.store import SessionStore
from services.auth.users.deps import SessionsDep, TwoFactorDep, UsersDep
from services.auth.users.privacy import Privacy
from services.auth.users.schemas import AccountDeletion
from services.auth.users.store import UserStore
from shared.app import RuntimeDep
from shared.identity import UserDep
from shared.openapi import errors

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


async def get_privacy(
    request: Request, runtime: RuntimeDep, sessions: SessionsDep, two_factor: TwoFactorDep
) -> Privacy:
    return Privacy(
        UserStore(runtime.db),
        sessions,
        SessionStore(runtime.db),
        MerchantStore(runtime.db),
        Locks(runtime.db),
        ApiKeyStore(runtime.db),
        two_factor,
        request.app.state.password_hasher,
        request.app.state.login_throttle,
        AuditStore(runtime.db),
    )


PrivacyDep = Annotated[Privacy, Depends(get_privacy)]


@router.get(
    "/me/export",
    summary="Export everything held about the logged-in user",
    response_class=JSONResponse,
)
async def export_me(
    caller: UserDep, users: UsersDep, privacy: PrivacyDep, user_agent: UserAgent
) -> JSONResponse:
    """The profile, two-factor state (no secret), memberships, sessions and every audit entry
    about the user, as one JSON file (the export is itself audited)."""
    assert caller.user_id is not None
    user = await users.get(caller.user_id)
    data: dict[str, Any] = await privacy.export(user, caller=caller, user_agent=user_agent)
    return JSONResponse(
        data, headers={"Content-Disposition": f'attachment; filename="expe-{user["_id"]}.json"'}
    )


@router.delete(
    "/me",
    status_code=204,
    response_class=Response,
    summary="Delete the logged-in user's account",
    responses=errors(IncorrectPassword, TwoFactorRequired, LastOwnerRequired, TooManyAttempts),
)
async def delete_me(
    body: AccountDeletion,
    caller: UserDep,
    users: UsersDep,
    privacy: PrivacyDep,
    user_agent: UserAgent,
) -> Response:
    """Erases the account's personal data and ends every session, given the password (and a
    two-factor code when on). Refused while the user is the last owner of a merchant. The
    merchants' payments, ledger and audit log are kept, without the user's personal data."""
    assert caller.user_id is not None
    user = await users.get(caller.user_id)
    await privacy.delete(user, body.password, body.code, caller=caller, user_agent=user_agent)
    return Response(status_code=204)
