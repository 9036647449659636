"""Dispute API models: inputs refuse unknown fields; outputs speak camelCase."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import StringConstraints

from shared.identity import Mode
from shared.money import PositiveMinorUnits
from shared.schemas import Input, Instant, Schema

DisputeStatus = Literal["needs_response", "under_review", "won", "lost"]
DisputeReason = Literal[
    "fraudulent",
    "product_not_received",
    "product_unacceptable",
    "duplicate",
    "subscription_canceled",
    "unrecognized",
    "general",
]
# Where the disputed money is: still to be withheld from the merchant's wallet (it holds too
# little), withheld, paid out to the card network (lost), or no longer withheld (won).
DisputeFunds = Literal["awaiting_funds", "withheld", "charged_back", "reinstated"]
FilePurpose = Literal[
    "receipt", "customer_communication", "shipping_documentation", "refund_policy", "other"
]
FileType = Literal["application/pdf", "image/png", "image/jpeg"]

_Text = Annotated[str, StringConstraints(max_length=5000)]
_Line = Annotated[str, StringConstraints(max_length=500)]


class DisputeOpen(Input):
    """A dispute opened by hand in test mode, as the card network would open one."""

    reason: DisputeReason = "general"
    # Of what is left after refunds; all of it when left out.
    amount: PositiveMinorUnits | None = None


class Evidence(Input):
    """The merchant's side of the story, in text (files are uploaded on their own)."""

    customer_name: _Line | None = None
    customer_email: _Line | None = None
    product_description: _Text | None = None
    service_date: _Line | None = None
    shipping_tracking_number: _Line | None = None
    refund_policy: _Text | None = None
    uncategorized_text: _Text | None = None


class EvidenceView(Schema):
    customer_name: str | None = None
    customer_email: str | None = None
    product_description: str | None = None
    service_date: str | None = None
    shipping_tracking_number: str | None = None
    refund_policy: str | None = None
    uncategorized_text: str | None = None


class FileUpload(Input):
    purpose: FilePurpose
    filename: Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^/\\]+$")]
    content_type: FileType
    # The file in base64; its size is checked once decoded.
    content_base64: Annotated[str, StringConstraints(min_length=4, max_length=800_000)]


class DisputeFile(Schema):
    id: str
    purpose: FilePurpose
    filename: str
    content_type: FileType
    size: int
    created_at: Instant


class Dispute(Schema):
    id: str
    payment_id: str
    mode: Mode
    amount: int
    fee: int
    currency: str
    reason: DisputeReason
    status: DisputeStatus
    funds: DisputeFunds
    due_by: Instant
    evidence: EvidenceView
    files: list[DisputeFile]
    submitted_at: Instant | None = None
    review_ends_at: Instant | None = None
    closed_at: Instant | None = None
    created_at: Instant
    updated_at: Instant
