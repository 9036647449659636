"""Webhooks routes: endpoints, messages, attempts, retries, replays, tests and verification."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from services.webhooks import examples
from services.webhooks.deps import WebhooksDep
from services.webhooks.endpoints import refuse_unverified
from services.webhooks.errors import (
    AttemptNotFound,
    AttemptNotRetryable,
    EndpointAlreadyVerified,
    EndpointDisabled,
    EndpointNotFound,
    EndpointNotVerified,
    EndpointUrlInvalid,
    EndpointUrlRefused,
    EndpointVerificationOff,
    HttpsRequired,
    PaymentNotFound,
    TooManyEndpoints,
    UnknownEventType,
)
from services.webhooks.events import DELIVERABLE
from services.webhooks.schemas import (
    Attempt,
    AttemptDetail,
    AttemptError,
    Endpoint,
    EndpointCreate,
    EndpointCreated,
    EndpointUpdate,
    Message,
    MessageWithAttempts,
    PaymentWebhooks,
    PingResult,
    ReplayRequest,
    ReplayResult,
    SecretRotate,
    SecretRotated,
    TestEventCreate,
    VerifyRequest,
    VerifyResult,
)
from services.webhooks.signing import verify
from shared.errors import PermissionDenied
from shared.idempotency import IdempotentRoute
from shared.ids import has_prefix
from shared.mongo import Document
from shared.openapi import errors
from shared.paging import Page, PagingDep
from shared.records import from_doc
from shared.scopes import Reader, Scope, Writer

router = APIRouter(tags=["webhooks"], route_class=IdempotentRoute)

_ENDPOINTS = "/api/v1/webhooks/endpoints"


def _endpoint(doc: Document) -> Endpoint:
    return Endpoint.model_validate(from_doc(doc))


def _message(doc: Document) -> Message:
    return Message.model_validate(from_doc(doc))


def _attempt(doc: Document) -> AttemptDetail:
    return AttemptDetail.model_validate(from_doc(doc))


def _attempt_summary(doc: Document) -> Attempt:
    return Attempt.model_validate(from_doc(doc))


# Endpoints.


@router.post(
    _ENDPOINTS,
    status_code=201,
    response_model_by_alias=True,
    summary="Create a webhook endpoint",
    responses={
        **errors(
            EndpointUrlInvalid,
            EndpointUrlRefused,
            HttpsRequired,
            UnknownEventType,
            TooManyEndpoints,
            PermissionDenied,
        ),
        201: examples.ENDPOINT_CREATED,
    },
    openapi_extra=examples.CREATE_ENDPOINT,
)
async def create_endpoint(
    body: EndpointCreate, scope: Writer, hooks: WebhooksDep
) -> EndpointCreated:
    """Registers an endpoint; its signing secret is in this answer only. With `verification:
    "challenge"` it is sent the signed challenge at once, and the answer says whether it echoed."""
    endpoint, secret = await hooks.endpoints.create(scope, body)
    if body.verification == "challenge":
        endpoint = await hooks.handshakes.challenge(endpoint)
    return EndpointCreated.model_validate(from_doc(endpoint) | {"secret": secret})


@router.get(
    _ENDPOINTS,
    response_model_by_alias=True,
    summary="List webhook endpoints",
    responses=errors(PermissionDenied),
)
async def list_endpoints(
    scope: Reader,
    hooks: WebhooksDep,
    paging: PagingDep,
    project_id: Annotated[str | None, Query(alias="projectId", max_length=64)] = None,
) -> Page[Endpoint]:
    """The merchant's endpoints in the caller's mode, oldest first."""
    found, total = await hooks.endpoints.page(scope, paging, project_id)
    return Page[Endpoint].of([_endpoint(doc) for doc in found], paging, total)


@router.get(
    _ENDPOINTS + "/{endpoint_id}",
    response_model_by_alias=True,
    summary="Retrieve a webhook endpoint",
    responses=errors(EndpointNotFound, PermissionDenied),
)
async def get_endpoint(endpoint_id: str, scope: Reader, hooks: WebhooksDep) -> Endpoint:
    """One endpoint (never its secret)."""
    return _endpoint(await hooks.endpoints.get(scope, endpoint_id))


@router.patch(
    _ENDPOINTS + "/{endpoint_id}",
    response_model_by_alias=True,
    summary="Update a webhook endpoint",
    responses=errors(
        EndpointNotFound,
        EndpointUrlInvalid,
        EndpointUrlRefused,
        HttpsRequired,
        UnknownEventType,
        EndpointNotVerified,
        PermissionDenied,
    ),
)
async def update_endpoint(
    endpoint_id: str, body: EndpointUpdate, scope: Writer, hooks: WebhooksDep
) -> Endpoint:
    """Changes the URL, event filter, description, handshake, or enables/disables the endpoint;
    a new URL of an endpoint that asks for verification is challenged at once."""
    endpoint, challenge_due = await hooks.endpoints.update(scope, endpoint_id, body)
    if challenge_due:
        endpoint = await hooks.handshakes.challenge(endpoint)
    return _endpoint(endpoint)


@router.delete(
    _ENDPOINTS + "/{endpoint_id}",
    status_code=204,
    summary="Delete a webhook endpoint",
    responses=errors(EndpointNotFound, PermissionDenied),
)
async def delete_endpoint(endpoint_id: str, scope: Writer, hooks: WebhooksDep) -> Response:
    """Deletes the endpoint; messages still waiting for it are canceled."""
    await hooks.endpoints.delete(scope, endpoint_id)
    return Response(status_code=204)


@router.post(
    _ENDPOINTS + "/{endpoint_id}/rotate-secret",
    response_model_by_alias=True,
    summary="Rotate an endpoint's signing secret",
    responses=errors(EndpointNotFound, PermissionDenied),
)
async def rotate_secret(
    endpoint_id: str, scope: Writer, hooks: WebhooksDep, body: SecretRotate | None = None
) -> SecretRotated:
    """A new signing secret; the previous one keeps signing alongside until it expires."""
    grace = body.grace_seconds if body else None
    secret, expires = await hooks.endpoints.rotate(scope, endpoint_id, grace)
    return SecretRotated(endpoint_id=endpoint_id, secret=secret, previous_secret_expires_at=expires)


@router.post(
    _ENDPOINTS + "/{endpoint_id}/test",
    status_code=201,
    response_model_by_alias=True,
    summary="Send a test event",
    responses=errors(
        UnknownEventType, EndpointNotFound, EndpointNotVerified, EndpointDisabled, PermissionDenied
    ),
)
async def send_test_event(
    endpoint_id: str, scope: Writer, hooks: WebhooksDep, body: TestEventCreate | None = None
) -> Message:
    """Queues a sample event (data.test = true) for the endpoint, delivered like any other."""
    event_type = body.event_type if body else TestEventCreate().event_type
    if event_type not in DELIVERABLE:
        raise UnknownEventType(
            f"Unknown event type {event_type!r}; use one of {', '.join(DELIVERABLE)}.",
            param="eventType",
        )
    endpoint = await hooks.endpoints.get(scope, endpoint_id)
    if not endpoint["enabled"]:
        refuse_unverified(endpoint)
        raise EndpointDisabled(f"Endpoint {endpoint_id} is disabled; enable it to send to it.")
    return _message(await hooks.messages.test_event(endpoint, event_type))


@router.post(
    _ENDPOINTS + "/{endpoint_id}/ping",
    response_model_by_alias=True,
    summary="Ping a webhook endpoint",
    responses=errors(EndpointNotFound, PermissionDenied),
)
async def ping_endpoint(endpoint_id: str, scope: Writer, hooks: WebhooksDep) -> PingResult:
    """Sends a signed `webhook.ping` now and reports the answer and its latency."""
    endpoint = await hooks.endpoints.get(scope, endpoint_id)
    message_id, body = hooks.messages.ping_body(endpoint)
    attempt = await hooks.dispatcher.ping(endpoint, message_id, body)
    error = attempt.get("error")
    return PingResult(
        endpoint_id=endpoint_id,
        ok=attempt["status"] == "succeeded",
        status=attempt.get("responseStatus"),
        latency_ms=attempt["latencyMs"],
        error=AttemptError.model_validate(error) if error else None,
        attempt_id=attempt["_id"],
    )


@router.post(
    _ENDPOINTS + "/{endpoint_id}/verify",
    response_model_by_alias=True,
    summary="Challenge an endpoint again",
    responses=errors(
        EndpointNotFound, EndpointVerificationOff, EndpointAlreadyVerified, PermissionDenied
    ),
)
async def verify_endpoint(endpoint_id: str, scope: Writer, hooks: WebhooksDep) -> Endpoint:
    """Sends a pending endpoint a new signed challenge now; it is enabled once it echoes it."""
    endpoint = await hooks.endpoints.get(scope, endpoint_id)
    if endpoint.get("verification", "none") != "challenge":
        raise EndpointVerificationOff(
            f"Endpoint {endpoint_id} does not ask for verification; PATCH it with "
            '{"verification": "challenge"} to turn the handshake on.'
        )
    if (endpoint.get("handshake") or {}).get("status") == "verified":
        raise EndpointAlreadyVerified(
            f"Endpoint {endpoint_id} has echoed its challenge already; a new URL is challenged "
            "again when it is saved. Ping it to check that it answers."
        )
    await hooks.endpoints.verification_requested(scope, endpoint)
    return _endpoint(await hooks.handshakes.challenge(endpoint))


@router.post(
    _ENDPOINTS + "/{endpoint_id}/replay",
    status_code=202,
    response_model_by_alias=True,
    summary="Replay events to an endpoint",
    responses=errors(EndpointNotFound, EndpointNotVerified, PermissionDenied),
)
async def replay_events(
    endpoint_id: str, body: ReplayRequest, scope: Writer, hooks: WebhooksDep
) -> ReplayResult:
    """Sends again every event since `since` (until `until`) the endpoint subscribes to."""
    endpoint = await hooks.endpoints.get(scope, endpoint_id)
    refuse_unverified(endpoint)
    queued = await hooks.messages.replay(endpoint, body.since, body.until)
    return ReplayResult(endpoint_id=endpoint_id, queued=queued)


# Messages and attempts.

MessageStatus = Literal["pending", "delivered", "failed", "canceled"]
AttemptStatus = Literal["sending", "succeeded", "failed"]


@router.get(
    "/api/v1/webhooks/messages",
    response_model_by_alias=True,
    summary="List webhook messages",
    responses=errors(PermissionDenied),
)
async def list_messages(
    scope: Reader,
    hooks: WebhooksDep,
    paging: PagingDep,
    endpoint_id: Annotated[str | None, Query(alias="endpointId", max_length=64)] = None,
    payment_id: Annotated[str | None, Query(alias="paymentId", max_length=64)] = None,
    status: MessageStatus | None = None,
) -> Page[Message]:
    """Messages (one event for one endpoint), newest first."""
    query: Document = {"merchantId": scope.merchant_id, "mode": scope.mode}
    for field, value in (
        ("endpointId", endpoint_id),
        ("paymentId", payment_id),
        ("status", status),
    ):
        if value is not None:
            query[field] = value
    found, total = await hooks.store.messages(query, skip=paging.skip, limit=paging.limit)
    return Page[Message].of([_message(doc) for doc in found], paging, total)


@router.get(
    "/api/v1/webhooks/attempts",
    response_model_by_alias=True,
    summary="List delivery attempts",
    responses=errors(PermissionDenied),
)
async def list_attempts(
    scope: Reader,
    hooks: WebhooksDep,
    paging: PagingDep,
    payment_id: Annotated[str | None, Query(alias="paymentId", max_length=64)] = None,
    endpoint_id: Annotated[str | None, Query(alias="endpointId", max_length=64)] = None,
    message_id: Annotated[str | None, Query(alias="messageId", max_length=64)] = None,
    status: AttemptStatus | None = None,
) -> Page[Attempt]:
    """Every delivery attempt, newest first; open one for its request and response."""
    query: Document = {"merchantId": scope.merchant_id, "mode": scope.mode}
    filters = (
        ("paymentId", payment_id),
        ("endpointId", endpoint_id),
        ("messageId", message_id),
        ("status", status),
    )
    for field, value in filters:
        if value is not None:
            query[field] = value
    found, total = await hooks.store.attempts(
        query, skip=paging.skip, limit=paging.limit, fields={"request": 0, "response": 0}
    )
    return Page[Attempt].of([_attempt_summary(doc) for doc in found], paging, total)


async def _own_attempt(attempt_id: str, scope: Scope, hooks: WebhooksDep) -> Document:
    attempt = await hooks.store.attempt(attempt_id)
    if (
        attempt is None
        or attempt["merchantId"] != scope.merchant_id
        or attempt["mode"] != scope.mode
    ):
        raise AttemptNotFound(f"No webhook attempt {attempt_id} in {scope.mode} mode.")
    return attempt


@router.get(
    "/api/v1/webhooks/attempts/{attempt_id}",
    response_model_by_alias=True,
    summary="Retrieve a delivery attempt",
    responses=errors(AttemptNotFound, PermissionDenied),
)
async def get_attempt(attempt_id: str, scope: Reader, hooks: WebhooksDep) -> AttemptDetail:
    """One attempt with the request sent and the response received (bodies truncated)."""
    return _attempt(await _own_attempt(attempt_id, scope, hooks))


@router.post(
    "/api/v1/webhooks/verify",
    response_model_by_alias=True,
    summary="Verify a webhook signature",
    responses={**errors(PermissionDenied), 200: examples.SIGNATURE_VERDICT},
    openapi_extra=examples.VERIFY_SIGNATURE,
)
async def verify_signature(body: VerifyRequest, _: Reader, hooks: WebhooksDep) -> VerifyResult:
    """Checks a received webhook's signature as a receiver should, and says why it fails."""
    tolerance = body.tolerance_seconds
    verdict = verify(
        body.secret,
        body.body.encode(),
        body.headers,
        tolerance_seconds=hooks.settings.signature_tolerance_seconds
        if tolerance is None
        else tolerance,
    )
    return VerifyResult(valid=verdict.valid, reason=verdict.reason, message=verdict.message)


