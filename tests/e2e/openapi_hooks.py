"""Schemathesis hooks of tests/e2e/test_openapi.py (loaded through SCHEMATHESIS_HOOKS).

Every request gets an `Idempotency-Key` of its own, as a client sends a new key per operation:
schemathesis draws short keys ("0") again and again, and a key seen before replays the first
answer (by design, whatever else the request carries), so an invalid request sent under it
would get that answer rather than its own. An invalid key is left as drawn, to be refused.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

import schemathesis
from schemathesis import Case, HookContext

HEADER = "Idempotency-Key"
# Short enough that the suffix keeps it within the header's 255 characters.
_VALID = re.compile(r"^[!-~]{1,238}$")


@schemathesis.hook
def before_call(ctx: HookContext, case: Case, **kwargs: Any) -> None:
    key = (case.headers or {}).get(HEADER)
    if not (isinstance(key, str) and _VALID.match(key)):
        return
    # A changed header makes schemathesis check the headers again, and a case that leaves out a
    # required one (the credentials) would then pass for a whole one and be sent with them.
    meta = case.meta
    if meta is not None and getattr(meta.phase.data, "scenario", None) == "missing_parameter":
        return
    case.headers[HEADER] = f"{key}-{secrets.token_hex(8)}"
