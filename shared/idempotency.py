"""`Idempotency-Key` for POST routes: the same key with the same body replays the first response.

A request with the header claims the key (`shared.claims`: an insert whose `_id` is a digest of the
caller's scope plus the key), so of concurrent requests exactly one runs. The others see the claim:
another body under the same key is refused (409 `idempotency_key_reused`, naming the top-level
fields that differ from the first request's, with both values for plain ones such as the amount
and currency; the claim keeps a digest per field for that, sealed), a request still running
is refused (409 `idempotency_key_in_use`, retry shortly), a finished one is replayed with
`Idempotent-Replayed: true`. Responses are kept for at least 24 hours, sealed (`shared.sealing`,
under the service's keyring): a first response may carry a secret shown once, such as a new
webhook endpoint's signing secret, and the database must not hold it readable. A 5xx answer releases
the key, so the client's retry runs again.

Use it per router: `APIRouter(route_class=IdempotentRoute)`.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import orjson
from fastapi import Header, Request, Response
from fastapi.routing import APIRoute
from pymongo import ASCENDING, IndexModel
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import PyMongoError

from shared.claims import insert_once
from shared.errors import Conflict, InvalidRequest
from shared.identity import Caller, caller_from_request
from shared.mongo import CollectionIndexes, Document
from shared.reseal import SealedField
from shared.sealing import Sealer
from shared.settings import BaseServiceSettings

logger = logging.getLogger("expe.idempotency")

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
# A route's own view of the key (to derive the id of what it creates); the idempotent route
# reads and checks it first, and documents it.
IdempotencyKey = Annotated[str | None, Header(alias=HEADER, include_in_schema=False)]
IDEMPOTENCY_KEYS = "idempotency_keys"
RETENTION = timedelta(hours=24)
# A claim older than this whose request never finished (its process died) may be taken over:
# twice the gateway's upstream timeout, past which no caller still waits for the answer.
ABANDONED_AFTER = timedelta(seconds=30)
_VALID_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")
_KEPT_HEADERS = ("content-type", "location")
# Fields whose values a conflict may show (never a secret, a card or free text); every other
# field is named only. Past this many top-level fields a body is compared as a whole.
_PLAIN_FIELDS = frozenset({"amount", "currency", "method", "mode", "type", "eventType", "outcome"})
_MOST_FIELDS = 64


IDEMPOTENCY_INDEXES = CollectionIndexes(
    IDEMPOTENCY_KEYS, (IndexModel([("createdAt", ASCENDING)], name="created_at"),)
)


class IdempotencyKeyReused(Conflict):
    """The key was used before with a different request."""

    code = "idempotency_key_reused"


class IdempotencyKeyInUse(Conflict):
    """A request with this key is still being processed."""

    code = "idempotency_key_in_use"


def key_scope(caller: Caller) -> str:
    """Keys are per caller: two merchants may pick the same key without meeting."""
    if caller.kind == "api_key":
        return f"merchant:{caller.merchant_id}:{caller.mode}"
    if caller.kind == "user":
        return f"user:{caller.user_id}"
    return f"ip:{caller.ip}"


class IdempotentRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def idempotent_handler(request: Request) -> Response:
            key = request.headers.get(HEADER)
            if request.method != "POST" or key is None:
                return await handle(request)
            if not _VALID_KEY.match(key):
                raise InvalidRequest(
                    f"{HEADER} must be 1 to 255 printable ASCII characters.", param=HEADER
                )
            keys: AsyncCollection[Document] = request.app.state.runtime.db[IDEMPOTENCY_KEYS]
            claim_id = hashlib.sha256(
                f"{key_scope(await caller_from_request(request))}:{key}".encode()
            ).hexdigest()
            body = await request.body()
            fingerprint = hashlib.sha256(
                b"%s %s\n%s" % (request.method.encode(), request.url.path.encode(), body)
            ).hexdigest()
            sealer = _sealer(request, _RESPONSE)
            summary = _Summary(
                request_summary(request.method, request.url.path, body),
                _sealer(request, _REQUEST),
            )
            replay = await _claim(keys, claim_id, fingerprint, summary, sealer)
            if replay is not None:
                return replay
            try:
                response = await handle(request)
            except BaseException:
                await keys.delete_one({"_id": claim_id})
                raise
            if response.status_code >= 500:
                await keys.delete_one({"_id": claim_id})
            else:
                await keys.update_one({"_id": claim_id}, {"$set": _stored(response, sealer)})
            return response

        return idempotent_handler


# What is sealed in a claim, each under a key of its own, so that neither can pass for the other.
_RESPONSE = "idempotent-response"
_REQUEST = "idempotent-request"
# Where they are, for the re-seal job (shared/reseal.py).
SEALED_FIELDS = (
    SealedField(IDEMPOTENCY_KEYS, "sealedBody", _RESPONSE),
    SealedField(IDEMPOTENCY_KEYS, "sealedRequest", _REQUEST),
)


def sealer_for(settings: BaseServiceSettings, purpose: str) -> Sealer:
    # Claims stored before the keyring were sealed under a key derived from the internal secret.
    legacy = settings.internal_secret.get_secret_value()
    return settings.sealing_keyring().sealer(purpose, legacy_key=legacy)


def sealed_fields(settings: BaseServiceSettings) -> list[tuple[SealedField, Sealer]]:
    """The claims' sealed fields with their sealers, for a service's re-seal command."""
    return [(field, sealer_for(settings, field.purpose)) for field in SEALED_FIELDS]


def _sealer(request: Request, purpose: str) -> Sealer:
    return sealer_for(request.app.state.runtime.settings, purpose)


def request_summary(method: str, path: str, body: bytes) -> dict[str, Any]:
    """What a conflict needs to say how a request differs from the first under its key: the
    route, and per top-level field a digest, plus the value of a plain field (a body that is no
    JSON object, or has very many fields, is one digest)."""
    summary: dict[str, Any] = {"route": f"{method} {path}"}
    try:
        fields = orjson.loads(body) if body else None
    except orjson.JSONDecodeError:
        fields = None
    if not isinstance(fields, dict) or len(fields) > _MOST_FIELDS:
        summary["body"] = _digest(body)
        return summary
    summary["fields"] = {
        str(name): {"digest": _digest(orjson.dumps(value, option=orjson.OPT_SORT_KEYS))}
        | ({"value": value} if _shown(str(name), value) else {})
        for name, value in fields.items()
    }
    return summary


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


def _shown(name: str, value: Any) -> bool:
    plain = (
        value is None
        or isinstance(value, bool | int | float)
        or (isinstance(value, str) and len(value) <= 40)
    )
    return name in _PLAIN_FIELDS and plain


def _differences(first: dict[str, Any], now: dict[str, Any]) -> str:
    """`amount differs (first 1000, now 2000)`, … or why the two cannot be compared by field."""
    if first["route"] != now["route"]:
        return f"it was sent to {first['route']}"
    if "fields" not in first or "fields" not in now:
        return "the body differs"
    before, after = first["fields"], now["fields"]
    said = []
    for name in [*before, *(name for name in after if name not in before)]:
        if name not in after:
            said.append(f"{name} is missing")
        elif name not in before:
            said.append(f"{name} was not in the first request")
        elif before[name]["digest"] != after[name]["digest"]:
            if "value" in before[name] and "value" in after[name]:
                values = f"first {_text(before[name]['value'])}, now {_text(after[name]['value'])}"
                said.append(f"{name} differs ({values})")
            else:
                said.append(f"{name} differs")
    return "; ".join(said) or "the same fields, written differently"


def _text(value: Any) -> str:
    return value if isinstance(value, str) else orjson.dumps(value).decode()


@dataclass(frozen=True)
class _Summary:
    """This request's summary (`request_summary`), and the sealer that keeps it in its claim."""

    of_request: dict[str, Any]
    sealer: Sealer

    def sealed(self) -> str:
        return self.sealer.seal_bytes(orjson.dumps(self.of_request))

    def reused(self, earlier: Document) -> IdempotencyKeyReused:
        """The conflict with the claim `earlier`, saying what differs."""
        if "sealedRequest" not in earlier:  # claimed before requests were summarized
            return IdempotencyKeyReused(
                f"This {HEADER} was already used with a different request; use a new key."
            )
        first = orjson.loads(self.sealer.open_bytes(earlier["sealedRequest"]))
        return IdempotencyKeyReused(
            f"This {HEADER} was used with a different request: "
            f"{_differences(first, self.of_request)}."
        )


