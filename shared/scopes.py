"""Whose data a merchant-facing request may touch, and who may read or change it.

Every merchant API (payments, webhooks, ...) answers for one merchant in one mode: a secret key
carries both, a dashboard session sends `Expe-Merchant` and `Expe-Mode` (the gateway checks the
membership and passes the role on).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends

from shared.errors import PermissionDenied
from shared.identity import Caller, CallerDep


@dataclass(frozen=True)
class Scope:
    """One merchant, one mode, and who acts (recorded in histories and audit trails)."""

    merchant_id: str
    mode: str
    actor: dict[str, Any] = field(default_factory=dict)
    # The project of the API key that calls (None for dashboard sessions).
    project_id: str | None = None


def scope_of(caller: Caller) -> Scope:
    if caller.merchant_id is None or caller.mode is None:
        raise PermissionDenied(
            "Use a secret key, or a dashboard session with Expe-Merchant and Expe-Mode headers."
        )
    actor_id = caller.key_id if caller.kind == "api_key" else caller.user_id
    return Scope(
        caller.merchant_id, caller.mode, {"type": caller.kind, "id": actor_id}, caller.project_id
    )


async def reader(caller: CallerDep) -> Scope:
    """Secret keys and every member of the merchant read."""
    if caller.kind == "api_key" and caller.key_type != "secret":
        raise PermissionDenied("Publishable keys reach the checkout only; use a secret key.")
    if caller.kind not in ("api_key", "user"):
        raise PermissionDenied("Use a secret key or a dashboard session.")
    return scope_of(caller)


async def writer(caller: CallerDep) -> Scope:
    """Secret keys, owners and developers change things; viewers only read."""
    scope = await reader(caller)
    if caller.kind == "user" and caller.role not in ("owner", "developer"):
        raise PermissionDenied("Viewers cannot change this; ask an owner or a developer.")
    return scope


Reader = Annotated[Scope, Depends(reader)]
Writer = Annotated[Scope, Depends(writer)]
