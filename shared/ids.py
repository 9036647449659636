"""Prefixed random identifiers: pay_3hK9..., usr_..., so an id says what it names."""

from __future__ import annotations

import secrets
import string

PREFIXES = frozenset(
    "usr mer prj key pay re wal txn evt we wa sub plan dp plink req aud ses jwk inv".split()
)

_ALPHABET = string.ascii_letters + string.digits
# 22 base62 characters carry about 131 bits: collisions are not a practical concern.
_RANDOM_LENGTH = 22


def new_id(prefix: str) -> str:
    if prefix not in PREFIXES:
        raise ValueError(f"unknown id prefix {prefix!r}")
    return f"{prefix}_{''.join(secrets.choice(_ALPHABET) for _ in range(_RANDOM_LENGTH))}"


def has_prefix(value: str, prefix: str) -> bool:
    head, sep, tail = value.partition("_")
    return bool(sep) and head == prefix and tail.isalnum() and len(tail) == _RANDOM_LENGTH
