"""Project API models."""

from __future__ import annotations

from services.auth.merchants.schemas import Name
from shared.schemas import Input, Instant, Schema


class ProjectCreate(Input):
    name: Name


class Project(Schema):
    id: str
    merchant_id: str
    name: str
    created_at: Instant
