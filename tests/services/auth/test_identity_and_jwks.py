"""The auth service trusts only gateway-signed requests, and publishes its signing keys."""

from __future__ import annotations

import httpx
import jwt

from services.auth.app import create_app
from services.auth.settings import AuthSettings
from shared.identity import Caller
from tests.services.auth.test_users_helpers import API_ONLY
from tests.signing import ANONYMOUS, AsGateway


def test_direct_calls_without_the_gateway_signature_are_refused(serve) -> None:
    with serve(create_app, AuthSettings, notices=API_ONLY) as url:
        unsigned = httpx.get(f"{url}/.well-known/jwks.json")
        forged = httpx.get(
            f"{url}/.well-known/jwks.json",
            auth=AsGateway(Caller(kind="user", user_id="usr_x"), secret="not-the-secret"),
        )
        signed = httpx.get(f"{url}/.well-known/jwks.json", auth=AsGateway(ANONYMOUS))
    assert unsigned.status_code == 401
    assert unsigned.json()["error"]["code"] == "invalid_internal_signature"
    assert forged.status_code == 401
    assert signed.status_code == 200


def test_jwks_publishes_an_ed25519_key_with_a_key_id(serve) -> None:
    with serve(create_app, AuthSettings, notices=API_ONLY) as url:
        first = httpx.get(f"{url}/.well-known/jwks.json", auth=AsGateway(ANONYMOUS)).json()
    (key,) = first["keys"]
    assert (key["kty"], key["crv"], key["alg"], key["use"]) == ("OKP", "Ed25519", "EdDSA", "sig")
    assert key["kid"]
    assert "d" not in key  # never the private part
    assert jwt.PyJWK(key).key is not None
