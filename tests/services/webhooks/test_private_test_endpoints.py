"""On a production deployment test mode may not reach private addresses either: any test key
could otherwise aim webhooks at the cluster's own services and read their answers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from services.webhooks.app import create_app
from services.webhooks.delivery import Sender
from services.webhooks.settings import WebhooksSettings
from shared.ids import new_id
from tests.callers import secret_key
from tests.receivers import Receiver, receiving
from tests.signing import AsGateway

pytestmark = pytest.mark.infra


def test_production_defaults_refuse_private_test_endpoints() -> None:
    assert WebhooksSettings(env="test").test_endpoints_may_be_private
    production = WebhooksSettings(
        env="production",
        internal_secret="s" * 32,
        sealing_keys="k1:" + "k" * 32,
        sealing_key="k" * 32,
    )
    assert not production.test_endpoints_may_be_private


def test_a_test_mode_endpoint_on_a_private_address_is_refused(serve: Callable[..., Any]) -> None:
    caller = secret_key(new_id("mer"))
    with serve(
        create_app, WebhooksSettings, consume_events=False, private_test_endpoints=False
    ) as url:
        for target in ("http://127.0.0.1:9/hook", "http://10.0.0.7/hook", "http://localhost/x"):
            refused = httpx.post(
                f"{url}/api/v1/webhooks/endpoints", json={"url": target}, auth=AsGateway(caller)
            )
            assert refused.status_code == 400, refused.text
            assert refused.json()["error"]["code"] == "url_not_allowed"
        listed = httpx.get(f"{url}/api/v1/webhooks/endpoints", auth=AsGateway(caller)).json()
        assert listed["total"] == 0


async def test_a_test_mode_attempt_to_a_private_address_is_not_sent() -> None:
    with receiving(Receiver()) as receiver:
        async with httpx.AsyncClient() as client:
            sender = Sender(client, timeout=5, body_limit=100, private_test_endpoints=False)
            outcome = await sender.post(receiver.url, "test", {}, b"{}")
    assert outcome.error_code == "address_not_allowed"
    assert receiver.ids() == []
