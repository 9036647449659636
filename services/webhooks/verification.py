"""The endpoint handshake: a signed challenge the endpoint must echo before it gets events.

An endpoint created (or changed) with `verification: "challenge"` is pending. It is sent, at
once and inside the request that asked, a delivery like any other (same Standard Webhooks
headers, same secret) of the event `endpoint.verification` with `data.challenge`, a random
string. A 2xx answer whose body is `{"challenge": "<it>"}` or the bare string verifies it and
lifts the pending state; anything else leaves it pending with the reason, so a URL with a typo
is caught when it is saved rather than when the first payment's webhook goes nowhere.
"""

from __future__ import annotations

import dataclasses
import json
import secrets
from collections.abc import Callable
from datetime import datetime

from services.webhooks.delivery import Outcome
from services.webhooks.dispatcher import Dispatcher
from services.webhooks.endpoints import PENDING_VERIFICATION
from services.webhooks.events import VERIFICATION, body_of
from services.webhooks.store import WebhookStore
from shared.clock import now_ms
from shared.ids import new_id
from shared.mongo import Document

# How much of a wrong answer the endpoint's handshake shows; its attempt keeps up to 4 KiB.
ANSWER_EXCERPT = 256

_HINTS = {
    "connection_error": "check the URL's host and port for a typo, and that the server runs",
    "dns_error": "check the host name for a typo",
    "timeout": "answer the challenge before doing anything slow",
}


def new_challenge() -> str:
    return secrets.token_urlsafe(24)


def echoes(body: str, challenge: str) -> bool:
    """Whether an answer's body is `{"challenge": "<challenge>"}` or the bare challenge."""
    text = body.strip()
    if text == challenge:
        return True
    try:
        parsed = json.loads(text)
    except ValueError:
        return False
    return isinstance(parsed, dict) and parsed.get("challenge") == challenge


def judge(challenge: str) -> Callable[[Outcome], Outcome]:
    """Turns an answer into the challenge's outcome: delivered only when it echoes."""

    def judged(outcome: Outcome) -> Outcome:
        if outcome.error_code == "http_status":
            message = (
                f"The endpoint answered {outcome.status}; the challenge needs a 2xx answer "
                "that echoes data.challenge."
            )
            return dataclasses.replace(outcome, error=message)
        if outcome.error_code in _HINTS:
            message = f"{(outcome.error or '').rstrip('.')} ({_HINTS[outcome.error_code]})."
            return dataclasses.replace(outcome, error=message)
        body = (outcome.response or {}).get("body", "")
        if outcome.delivered and not echoes(body, challenge):
            return dataclasses.replace(
                outcome,
                delivered=False,
                error_code="challenge_mismatch",
                error=(
                    f"The endpoint answered {outcome.status} without echoing the challenge; "
                    'answer {"challenge": "<data.challenge>"} or the challenge as plain text.'
                ),
            )
        return outcome

    return judged


def _failure(attempt: Document) -> Document | None:
    if attempt["status"] == "succeeded":
        return None
    error = attempt.get("error") or {}
    body = (attempt.get("response") or {}).get("body")
    return {
        "code": error.get("code", "interrupted"),
        "message": error.get("message") or "The challenge got no answer.",
        "responseStatus": attempt.get("responseStatus"),
        "responseBody": body[:ANSWER_EXCERPT] if body else None,
    }


class Handshakes:
    def __init__(
        self,
        store: WebhookStore,
        dispatcher: Dispatcher,
        clock: Callable[[], datetime] = now_ms,
    ) -> None:
        self._store = store
        self._dispatcher = dispatcher
        self._clock = clock

    async def challenge(self, endpoint: Document) -> Document:
        """Sends the endpoint a new challenge now and records how it answered; returns the
        endpoint as it stands after (enabled when it echoed and was waiting for that)."""
        challenge = new_challenge()
        sent_at = self._clock()
        body = body_of(
            new_id("evt"),
            VERIFICATION,
            sent_at,
            endpoint["merchantId"],
            endpoint["mode"],
            {"challenge": challenge},
        )
        attempt = await self._dispatcher.challenge(endpoint, new_id("msg"), body, judge(challenge))
        failure = _failure(attempt)
        now = self._clock()
        handshake: Document = {
            "status": "pending" if failure else "verified",
            "challengedAt": sent_at,
            "verifiedAt": None if failure else now,
            "attemptId": attempt["_id"],
            "failure": failure,
        }
        # The answer counts only for the URL it came from: a change meanwhile sent its own.
        recorded = await self._store.update_endpoint_if(
            {"_id": endpoint["_id"], "url": endpoint["url"]},
            {"handshake": handshake, "updatedAt": now},
        )
        if recorded and not failure:
            await self._store.update_endpoint_if(
                {"_id": endpoint["_id"], "disabledReason": PENDING_VERIFICATION},
                {"enabled": True, "failingSince": None, "updatedAt": now},
                unset=("disabledReason", "disabledAt"),
            )
        return await self._store.endpoint(endpoint["_id"]) or {**endpoint, "handshake": handshake}
