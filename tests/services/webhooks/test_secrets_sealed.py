"""Endpoint secrets sealed before the keyring (`aesgcm1:`, under EXPE_SEALING_KEY) keep signing,
and the re-seal job moves them onto the current key (the endpoints collection read raw)."""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from standardwebhooks.webhooks import Webhook

from devstack.profile import Profile
from services.webhooks.app import create_app
from services.webhooks.settings import LOCAL_SEALING_KEY, WebhooksSettings
from shared.ids import new_id
from tests.callers import secret_key
from tests.receivers import Receiver
from tests.sealing import K1, K2, reseal, service_database
from tests.servers import on_database
from tests.services.webhooks.conftest import FAST_SCHEDULE, Api

pytestmark = pytest.mark.infra


def sealed_before_key_ids(secret: str) -> str:
    """The secret as the sealer stored it before the keyring (AES-GCM under EXPE_SEALING_KEY)."""
    purpose = "webhook-endpoint-secret"
    nonce = os.urandom(12)
    aead = AESGCM(hashlib.sha256(f"{purpose}\x1f{LOCAL_SEALING_KEY}".encode()).digest())
    sealed = nonce + aead.encrypt(nonce, secret.encode(), purpose.encode())
    return "aesgcm1:" + base64.b64encode(sealed).decode()


@pytest.fixture
def prefix(profile: Profile) -> Iterator[str]:
    with service_database(profile, "webhooks") as name:
        yield name


def test_a_legacy_secret_signs_and_is_resealed(
    profile: Profile, prefix: str, receiver: Receiver
) -> None:
    caller = secret_key(new_id("mer"))

    def serve(keys: str):  # type: ignore[no-untyped-def]
        options: dict[str, Any] = {
            "consume_events": False,
            "retry_schedule_seconds": FAST_SCHEDULE,
            "poll_interval_seconds": 0.05,
            "services": {"payments": "http://127.0.0.1:9"},
            "sealing_keys": keys,
        }
        return on_database(profile, prefix, create_app, WebhooksSettings, "webhooks", **options)

    def signed_test_event(api: Api, endpoint_id: str, secret: str, seen: int) -> None:
        api.send_test(endpoint_id)
        request = receiver.wait_for(seen)[-1]
        Webhook(secret).verify(request.body, request.headers)

    with serve(K1) as served:
        api = Api(served.url, caller)
        endpoint = api.create_endpoint(receiver.url)
        endpoints = served.db["endpoints"]
        stored = endpoints.find_one({"_id": endpoint["id"]})
        assert stored is not None
        assert stored["secrets"][0]["sealed"].startswith("aesgcm2:k1:")
        assert endpoint["secret"] not in repr(stored)
        legacy = sealed_before_key_ids(endpoint["secret"])
        endpoints.update_one({"_id": endpoint["id"]}, {"$set": {"secrets.0.sealed": legacy}})
        signed_test_event(api, endpoint["id"], endpoint["secret"], 1)

    printed = reseal(profile, "webhooks", prefix, f"{K2},{K1}")
    assert "webhooks → k2: endpoints secrets[].sealed: 1 seen, 1 resealed" in printed

    with serve(K2) as served:  # k1 and the legacy key's values gone from the database
        api = Api(served.url, caller)
        stored = served.db["endpoints"].find_one({"_id": endpoint["id"]})
        assert stored is not None
        assert stored["secrets"][0]["sealed"].startswith("aesgcm2:k2:")
        signed_test_event(api, endpoint["id"], endpoint["secret"], 2)
