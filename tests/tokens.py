"""Access tokens minted in tests: valid ones for a test key, and every kind of bad one."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.auth.tokens.keys import SigningKey


def new_signing_key() -> SigningKey:
    key = Ed25519PrivateKey.generate()
    return SigningKey.from_pem(SigningKey("", key).to_pem())


def claims(**overrides: Any) -> dict[str, Any]:
    now = datetime.now(UTC)
    base = {
        "iss": "expe-auth",
        "aud": "expe-api",
        "sub": "usr_test",
        "sid": "ses_test",
        "email": "dev@example.com",
        "ev": True,
        "adm": False,
        "iat": now,
        "exp": now + timedelta(minutes=15),
    }
    return base | overrides


def mint(key: SigningKey, kid: str | None = None, **overrides: Any) -> str:
    return jwt.encode(
        claims(**overrides),
        key.private_key,
        algorithm="EdDSA",
        headers={"kid": kid or key.kid},
    )


def unsigned(**overrides: Any) -> str:
    """An `alg: none` token: no signature at all."""

    def part(value: dict[str, Any]) -> str:
        raw = json.dumps(value, default=lambda v: int(v.timestamp())).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims(**overrides))}."