async def _claim(
    keys: AsyncCollection[Document],
    claim_id: str,
    fingerprint: str,
    summary: _Summary,
    sealer: Sealer,
) -> Response | None:
    """Claims the key (returns None: run the request) or answers for an earlier claim."""
    now = datetime.now(UTC)
    for _ in range(2):
        claim = {
            "_id": claim_id,
            "fingerprint": fingerprint,
            "sealedRequest": summary.sealed(),
            "createdAt": now,
        }
        if await insert_once(keys, claim):
            return None
        earlier = await keys.find_one({"_id": claim_id})
        if earlier is None:
            continue  # released between our insert and read: claim again
        if earlier["fingerprint"] != fingerprint:
            raise summary.reused(earlier)
        if "status" in earlier:
            return _replayed(earlier, sealer)
        if now - earlier["createdAt"] < ABANDONED_AFTER:
            raise IdempotencyKeyInUse(
                f"A request with this {HEADER} is still in progress; retry shortly."
            )
        # Its process died mid-request: release the claim and race for it once more.
        await keys.delete_one({"_id": claim_id, "createdAt": earlier["createdAt"]})
    raise IdempotencyKeyInUse(f"A request with this {HEADER} is still in progress.")


def _stored(response: Response, sealer: Sealer) -> dict[str, Any]:
    return {
        "status": response.status_code,
        "sealedBody": sealer.seal_bytes(bytes(response.body)),
        "headers": {k: v for k, v in response.headers.items() if k in _KEPT_HEADERS},
        "completedAt": datetime.now(UTC),
    }


def _replayed(stored: Document, sealer: Sealer) -> Response:
    headers = {**stored.get("headers", {}), REPLAYED_HEADER: "true"}
    # Responses stored before sealing keep a plain `body` until the retention drops them.
    body = sealer.open_bytes(stored["sealedBody"]) if "sealedBody" in stored else stored["body"]
    return Response(content=body, status_code=stored["status"], headers=headers)


async def purge_expired_keys(db: AsyncDatabase[Document]) -> None:
    """Forgets keys past the retention, every few minutes (the local store has no TTL
    indexes, so one loop does it everywhere)."""
    while True:
        try:
            cutoff = datetime.now(UTC) - RETENTION
            await db[IDEMPOTENCY_KEYS].delete_many({"createdAt": {"$lt": cutoff}})
        except PyMongoError as error:
            logger.warning("idempotency purge failed", extra={"error": repr(error)})
        await asyncio.sleep(600)
