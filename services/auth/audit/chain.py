"""The hash chain of audit entries, as exported and verified.

Each merchant has its own chain, and events with no merchant form the `platform` chain. An entry
at position `seq` (1, 2, ...) carries the hash of the entry before it (`prevHash`, 64 zeros for
the first) and its own `hash = sha256(prevHash + canonical JSON of the entry)`, the entry being
every exported field but `hash` and `personal`. Changing, removing or reordering any entry breaks
the hash of that entry or the link of the next one.

Personal data (emails, addresses, user agents) sits beside the chain in `personal`, so that
erasing a person does not break it: the chain holds `personalDigest`, the SHA-256 of the
canonical `personal` with a random salt in it. While `personal` is there it must match the digest;
once erased (null), the salt is gone with it and the digest tells nothing about the person.

The same rules are written out in the Python SDK (`expe audit verify`), which checks an export
with nothing but this description.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from shared.clock import instant_text
from shared.mongo import Document

GENESIS = "0" * 64
PLATFORM_CHAIN = "platform"
# The fields an exported entry has besides those the hash covers.
UNHASHED = frozenset({"hash", "personal"})


def chain_of(merchant_id: str | None) -> str:
    return merchant_id or PLATFORM_CHAIN


def canonical(value: Any) -> bytes:
    """JSON with sorted keys, no spaces, UTF-8: the same bytes for the same entry anywhere."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(prev_hash: str, hashed: dict[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode() + canonical(hashed)).hexdigest()


def salted(personal: dict[str, Any]) -> dict[str, Any]:
    return {**personal, "salt": secrets.token_hex(16)}


def personal_digest(personal: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(personal)).hexdigest()


def hashed_fields(doc: Document) -> dict[str, Any]:
    """What the hash of a stored entry covers, named as the export names it."""
    return {
        "id": doc["_id"],
        "chain": doc["chain"],
        "seq": doc["seq"],
        "prevHash": doc["prevHash"],
        "action": doc["action"],
        "at": instant_text(doc["at"]),
        "merchantId": doc.get("merchantId"),
        "userId": doc.get("userId"),
        "actor": doc["actor"],
        "target": doc.get("target") or {},
        "requestId": doc.get("requestId"),
        "personalDigest": doc["personalDigest"],
    }


def exported(doc: Document) -> dict[str, Any]:
    """One line of an export: the hashed fields, the hash, and the personal data if kept."""
    return {**hashed_fields(doc), "hash": doc["hash"], "personal": doc.get("personal")}


@dataclass(frozen=True)
class Verification:
    valid: bool
    entries: int
    # The position (1-based) of the first entry that does not hold, or None.
    broken_at: int | None


def verify(
    entries: Iterable[dict[str, Any]], *, expected_length: int | None = None
) -> Verification:
    """Checks exported entries in their order; `expected_length` (the chain's recorded head)
    catches entries removed from the end."""
    prev_hash = GENESIS
    count = 0
    for position, entry in enumerate(entries, start=1):
        count = position
        hashed = {name: value for name, value in entry.items() if name not in UNHASHED}
        personal = entry.get("personal")
        if (
            entry.get("seq") != position
            or entry.get("prevHash") != prev_hash
            or entry.get("hash") != entry_hash(prev_hash, hashed)
            or (personal is not None and personal_digest(personal) != entry.get("personalDigest"))
        ):
            return Verification(False, position - 1, position)
        prev_hash = entry["hash"]
    if expected_length is not None and count < expected_length:
        return Verification(False, count, count + 1)
    return Verification(True, count, None)
