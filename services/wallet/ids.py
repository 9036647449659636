"""Ids derived from what they stand for, so a retry names the same movement, leg or event."""

from __future__ import annotations

import hashlib
import string

_ALPHABET = string.ascii_letters + string.digits
# The length of shared.ids' random part, so a derived id looks like any other.
_LENGTH = 22


def derived_id(prefix: str, *parts: str) -> str:
    """`prefix_` plus 22 base62 characters of SHA-256 over the parts (about 131 bits)."""
    digest = int.from_bytes(hashlib.sha256("\x1f".join(parts).encode()).digest(), "big")
    chars = []
    for _ in range(_LENGTH):
        digest, index = divmod(digest, len(_ALPHABET))
        chars.append(_ALPHABET[index])
    return f"{prefix}_{''.join(chars)}"
