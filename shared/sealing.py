"""Secrets we must read back and personal data are sealed at rest by envelope encryption.

A keyring holds key-encryption keys (KEKs) by id (`k1`, `k2`, …), one of them current. Each
value gets a fresh data key (DEK, AES-256-GCM) that seals it; the DEK is wrapped (AES key wrap,
RFC 3394) by the current KEK, derived per purpose, and stored beside the value:

    aesgcm2:<kek id>:<wrapped DEK>:<nonce>:<ciphertext>      (base64url, unpadded)

The purpose ("webhook-endpoint-secret", "totp-secret", …) is bound as associated data and
selects the KEK's derivation, so a value cannot be moved to another field. A KEK that is no
longer current still opens what it sealed; rotating onto a new one re-wraps the DEK only
(`shared/reseal.py`). Values sealed before key ids existed (`aesgcm1:`, or raw bytes for
idempotency replays) open with the purpose's legacy key, the one configured back then.

The database then holds nothing readable by itself; the keyring lives in the service's settings
(a Kubernetes Secret, mounted files or Vault: `shared/secrets.py`).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import os
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap

_ENVELOPE = "aesgcm2"
_LEGACY = "aesgcm1:"
_NONCE_BYTES = 12
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


class SealBroken(ValueError):
    """A sealed value was not sealed with these keys, or was altered."""


class KeyringInvalid(ValueError):
    """The configured keyring cannot be read (EXPE_SEALING_KEYS, EXPE_SEALING_KEY_ID)."""


@dataclass(frozen=True)
class Keyring:
    """KEKs by id, and the id of the one that seals new values."""

    keys: tuple[tuple[str, str], ...]
    current: str

    @classmethod
    def parse(cls, text: str, current: str | None = None) -> Keyring:
        """`k2:<secret>,k1:<secret>`; the current key is `current`, else the first listed."""
        keys: list[tuple[str, str]] = []
        for entry in text.split(","):
            key_id, colon, secret = entry.strip().partition(":")
            if not colon or not _KEY_ID.match(key_id) or not secret:
                raise KeyringInvalid(
                    "Sealing keys are id:secret pairs separated by commas "
                    "(ids of letters, digits, - and _)."
                )
            if any(key_id == known for known, _ in keys):
                raise KeyringInvalid(f"Sealing key {key_id} is listed twice.")
            keys.append((key_id, secret))
        chosen = current or keys[0][0]
        if all(chosen != key_id for key_id, _ in keys):
            raise KeyringInvalid(f"The current sealing key {chosen} is not in the keyring.")
        return cls(tuple(keys), chosen)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(key_id for key_id, _ in self.keys)

    def sealer(self, purpose: str, legacy_key: str | None = None) -> Sealer:
        """The sealer of one field; `legacy_key` opens what was sealed before key ids."""
        return _sealer(self, purpose, legacy_key)


@functools.lru_cache(maxsize=32)
def _sealer(keyring: Keyring, purpose: str, legacy_key: str | None) -> Sealer:
    # Deriving the keys once per process, not on every request that seals.
    return Sealer(keyring, purpose, legacy_key)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def is_sealed(stored: str | bytes) -> bool:
    """Whether a stored value is sealed (in any format), rather than written before its field
    was sealed. A plain value never looks sealed: the fields sealed late (emails, TOTP secrets)
    cannot hold a colon-separated envelope."""
    return isinstance(stored, bytes) or stored.startswith((_LEGACY, f"{_ENVELOPE}:"))


class Sealer:
    def __init__(self, keyring: Keyring, purpose: str, legacy_key: str | None = None) -> None:
        self._purpose = purpose.encode()
        self._associated = f"{_ENVELOPE}\x1f{purpose}".encode()
        self._current = keyring.current
        self._keks = {
            key_id: HKDF(
                algorithm=hashes.SHA256(),
                length=32,
                salt=None,
                info=b"expe-kek\x1f" + self._purpose,
            ).derive(secret.encode())
            for key_id, secret in keyring.keys
        }
        # The scheme before key ids: one AES-GCM key per purpose, hashed from the configured one.
        self._legacy = (
            None
            if legacy_key is None
            else AESGCM(hashlib.sha256(f"{purpose}\x1f{legacy_key}".encode()).digest())
        )

    @property
    def current_key_id(self) -> str:
        return self._current

    def seal(self, plain: str) -> str:
        return self.seal_bytes(plain.encode())

    def open(self, sealed: str) -> str:
        return self.open_bytes(sealed).decode()

    def open_field(self, stored: str) -> str:
        """Opens a sealed value; a value stored before its field was sealed is returned as it is."""
        return self.open(stored) if is_sealed(stored) else stored

    def seal_bytes(self, plain: bytes) -> str:
        dek = AESGCM.generate_key(bit_length=256)
        nonce = os.urandom(_NONCE_BYTES)
        ciphertext = AESGCM(dek).encrypt(nonce, plain, self._associated)
        return self._envelope(dek, nonce, ciphertext)

    def open_bytes(self, sealed: str | bytes) -> bytes:
        """Opens any sealed form: an envelope, `aesgcm1:` text or the raw legacy bytes."""
        if isinstance(sealed, bytes):
            return self._open_legacy(sealed)
        if sealed.startswith(_LEGACY):
            return self._open_legacy(base64.b64decode(sealed.removeprefix(_LEGACY)))
        dek, nonce, ciphertext = self._unwrapped(sealed)
        try:
            return AESGCM(dek).decrypt(nonce, ciphertext, self._associated)
        except InvalidTag:
            raise SealBroken("the sealed value was altered or belongs to another field") from None

    def key_id(self, stored: str | bytes) -> str | None:
        """The KEK a stored value is sealed under; None for legacy and plain values."""
        if isinstance(stored, bytes) or not stored.startswith(f"{_ENVELOPE}:"):
            return None
        return stored.split(":", 2)[1]

    def resealed(self, stored: str | bytes) -> str | None:
        """The value sealed under the current KEK, or None when it already is. An envelope only
        has its DEK re-wrapped (the ciphertext stays); legacy and plain values are sealed anew."""
        if self.key_id(stored) == self._current:
            return None
        if not is_sealed(stored):
            assert isinstance(stored, str)
            return self.seal(stored)
        if isinstance(stored, bytes) or stored.startswith(_LEGACY):
            return self.seal_bytes(self.open_bytes(stored))
        dek, nonce, ciphertext = self._unwrapped(stored)
        return self._envelope(dek, nonce, ciphertext)

    def _envelope(self, dek: bytes, nonce: bytes, ciphertext: bytes) -> str:
        wrapped = aes_key_wrap(self._keks[self._current], dek)
        return ":".join((_ENVELOPE, self._current, _b64(wrapped), _b64(nonce), _b64(ciphertext)))

    def _unwrapped(self, sealed: str) -> tuple[bytes, bytes, bytes]:
        parts = sealed.split(":")
        if len(parts) != 5 or parts[0] != _ENVELOPE:
            raise SealBroken("unknown sealing scheme")
        _, key_id, wrapped, nonce, ciphertext = parts
        kek = self._keks.get(key_id)
        if kek is None:
            raise SealBroken(f"the value is sealed under key {key_id}, which is not in the keyring")
        try:
            dek = aes_key_unwrap(kek, _unb64(wrapped))
        except (InvalidUnwrap, ValueError):
            raise SealBroken(f"the data key does not unwrap with key {key_id}") from None
        return dek, _unb64(nonce), _unb64(ciphertext)

    def _open_legacy(self, sealed: bytes) -> bytes:
        if self._legacy is None:
            raise SealBroken("the value is sealed under the legacy key, which is not configured")
        try:
            return self._legacy.decrypt(sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:], self._purpose)
        except InvalidTag:
            raise SealBroken("the sealed value does not open with the legacy key") from None
