"""The notices of the webhooks service that auth turns into emails (the `data` of each)."""

from __future__ import annotations

from pydantic import ConfigDict

from shared.schemas import Instant, Schema


class _NoticeData(Schema):
    # Fields added by a later version of the producer are ignored, not refused.
    model_config = ConfigDict(extra="ignore")


class MessageFailedData(_NoticeData):
    """`webhook.message_failed`: a message was given up on after its last scheduled attempt."""

    message_id: str
    endpoint_id: str
    url: str
    event_id: str
    event_type: str
    mode: str
    attempts: int
    last_error: str | None = None


class EndpointDisabledData(_NoticeData):
    """`webhook.endpoint_disabled`: webhooks disabled an endpoint (it answered 410, or kept
    failing)."""

    endpoint_id: str
    url: str
    mode: str
    reason: str
    disabled_at: Instant
