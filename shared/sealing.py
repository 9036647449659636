"""Secrets we must read back (webhook signing secrets, responses kept for Idempotency-Key
replays, which may show a secret once) are sealed at rest with AES-GCM.

The database then holds nothing that signs a message by itself; the key lives in the service's
settings (a Kubernetes Secret in production). The sealed form names its scheme, so the key or
the algorithm can change later without guessing what a stored value is.
"""

from __future__ import annotations

import base64
import hashlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_SCHEME = "aesgcm1:"
_NONCE_BYTES = 12


class SealBroken(ValueError):
    """A sealed value was not sealed with this key, or was altered."""


class Sealer:
    def __init__(self, key: str, purpose: str) -> None:
        # One key per purpose, derived from the configured one; the purpose is also bound to
        # every sealed value, so a value cannot be moved to another field.
        self._aead = AESGCM(hashlib.sha256(f"{purpose}\x1f{key}".encode()).digest())
        self._purpose = purpose.encode()

    def seal(self, plain: str) -> str:
        return _SCHEME + base64.b64encode(self.seal_bytes(plain.encode())).decode()

    def open(self, sealed: str) -> str:
        if not sealed.startswith(_SCHEME):
            raise SealBroken("unknown sealing scheme")
        return self.open_bytes(base64.b64decode(sealed.removeprefix(_SCHEME))).decode()

    def seal_bytes(self, plain: bytes) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, plain, self._purpose)

    def open_bytes(self, sealed: bytes) -> bytes:
        try:
            return self._aead.decrypt(sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:], self._purpose)
        except InvalidTag:
            raise SealBroken("the sealed value does not open with this key") from None
