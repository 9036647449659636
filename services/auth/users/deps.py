"""Building the account services for a request from the app's long-lived clients."""

from __future__ import annotations

import asyncio
from typing import Annotated, cast

from fastapi import Depends, FastAPI, Request

from services.auth.audit.store import AuditStore
from services.auth.deps import Settings
from services.auth.passwords import PasswordHasher, common_passwords
from services.auth.sessions.login import Login
from services.auth.sessions.service import Sessions
from services.auth.sessions.store import SessionStore
from services.auth.settings import AuthSettings
from services.auth.throttle import LoginThrottle
from services.auth.twofactor.service import TwoFactor
from services.auth.twofactor.store import TwoFactorStore, totp_sealer
from services.auth.users.service import Users
from services.auth.users.store import UserStore
from shared.app import Runtime, RuntimeDep


async def start_accounts(app: FastAPI, runtime: Runtime) -> None:
    """Creates the objects the account routes share (on `app.state`)."""
    settings = cast(AuthSettings, runtime.settings)
    # Read now, so an install that left the bundled list out fails at start, not at sign-up.
    common_passwords()
    # Hashing the dummy password takes a moment at production cost: off the event loop.
    app.state.password_hasher = await asyncio.to_thread(PasswordHasher, settings.password_hash)
    app.state.login_throttle = LoginThrottle(runtime.redis, settings.login_throttle)


async def get_sessions(request: Request, runtime: RuntimeDep, settings: Settings) -> Sessions:
    return Sessions(
        SessionStore(runtime.db),
        UserStore(runtime.db),
        runtime.redis,
        settings,
        request.app.state.key_ring,
        AuditStore(runtime.db),
    )


SessionsDep = Annotated[Sessions, Depends(get_sessions)]


async def get_two_factor(runtime: RuntimeDep, settings: Settings) -> TwoFactor:
    return TwoFactor(TwoFactorStore(runtime.db, totp_sealer(settings)), AuditStore(runtime.db))


TwoFactorDep = Annotated[TwoFactor, Depends(get_two_factor)]


async def get_login(
    request: Request, runtime: RuntimeDep, sessions: SessionsDep, two_factor: TwoFactorDep
) -> Login:
    return Login(
        UserStore(runtime.db),
        sessions,
        two_factor,
        request.app.state.password_hasher,
        request.app.state.login_throttle,
        AuditStore(runtime.db),
    )


LoginDep = Annotated[Login, Depends(get_login)]


async def get_users(
    request: Request, runtime: RuntimeDep, settings: Settings, sessions: SessionsDep
) -> Users:
    return Users(
        UserStore(runtime.db),
        sessions,
        request.app.state.password_hasher,
        request.app.state.login_throttle,
        runtime.redis,
        request.app.state.mailer,
        settings,
        AuditStore(runtime.db),
    )


UsersDep = Annotated[Users, Depends(get_users)]
