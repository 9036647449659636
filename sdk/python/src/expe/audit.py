"""Checking an exported audit log offline: `expe audit verify`, or `verify_lines` in code.

An export is JSON Lines, one entry a line, oldest first. Entry `n` of a chain has `seq` = n and
`prevHash` = the `hash` of entry n - 1 (64 zeros for the first), and

    hash = sha256(prevHash + canonical JSON of the entry without `hash` and `personal`)

where canonical JSON has sorted keys, no spaces and UTF-8 text. `personal` holds the personal
data of the entry (with a random salt), or null once the person was erased; while present, its
canonical JSON's SHA-256 is the entry's `personalDigest`. Any entry edited, removed or moved
breaks its own hash or the link of the next one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
_UNHASHED = ("hash", "personal")


@dataclass(frozen=True)
class AuditVerification:
    valid: bool
    # How many entries hold, in order from the first.
    entries: int
    # The position (1-based) of the first entry that does not hold, or None.
    broken_at: int | None


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _holds(entry: Any, position: int, prev_hash: str) -> bool:
    if not isinstance(entry, dict):
        return False
    hashed = {name: value for name, value in entry.items() if name not in _UNHASHED}
    expected = hashlib.sha256(prev_hash.encode() + _canonical(hashed)).hexdigest()
    personal = entry.get("personal")
    return (
        entry.get("seq") == position
        and entry.get("prevHash") == prev_hash
        and entry.get("hash") == expected
        and (
            personal is None
            or hashlib.sha256(_canonical(personal)).hexdigest() == entry.get("personalDigest")
        )
    )


def verify_lines(lines: Iterable[str]) -> AuditVerification:
    """Checks an export's lines in order (blank lines are skipped)."""
    prev_hash = GENESIS
    position = 0
    for line in lines:
        if not line.strip():
            continue
        position += 1
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            return AuditVerification(False, position - 1, position)
        if not _holds(entry, position, prev_hash):
            return AuditVerification(False, position - 1, position)
        prev_hash = entry["hash"]
    return AuditVerification(True, position, None)
