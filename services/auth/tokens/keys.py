"""The Ed25519 keys that sign access tokens, identified by key id so they can rotate.

Production passes the key in EXPE_TOKENS__SIGNING_KEY. Elsewhere the first auth replica to start
makes one and stores it in the auth database, and every other replica loads that one.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pymongo.asynchronous.database import AsyncDatabase

from services.auth.settings import AuthSettings
from shared.claims import insert_or_get
from shared.mongo import Document

SIGNING_KEYS = "signing_keys"
_GENERATED_KEY_ID = "generated"


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: Ed25519PrivateKey

    @property
    def public_jwk(self) -> dict[str, str]:
        raw = self.private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return {
            "kty": "OKP",
            "crv": "Ed25519",
            "x": _b64url(raw),
            "kid": self.kid,
            "use": "sig",
            "alg": "EdDSA",
        }

    @classmethod
    def from_pem(cls, pem: str) -> SigningKey:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("the token signing key must be an Ed25519 private key")
        return cls(kid=_thumbprint(key), private_key=key)

    def to_pem(self) -> str:
        return self.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()


def _thumbprint(key: Ed25519PrivateKey) -> str:
    """RFC 7638 thumbprint: the key id follows from the key, so it never needs to be chosen."""
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    members = {"crv": "Ed25519", "kty": "OKP", "x": _b64url(raw)}
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True).encode()
    return _b64url(hashlib.sha256(canonical).digest())[:16]


@dataclass(frozen=True)
class KeyRing:
    """The key that signs now, and every key whose tokens may still be in use."""

    active: SigningKey
    published: tuple[SigningKey, ...]

    def jwks(self) -> dict[str, Any]:
        return {"keys": [key.public_jwk for key in self.published]}


async def load_key_ring(db: AsyncDatabase[Document], settings: AuthSettings) -> KeyRing:
    if settings.tokens.signing_key is not None:
        key = SigningKey.from_pem(settings.tokens.signing_key.get_secret_value())
        return KeyRing(active=key, published=(key,))
    keys = db[SIGNING_KEYS]
    generated = SigningKey("", Ed25519PrivateKey.generate())
    # Of replicas starting together, the first to store its key wins; all use that one.
    candidate = {
        "_id": _GENERATED_KEY_ID,
        "pem": generated.to_pem(),
        "createdAt": datetime.now(UTC),
    }
    stored = await insert_or_get(keys, candidate)
    key = SigningKey.from_pem(stored["pem"])
    return KeyRing(active=key, published=(key,))
