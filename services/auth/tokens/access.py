"""Issuing short-lived access tokens (JWT, EdDSA) that the gateway verifies on its own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt

from services.auth.settings import TokenSettings
from services.auth.tokens.keys import KeyRing
from shared.ids import new_id


def issue_access_token(
    ring: KeyRing,
    settings: TokenSettings,
    *,
    user_id: str,
    email: str,
    email_verified: bool,
    platform_admin: bool,
    session_id: str,
) -> tuple[str, datetime]:
    now = datetime.now(UTC)
    expires_at = now + timedelta(seconds=settings.access_ttl_seconds)
    claims = {
        "iss": settings.issuer,
        "aud": settings.audience,
        "sub": user_id,
        "iat": now,
        "nbf": now,
        "exp": expires_at,
        "jti": new_id("req"),
        "sid": session_id,
        "email": email,
        "ev": email_verified,
        "adm": platform_admin,
    }
    token = jwt.encode(
        claims, ring.active.private_key, algorithm="EdDSA", headers={"kid": ring.active.kid}
    )
    return token, expires_at
