"""The Standard Webhooks signature scheme (https://www.standardwebhooks.com).

A secret is `whsec_` + base64 of random bytes. The signature of a message is
`v1,` + base64(HMAC-SHA256(secret bytes, "{webhook-id}.{webhook-timestamp}.{body}")); the
`webhook-signature` header holds one or more of them separated by spaces (two during a secret
rotation), and a receiver accepts the message when any of them matches.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

SECRET_PREFIX = "whsec_"
_SECRET_BYTES = 24


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(_SECRET_BYTES)).decode()


class MalformedSecret(ValueError):
    pass


def secret_bytes(secret: str) -> bytes:
    raw = secret.removeprefix(SECRET_PREFIX)
    try:
        key = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        raise MalformedSecret("the secret is not `whsec_` followed by base64") from None
    if not key:
        raise MalformedSecret("the secret is empty")
    return key


def signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = b"%s.%d.%s" % (message_id.encode(), timestamp, body)
    digest = hmac.new(secret_bytes(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signed_headers(
    secrets_: list[str], message_id: str, body: bytes, timestamp: int | None = None
) -> dict[str, str]:
    """The three headers of a delivery, signed with every secret in use."""
    at = int(time.time()) if timestamp is None else timestamp
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(at),
        "webhook-signature": " ".join(signature(s, message_id, at, body) for s in secrets_),
    }


@dataclass(frozen=True)
class Verdict:
    valid: bool
    # Why not, when not valid: missing_header, malformed_header, timestamp_outside_tolerance,
    # malformed_secret, signature_mismatch.
    reason: str | None = None
    message: str = "The signature is valid."


def _invalid(reason: str, message: str) -> Verdict:
    return Verdict(False, reason, message)


def verify(
    secret: str,
    body: bytes,
    headers: dict[str, str],
    *,
    tolerance_seconds: int,
    now: float | None = None,
) -> Verdict:
    """Checks a received message as a receiver should, saying what is wrong when it is."""
    lowered = {name.lower(): value for name, value in headers.items()}
    for name in ("webhook-id", "webhook-timestamp", "webhook-signature"):
        if not lowered.get(name):
            return _invalid("missing_header", f"The {name} header is missing.")
    message_id = lowered["webhook-id"]
    if not message_id.isascii():
        return _invalid("malformed_header", "webhook-id must be ASCII.")
    current = time.time() if now is None else now
    try:
        timestamp = int(lowered["webhook-timestamp"])
        drift = current - timestamp
    # OverflowError: an integer beyond any float, so no time at all.
    except (ValueError, OverflowError):
        return _invalid("malformed_header", "webhook-timestamp must be whole seconds since 1970.")
    offered = lowered["webhook-signature"].split()
    # Base64 is ASCII, and only ASCII strings can be compared in constant time.
    if not offered or any(
        not part.isascii() or not part.startswith("v1,") or len(part) == 3 for part in offered
    ):
        return _invalid(
            "malformed_header", "webhook-signature must be space-separated `v1,<base64>` entries."
        )
    if abs(drift) > tolerance_seconds:
        return _invalid(
            "timestamp_outside_tolerance",
            f"webhook-timestamp is {int(drift)} s from now; at most "
            f"{tolerance_seconds} s is accepted (a replayed or delayed message).",
        )
    try:
        expected = signature(secret, message_id, timestamp, body)
    except MalformedSecret as error:
        return _invalid("malformed_secret", f"The secret is malformed: {error}.")
    if any(hmac.compare_digest(expected, part) for part in offered):
        return Verdict(True)
    return _invalid(
        "signature_mismatch",
        "No signature matches: check the secret and that the body is the raw bytes received.",
    )
