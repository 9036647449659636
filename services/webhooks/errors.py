"""What the webhooks API refuses, named as facts."""

from __future__ import annotations

from shared.errors import Conflict, InvalidRequest, ResourceNotFound


class EndpointNotFound(ResourceNotFound):
    """No webhook endpoint with this id for this merchant and mode."""


class AttemptNotFound(ResourceNotFound):
    """No delivery attempt with this id for this merchant and mode."""


class PaymentNotFound(ResourceNotFound):
    """No payment with this id for this merchant and mode (the code the payments routes use)."""

    code = "payment_not_found"


class EndpointUrlRefused(InvalidRequest):
    """The endpoint URL may not receive webhooks in this mode (an internal address)."""

    code = "url_not_allowed"


class EndpointUrlInvalid(InvalidRequest):
    """The endpoint URL is not an absolute http(s) URL without credentials or fragment."""

    code = "url_invalid"


class HttpsRequired(InvalidRequest):
    """Live-mode endpoints must use https://."""

    code = "https_required"


URL_ERRORS: dict[str, type[InvalidRequest]] = {
    "url_not_allowed": EndpointUrlRefused,
    "url_invalid": EndpointUrlInvalid,
    "https_required": HttpsRequired,
}


class UnknownEventType(InvalidRequest):
    """An event type the endpoint asks for does not exist."""

    code = "unknown_event_type"


class TooManyEndpoints(Conflict):
    """The merchant has as many endpoints in this mode as allowed."""

    code = "too_many_endpoints"


class EndpointDisabled(Conflict):
    """The endpoint is disabled; enable it before sending to it."""

    code = "endpoint_disabled"


class AttemptNotRetryable(Conflict):
    """The attempt has no message to send again (a ping)."""

    code = "attempt_not_retryable"


class EndpointNotVerified(Conflict):
    """The endpoint asked to be verified and has not echoed its challenge yet."""

    code = "endpoint_not_verified"


class EndpointAlreadyVerified(Conflict):
    """The endpoint echoed its challenge already; only a new URL is challenged again."""

    code = "endpoint_already_verified"


class EndpointVerificationOff(Conflict):
    """The endpoint does not ask for the verification handshake."""

    code = "verification_off"
