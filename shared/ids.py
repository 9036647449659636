"""Prefixed random identifiers: pay_3hK9..., usr_..., so an id says what it names."""

from __future__ import annotations

import hashlib
import secrets
import string

PREFIXES = frozenset(
    """usr mer prj key pay re wal txn evt we wa msg sub plan in dp plink req aud ses jwk inv cus
    pm file""".split()
)

_ALPHABET = string.ascii_letters + string.digits
# 22 base62 characters carry about 131 bits: collisions are not a practical concern.
_RANDOM_LENGTH = 22


def new_id(prefix: str) -> str:
    if prefix not in PREFIXES:
        raise ValueError(f"unknown id prefix {prefix!r}")
    # 17 random bytes (136 bits) in one call, rather than a call per character.
    return f"{prefix}_{_base62(int.from_bytes(secrets.token_bytes(17), 'big'))}"


def derived_id(prefix: str, *parts: str) -> str:
    """An id computed from what it stands for (a retry names the same movement, leg or event):
    the prefix plus 22 base62 characters of SHA-256 over the parts, like a random id."""
    if prefix not in PREFIXES:
        raise ValueError(f"unknown id prefix {prefix!r}")
    digest = int.from_bytes(hashlib.sha256("\x1f".join(parts).encode()).digest(), "big")
    return f"{prefix}_{_base62(digest)}"


def id_for_request(prefix: str, merchant_id: str, mode: str, idempotency_key: str | None) -> str:
    """The id of what a merchant's request creates. With an Idempotency-Key it derives from the
    merchant, mode and key, so a request run again after a failure part way (its key released
    by a 5xx, or taken over from a process that died) finds what it made rather than making a
    second one; without a key it is a new random id."""
    if idempotency_key:
        return derived_id(prefix, merchant_id, mode, idempotency_key)
    return new_id(prefix)


def _base62(number: int) -> str:
    """The low `_RANDOM_LENGTH` base62 digits of `number`."""
    chars = []
    for _ in range(_RANDOM_LENGTH):
        number, index = divmod(number, len(_ALPHABET))
        chars.append(_ALPHABET[index])
    return "".join(chars)


def has_prefix(value: str, prefix: str) -> bool:
    head, sep, tail = value.partition("_")
    return bool(sep) and head == prefix and tail.isalnum() and len(tail) == _RANDOM_LENGTH
