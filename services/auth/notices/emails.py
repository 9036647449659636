"""The texts of the webhook notices a merchant's owners and developers receive."""

from __future__ import annotations

from datetime import UTC

from services.auth.notices.events import EndpointDisabledData, MessageFailedData

# What a merchant's endpoint answered ends up in the mail; a page of HTML helps nobody.
_MAX_ERROR_CHARS = 500
_MAX_SUBJECT_PART_CHARS = 200

_WHY_DISABLED = {
    "endpoint_gone": (
        "The endpoint answered 410 Gone, which tells Expe it no longer exists, so no further "
        "events are sent to it."
    ),
    "failing": (
        "Deliveries to the endpoint kept failing for too long, so Expe stopped sending events "
        "to it."
    ),
}


def _one_line(value: str, limit: int) -> str:
    """A value fit for a subject line: no line breaks, bounded length."""
    flat = " ".join(value.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _dashboard(public_url: str) -> str:
    return public_url.rstrip("/")


def endpoint_disabled_email(
    *, merchant_name: str, data: EndpointDisabledData, public_url: str
) -> tuple[str, str]:
    subject = f"Webhook endpoint disabled: {_one_line(data.url, _MAX_SUBJECT_PART_CHARS)}"
    why = _WHY_DISABLED.get(data.reason, f"Expe disabled it ({data.reason}).")
    disabled_at = data.disabled_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
    text = (
        "Hello,\n\n"
        f"A webhook endpoint of {merchant_name} was disabled in {data.mode} mode:\n\n"
        f"  URL:         {data.url}\n"
        f"  Endpoint:    {data.endpoint_id}\n"
        f"  Disabled at: {disabled_at} UTC\n\n"
        f"Why: {why}\n\n"
        "What to do:\n"
        "  1. Fix the endpoint so that it answers 2xx to Expe's webhook requests.\n"
        "  2. Re-enable it in the dashboard (Webhooks), or with PATCH "
        f"/api/v1/webhooks/endpoints/{data.endpoint_id} and enabled: true.\n"
        "  3. Replay the events it missed from the endpoint's page (or POST "
        f"/api/v1/webhooks/endpoints/{data.endpoint_id}/replay).\n\n"
        f"Dashboard: {_dashboard(public_url)}\n\n"
        "You receive this email as an owner or developer of the merchant.\n"
    )
    return subject, text


def message_failed_email(
    *, merchant_name: str, data: MessageFailedData, public_url: str
) -> tuple[str, str]:
    subject = (
        "Webhook message could not be delivered: "
        f"{_one_line(data.event_type, _MAX_SUBJECT_PART_CHARS)}"
    )
    last_error = _one_line(data.last_error, _MAX_ERROR_CHARS) if data.last_error else "none kept"
    text = (
        "Hello,\n\n"
        f"Expe gave up delivering a {data.event_type} event to a webhook endpoint of "
        f"{merchant_name} in {data.mode} mode after {data.attempts} "
        f"attempt{'s' if data.attempts != 1 else ''}:\n\n"
        f"  URL:        {data.url}\n"
        f"  Endpoint:   {data.endpoint_id}\n"
        f"  Event:      {data.event_id}\n"
        f"  Message:    {data.message_id}\n"
        f"  Last error: {last_error}\n\n"
        "What to do:\n"
        "  1. Check that the endpoint is reachable and answers 2xx quickly.\n"
        "  2. Retry the message from the attempts log in the dashboard (Webhooks), or replay "
        "the endpoint's events since the failure.\n\n"
        f"Dashboard: {_dashboard(public_url)}\n\n"
        "You receive this email as an owner or developer of the merchant.\n"
    )
    return subject, text
