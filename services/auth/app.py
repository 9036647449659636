"""The auth service app."""

from __future__ import annotations

from typing import cast

from fastapi import FastAPI

from services.auth.audit.store import INDEXES as AUDIT_INDEXES
from services.auth.mail import Mailer
from services.auth.settings import AuthSettings
from services.auth.tokens.api import router as jwks_router
from services.auth.tokens.keys import load_key_ring
from shared.app import Runtime, ServiceDefinition, app_factory


async def startup(app: FastAPI, runtime: Runtime) -> None:
    settings = cast(AuthSettings, runtime.settings)
    app.state.key_ring = await load_key_ring(runtime.db, settings)
    app.state.mailer = Mailer(settings.smtp)


create_app = app_factory(
    ServiceDefinition(
        name="auth",
        title="Expe auth service",
        routers=[jwks_router],
        indexes=[*AUDIT_INDEXES],
        settings_class=AuthSettings,
        startup=startup,
    )
)
