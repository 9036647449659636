"""API key models."""

from __future__ import annotations

import ipaddress
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints

from services.auth.merchants.schemas import Name
from shared.identity import KeyType, Mode
from shared.schemas import Input, Instant, Schema

ApiKeyStatus = Literal["active", "expiring", "revoked"]
DEFAULT_GRACE_SECONDS = 24 * 3600
MAX_ALLOWLIST_ENTRIES = 50


def _network(value: str) -> str:
    try:
        return str(ipaddress.ip_network(value, strict=False))
    except ValueError:
        raise ValueError(f"'{value}' is not an IP address or CIDR range") from None


def _distinct(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


Cidr = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=64), AfterValidator(_network)
]
IpAllowlist = Annotated[
    list[Cidr], Field(max_length=MAX_ALLOWLIST_ENTRIES), AfterValidator(_distinct)
]


class ApiKeyCreate(Input):
    type: KeyType
    mode: Mode
    name: Name | None = None
    # Addresses the key may be used from (the gateway enforces it); empty means anywhere.
    ip_allowlist: IpAllowlist = Field(default_factory=list)


class ApiKeyUpdate(Input):
    name: Name | None = None
    ip_allowlist: IpAllowlist | None = None


class ApiKeyRotate(Input):
    # How long the old key keeps working, so deployments can switch to the new one. Unset: a day,
    # or the platform's longest grace if that is shorter.
    grace_period_seconds: Annotated[int, Field(ge=0, strict=True)] | None = None


class ApiKey(Schema):
    id: str
    merchant_id: str
    project_id: str
    name: str | None
    type: KeyType
    mode: Mode
    prefix: str
    last4: str
    status: ApiKeyStatus
    created_at: Instant
    last_used_at: Instant | None
    expires_at: Instant | None
    ip_allowlist: list[str]
    replaces: str | None = None
    replaced_by: str | None = None


class ApiKeyCreated(ApiKey):
    # The whole key: shown in this response only, never again.
    secret: str


class ResolvedApiKey(Schema):
    key_id: str
    merchant_id: str
    project_id: str
    mode: Mode
    type: KeyType
    ip_allowlist: list[str]
    plan: str
    expires_at: Instant | None
