"""Dependencies the auth routes share."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, cast

from fastapi import Depends, Request
from redis.asyncio import Redis

from services.auth.settings import AuthSettings, RequestLimitSettings
from services.auth.throttle import RequestLimits
from shared.app import RuntimeDep
from shared.identity import CallerDep


async def get_settings(runtime: RuntimeDep) -> AuthSettings:
    return cast(AuthSettings, runtime.settings)


async def get_redis(runtime: RuntimeDep) -> Redis:
    return runtime.redis


async def client_ip(caller: CallerDep) -> str | None:
    """The caller's address as the gateway saw it (signed, unlike X-Forwarded-For)."""
    return caller.ip


async def user_agent(request: Request) -> str | None:
    return request.headers.get("user-agent")


Settings = Annotated[AuthSettings, Depends(get_settings)]
RedisDep = Annotated[Redis, Depends(get_redis)]
ClientIp = Annotated[str | None, Depends(client_ip)]
UserAgent = Annotated[str | None, Depends(user_agent)]


def limited(name: str) -> Callable[..., Awaitable[None]]:
    """A route dependency counting the request against the request limit `name` (a field of
    `RequestLimitSettings`): per user for a `…_per_user` limit, per address otherwise."""
    if name not in RequestLimitSettings.model_fields:
        raise ValueError(f"no request limit {name}")

    async def take(caller: CallerDep, settings: Settings, runtime: RuntimeDep) -> None:
        subject = caller.user_id if name.endswith("_per_user") else caller.ip
        if subject is not None:
            limit = getattr(settings.request_limits, name)
            await RequestLimits(runtime.redis).take(name, subject, limit)

    return take