@router.post(
    "/api/v1/webhooks/{attempt_id}/retry",
    status_code=201,
    response_model_by_alias=True,
    summary="Retry a delivery attempt",
    responses=errors(
        AttemptNotFound,
        AttemptNotRetryable,
        EndpointNotFound,
        EndpointNotVerified,
        EndpointDisabled,
        PermissionDenied,
    ),
)
async def retry_attempt(attempt_id: str, scope: Writer, hooks: WebhooksDep) -> AttemptDetail:
    """Sends the attempt's message again now, with the same webhook-id; returns the new attempt."""
    attempt = await _own_attempt(attempt_id, scope, hooks)
    return _attempt(await hooks.dispatcher.retry(attempt))


@router.get(
    "/api/v1/payments/{payment_id}/webhooks",
    response_model_by_alias=True,
    summary="A payment's webhooks",
    responses=errors(PaymentNotFound, PermissionDenied),
)
async def payment_webhooks(payment_id: str, scope: Reader, hooks: WebhooksDep) -> PaymentWebhooks:
    """Every webhook message about the payment, with its attempts, newest first; 404
    payment_not_found for a payment that is not the caller's."""
    query = {"merchantId": scope.merchant_id, "mode": scope.mode, "paymentId": payment_id}
    messages, _ = await hooks.store.messages(query, limit=200)
    # Messages exist for merchants with endpoints only: without any, payments says whose it is.
    if not messages and not (
        has_prefix(payment_id, "pay")
        and await hooks.payments.belongs_to(payment_id, scope.merchant_id, scope.mode)
    ):
        raise PaymentNotFound(f"No payment {payment_id} in {scope.mode} mode.")
    attempts = await hooks.store.attempts_of([m["_id"] for m in messages])
    by_message: dict[str, list[Attempt]] = {}
    for doc in attempts:
        by_message.setdefault(doc["messageId"], []).append(_attempt_summary(doc))
    data = [
        MessageWithAttempts.model_validate(from_doc(m) | {"attempts": by_message.get(m["_id"], [])})
        for m in messages
    ]
    return PaymentWebhooks(payment_id=payment_id, data=data)
