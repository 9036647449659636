"""The auth service app."""

from __future__ import annotations

from typing import cast

from fastapi import FastAPI

from services.auth.apikeys.api import router as api_keys_router
from services.auth.apikeys.store import INDEXES as API_KEY_INDEXES
from services.auth.audit.api import router as audit_router
from services.auth.audit.consumers import build_audit_consumers
from services.auth.audit.store import INDEXES as AUDIT_INDEXES
from services.auth.internal.api import router as internal_router
from services.auth.mail import Mailer
from services.auth.merchants.api import router as merchants_router
from services.auth.merchants.members.api import router as members_router
from services.auth.merchants.members.store import INDEXES as INVITATION_INDEXES
from services.auth.merchants.projects.api import router as projects_router
from services.auth.merchants.projects.store import INDEXES as PROJECT_INDEXES
from services.auth.merchants.store import INDEXES as MERCHANT_INDEXES
from services.auth.notices.consumers import build_consumers
from services.auth.sessions.api import router as sessions_router
from services.auth.settings import AuthSettings
from services.auth.tokens.api import router as jwks_router
from services.auth.tokens.keys import load_key_ring
from services.auth.twofactor.api import router as two_factor_router
from services.auth.users.api import router as users_router
from services.auth.users.deps import start_accounts
from services.auth.users.privacy_api import router as privacy_router
from shared.app import Runtime, ServiceDefinition, app_factory


async def startup(app: FastAPI, runtime: Runtime) -> None:
    settings = cast(AuthSettings, runtime.settings)
    app.state.key_ring = await load_key_ring(runtime.db, settings)
    app.state.mailer = Mailer(settings.smtp)
    await start_accounts(app, runtime)


create_app = app_factory(
    ServiceDefinition(
        name="auth",
        title="Expe auth service",
        routers=[
            jwks_router,
            users_router,
            privacy_router,
            sessions_router,
            two_factor_router,
            merchants_router,
            members_router,
            projects_router,
            api_keys_router,
            audit_router,
            internal_router,
        ],
        indexes=[
            *AUDIT_INDEXES,
            *MERCHANT_INDEXES,
            *INVITATION_INDEXES,
            *PROJECT_INDEXES,
            *API_KEY_INDEXES,
        ],
        consumers=lambda runtime: [*build_consumers(runtime), *build_audit_consumers(runtime)],
        settings_class=AuthSettings,
        startup=startup,
    )
)
