"""Callers as the gateway would sign them, for tests that call a service directly."""

from __future__ import annotations

import secrets

from shared.identity import Caller, MemberRole, Mode
from shared.ids import new_id


def secret_key(merchant_id: str, mode: Mode = "test") -> Caller:
    return Caller(
        kind="api_key",
        merchant_id=merchant_id,
        key_id=new_id("key"),
        key_type="secret",
        mode=mode,
        ip="198.51.100.9",
    )


def publishable_key(merchant_id: str, mode: Mode = "test") -> Caller:
    return secret_key(merchant_id, mode).model_copy(update={"key_type": "publishable"})


def member(merchant_id: str, role: MemberRole, mode: Mode = "test") -> Caller:
    return Caller(
        kind="user",
        user_id=new_id("usr"),
        email=f"{secrets.token_hex(4)}@example.test",
        email_verified=True,
        merchant_id=merchant_id,
        role=role,
        mode=mode,
    )
