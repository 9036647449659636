"""The gateway-to-service identity signature."""

from __future__ import annotations

import pytest

from shared.identity import Caller, InvalidInternalSignature, signed_headers, verify_headers

SECRET = "s3cret-for-tests"
CALLER = Caller(
    kind="api_key",
    merchant_id="mer_1",
    project_id="prj_1",
    key_id="key_1",
    key_type="secret",
    mode="test",
    ip="198.51.100.4",
)


def verify(headers: dict[str, str], **overrides: object) -> Caller:
    arguments: dict = {
        "secret": SECRET,
        "method": "POST",
        "path": "/api/v1/payments",
        "now": 1_000_000,
    } | overrides
    return verify_headers(headers["X-Expe-Identity"], headers["X-Expe-Signature"], **arguments)


def signed(**overrides: object) -> dict[str, str]:
    arguments: dict = {
        "secret": SECRET,
        "method": "POST",
        "path": "/api/v1/payments",
        "now": 1_000_000,
    } | overrides
    return signed_headers(CALLER, **arguments)


def test_a_signed_identity_round_trips() -> None:
    assert verify(signed()) == CALLER


@pytest.mark.parametrize(
    "tamper",
    [
        {"secret": "another-secret"},
        {"method": "DELETE"},
        {"path": "/api/v1/refunds"},
        {"now": 1_000_000 + 61},
        {"now": 1_000_000 - 61},
    ],
    ids=["wrong-secret", "other-method", "other-path", "too-old", "from-the-future"],
)
def test_signature_is_bound_to_secret_route_and_time(tamper: dict) -> None:
    with pytest.raises(InvalidInternalSignature):
        verify(signed(), **tamper)


def test_a_forged_identity_with_a_copied_signature_is_refused() -> None:
    headers = signed()
    forged = Caller(kind="api_key", merchant_id="mer_victim", mode="live")
    with pytest.raises(InvalidInternalSignature, match="does not match"):
        verify({**headers, "X-Expe-Identity": forged.encode()})


@pytest.mark.parametrize("signature", ["", "t=abc,v1=00", "v1=00", "garbage"])
def test_malformed_signatures_are_refused(signature: str) -> None:
    with pytest.raises(InvalidInternalSignature):
        verify({"X-Expe-Identity": CALLER.encode(), "X-Expe-Signature": signature})
