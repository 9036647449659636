"""API models of two-factor authentication."""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

from services.auth.users.schemas import ApiInput
from shared.schemas import Schema


class TwoFactorEnrolment(Schema):
    secret: str
    otpauth_uri: str
    # A PNG of the otpauth URI as a QR code, as a `data:image/png;base64,` URI.
    qr_code_png: str


class TwoFactorCode(ApiInput):
    code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class RecoveryCodes(Schema):
    recovery_codes: list[str]
