"""Checking (and making) webhook signatures: the Standard Webhooks scheme Expe signs with.

A delivery carries `webhook-id`, `webhook-timestamp` (seconds since 1970) and
`webhook-signature`: one or more space-separated `v1,<base64 HMAC-SHA256>` over
`{webhook-id}.{webhook-timestamp}.{raw body}`, keyed with the base64-decoded part of the
endpoint's secret after `whsec_`. While a rotated secret is in its grace period there are two
signatures, and either one matching is enough.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Mapping

from expe.errors import SignatureVerificationError
from expe.models import Event

__all__ = ["DEFAULT_TOLERANCE_SECONDS", "generate_secret", "sign", "signed_headers", "verify"]

DEFAULT_TOLERANCE_SECONDS = 300
SECRET_PREFIX = "whsec_"


def generate_secret() -> str:
    """A new signing secret, `whsec_` + base64 of 24 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def _key(secret: str) -> bytes:
    try:
        key = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except (binascii.Error, ValueError):
        raise SignatureVerificationError(
            "The secret is not `whsec_` followed by base64: copy it whole from the endpoint."
        ) from None
    if not key:
        raise SignatureVerificationError("The secret is empty.")
    return key


def _as_bytes(payload: bytes | str) -> bytes:
    return payload.encode() if isinstance(payload, str) else payload


def sign(payload: bytes | str, secret: str, message_id: str, timestamp: int) -> str:
    """One `v1,…` signature of a payload."""
    signed = b"%s.%d.%s" % (message_id.encode(), timestamp, _as_bytes(payload))
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signed_headers(
    payload: bytes | str, secret: str, message_id: str, timestamp: int | None = None
) -> dict[str, str]:
    """The three `webhook-*` headers of a delivery of `payload`, signed with `secret`."""
    at = int(time.time()) if timestamp is None else timestamp
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(at),
        "webhook-signature": sign(payload, secret, message_id, at),
    }


def verify(
    payload: bytes | str,
    headers: Mapping[str, str],
    secret: str,
    *,
    tolerance: float = DEFAULT_TOLERANCE_SECONDS,
) -> Event:
    """The event a delivery carries, once its signature is proven; raises
    `SignatureVerificationError` otherwise.

    `payload` is the body exactly as received (bytes, not parsed and re-encoded), `headers` the
    request's headers (any mapping; names in any case), `secret` the endpoint's `whsec_…`.
    Timestamps further than `tolerance` seconds from now, past or future, are refused: a
    replayed message, or a clock far off.
    """
    lowered = {name.lower(): value for name, value in headers.items()}
    missing = [
        name
        for name in ("webhook-id", "webhook-timestamp", "webhook-signature")
        if not lowered.get(name)
    ]
    if missing:
        raise SignatureVerificationError(f"Missing header(s): {', '.join(missing)}.")
    message_id = lowered["webhook-id"]
    if not message_id.isascii():
        raise SignatureVerificationError("webhook-id is not ASCII.")
    try:
        timestamp = int(lowered["webhook-timestamp"])
        drift = time.time() - timestamp
    # OverflowError: an integer beyond any float, so no time at all.
    except (ValueError, OverflowError):
        raise SignatureVerificationError(
            "webhook-timestamp is not whole seconds since 1970."
        ) from None
    if abs(drift) > tolerance:
        raise SignatureVerificationError(
            f"webhook-timestamp is {int(drift)} s from now, beyond the "
            f"{tolerance:g} s accepted: a replayed or delayed message, or a clock far off."
        )
    try:
        body = _as_bytes(payload)
    except UnicodeEncodeError:
        raise SignatureVerificationError("The payload is not Unicode text.") from None
    expected = sign(body, secret, message_id, timestamp)
    # Base64 is ASCII, and only ASCII strings can be compared in constant time.
    offered = [
        part
        for part in lowered["webhook-signature"].split()
        if part.isascii() and part.startswith("v1,")
    ]
    # Every candidate is compared in constant time, so timing tells nothing about the secret.
    if not any(hmac.compare_digest(expected, candidate) for candidate in offered):
        raise SignatureVerificationError(
            "No signature matches: check the secret, and that the body is the raw bytes received."
        )
    try:
        return Event.model_validate(json.loads(body))
    except ValueError as error:
        raise SignatureVerificationError(f"The signed body is not an event: {error}") from None
