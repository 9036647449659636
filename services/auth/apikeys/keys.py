"""API key strings: `sk_test_` / `sk_live_` / `pk_test_` / `pk_live_` + 32 base62 characters.

The key is shown once; only its SHA-256 is kept. 32 base62 characters carry about 190 bits, so an
unsalted fast hash is safe here: there is nothing to guess from it.
"""

from __future__ import annotations

import re
import secrets
import string
from dataclasses import dataclass

from services.auth.digest import digest
from shared.identity import KeyType, Mode

_ALPHABET = string.ascii_letters + string.digits
RANDOM_LENGTH = 32
_TYPE_PREFIX: dict[KeyType, str] = {"secret": "sk", "publishable": "pk"}
_WELL_FORMED = re.compile(rf"(sk|pk)_(test|live)_[A-Za-z0-9]{{{RANDOM_LENGTH}}}")


@dataclass(frozen=True)
class NewKey:
    secret: str
    prefix: str

    @property
    def last4(self) -> str:
        return self.secret[-4:]

    @property
    def digest(self) -> str:
        return digest(self.secret)


def prefix_of(key_type: KeyType, mode: Mode) -> str:
    return f"{_TYPE_PREFIX[key_type]}_{mode}_"


def generate(key_type: KeyType, mode: Mode) -> NewKey:
    prefix = prefix_of(key_type, mode)
    random_part = "".join(secrets.choice(_ALPHABET) for _ in range(RANDOM_LENGTH))
    return NewKey(secret=prefix + random_part, prefix=prefix)


def well_formed(key: str) -> bool:
    return _WELL_FORMED.fullmatch(key) is not None
