"""Where webhooks may go: URL rules per mode when saving, and the address check per attempt."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

import pytest

from tests.receivers import Receiver
from tests.services.webhooks.conftest import ENDPOINTS, Service, error_of

pytestmark = pytest.mark.infra


def test_test_mode_sends_to_this_machine_over_http(webhooks: Service) -> None:
    api = webhooks.api()
    for url in ("http://127.0.0.1:8080/hooks", "http://localhost/hooks", "https://[::1]/x"):
        assert api.create_endpoint(url)["url"] == url


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://hooks.example.com/x", "https_required"),
        ("https://127.0.0.1/x", "url_not_allowed"),
        ("https://localhost/x", "url_not_allowed"),
        ("https://api.localhost/x", "url_not_allowed"),
        ("https://printer.local/x", "url_not_allowed"),
        ("https://10.0.0.5/x", "url_not_allowed"),
        ("https://192.168.1.20/x", "url_not_allowed"),
        ("https://172.16.0.1/x", "url_not_allowed"),
        ("https://100.64.0.1/x", "url_not_allowed"),
        ("https://169.254.169.254/latest/meta-data", "url_not_allowed"),
        ("https://0.0.0.0/x", "url_not_allowed"),
        ("https://[::1]/x", "url_not_allowed"),
        ("https://[::ffff:127.0.0.1]/x", "url_not_allowed"),
        ("https://[fd00::1]/x", "url_not_allowed"),
        ("https://224.0.0.1/x", "url_not_allowed"),
        ("https://127.1/x", "url_not_allowed"),
        ("https://2130706433/x", "url_not_allowed"),
        ("https://0x7f000001/x", "url_not_allowed"),
        ("https://user:pw@hooks.example.com/x", "url_invalid"),
        ("https://hooks.example.com/x#part", "url_invalid"),
    ],
)
def test_live_mode_refuses_internal_and_unsafe_urls(webhooks: Service, url: str, code: str) -> None:
    live = webhooks.live()
    refused = live.post(ENDPOINTS, {"url": url})
    assert error_of(refused) == (400, code)
    assert refused.json()["error"]["param"] == "url"
    assert live.ok(live.get(ENDPOINTS))["total"] == 0


def test_live_mode_accepts_a_public_https_url_even_before_its_dns_exists(
    webhooks: Service,
) -> None:
    created = webhooks.live().create_endpoint("https://hooks.example.com/expe")
    assert (created["mode"], created["url"]) == ("live", "https://hooks.example.com/expe")


def test_live_mode_refuses_to_move_an_endpoint_to_an_internal_address(
    webhooks: Service,
) -> None:
    live = webhooks.live()
    endpoint = live.create_endpoint("https://hooks.example.com/x")
    path = f"{ENDPOINTS}/{endpoint['id']}"
    assert error_of(live.patch(path, {"url": "https://10.1.2.3/x"})) == (400, "url_not_allowed")
    assert live.endpoint(endpoint["id"])["url"] == "https://hooks.example.com/x"


def _internal_name() -> str:
    """A name this machine resolves to an internal address (its own host name, as a rebinding
    DNS would answer)."""
    name = socket.gethostname()
    try:
        found = {info[4][0] for info in socket.getaddrinfo(name, 443)}
    except OSError:
        pytest.skip(f"{name} does not resolve here")
    if any(ipaddress.ip_address(str(a).split("%")[0]).is_global for a in found):
        pytest.skip(f"{name} resolves to a public address here")
    return name


def test_live_mode_refuses_a_name_that_resolves_to_an_internal_address(
    webhooks: Service,
) -> None:
    name = _internal_name()
    refused = webhooks.live().post(ENDPOINTS, {"url": f"https://{name}/hooks"})
    assert error_of(refused) == (400, "url_not_allowed")
    assert name in refused.json()["error"]["message"]


@pytest.mark.parametrize("host", ["localhost", "internal-name"])
def test_each_attempt_checks_the_address_again(
    webhooks: Service, receiver: Receiver, host: str
) -> None:
    """The endpoint was saved while its name was public; by the time it is sent to, the name
    points at this machine (DNS changed): the attempt is refused and nothing is sent."""
    live = webhooks.live()
    endpoint = live.create_endpoint("https://hooks.example.com/x")
    name = _internal_name() if host == "internal-name" else host
    port = urlsplit(receiver.url).port
    webhooks.db["endpoints"].update_one(
        {"_id": endpoint["id"]}, {"$set": {"url": f"https://{name}:{port}/hooks"}}
    )
    message = live.send_test(endpoint["id"])
    failed = live.wait_for_status(message["id"], "failed")
    attempts = live.attempts(messageId=message["id"])
    assert failed["reason"] == "attempts_exhausted"
    assert attempts and all(a["status"] == "failed" for a in attempts)
    assert {a["error"]["code"] for a in attempts} == {"address_not_allowed"}
    assert receiver.requests == []
