"""URL rules per mode and which addresses count as public."""

from __future__ import annotations

import ipaddress

import pytest

from services.webhooks.addresses import (
    MAX_URL_LENGTH,
    Target,
    UrlRefused,
    check_on_save,
    is_public,
    parse,
    resolve,
)


@pytest.mark.parametrize(
    ("url", "target"),
    [
        (
            "https://Hooks.Example.COM/x",
            Target("https://Hooks.Example.COM/x", "https", "hooks.example.com", 443),
        ),
        (
            "https://hooks.example.com./x",
            Target("https://hooks.example.com./x", "https", "hooks.example.com", 443),
        ),
        (
            "https://hooks.example.com:8443/x?a=1",
            Target("https://hooks.example.com:8443/x?a=1", "https", "hooks.example.com", 8443),
        ),
        ("https://8.8.8.8/x", Target("https://8.8.8.8/x", "https", "8.8.8.8", 443)),
        (
            "https://[2606:4700::1111]/x",
            Target("https://[2606:4700::1111]/x", "https", "2606:4700::1111", 443),
        ),
    ],
)
def test_live_mode_accepts_public_https_urls(url: str, target: Target) -> None:
    assert parse(url, "live") == target


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8080/x", "http://localhost/x", "http://10.0.0.5/x", "https://[::1]/x"]
)
def test_test_mode_accepts_this_machine_and_private_networks(url: str) -> None:
    assert parse(url, "test").url == url


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://hooks.example.com/x", "https_required"),
        ("https://LOCALHOST./x", "url_not_allowed"),
        ("https://db.internal/x", "url_not_allowed"),
        ("https://router.home.arpa/x", "url_not_allowed"),
        ("https://[::ffff:10.0.0.1]/x", "url_not_allowed"),
        ("https://[fe80::1]/x", "url_not_allowed"),
        ("https://[2001:db8::1]/x", "url_not_allowed"),
        ("https://198.18.0.1/x", "url_not_allowed"),
        ("https://255.255.255.255/x", "url_not_allowed"),
        ("https://hooks.example.com:99999/x", "url_invalid"),
        ("https:///x", "url_invalid"),
        ("hooks.example.com/x", "url_invalid"),
        ("javascript:alert(1)", "url_invalid"),
        ("https://a@hooks.example.com/x", "url_invalid"),
        ("https://hooks.example.com/" + "x" * MAX_URL_LENGTH, "url_invalid"),
    ],
)
def test_live_mode_refuses(url: str, code: str) -> None:
    with pytest.raises(UrlRefused) as refused:
        parse(url, "live")
    assert refused.value.code == code


def test_test_mode_still_refuses_malformed_urls() -> None:
    for url in ("ftp://127.0.0.1/x", "http://u:p@127.0.0.1/x", "http://127.0.0.1/x#f"):
        with pytest.raises(UrlRefused):
            parse(url, "test")


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("8.8.8.8", True),
        ("2606:4700::1111", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("0.0.0.0", False),
        ("224.0.0.251", False),
        ("::1", False),
        ("fc00::1", False),
        ("ff0e::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:8.8.8.8", True),
    ],
)
def test_which_addresses_are_public(address: str, public: bool) -> None:
    assert is_public(ipaddress.ip_address(address)) is public


async def test_a_name_resolving_to_loopback_is_refused_on_save_in_live_mode_only() -> None:
    addresses = await resolve("localhost", 443)
    target = Target("https://localhost/x", "https", "localhost", 443)
    assert ipaddress.ip_address("127.0.0.1") in addresses
    await check_on_save(target, "test")
    with pytest.raises(UrlRefused):
        await check_on_save(target, "live")


async def test_a_name_that_does_not_resolve_is_accepted_on_save() -> None:
    target = Target("https://nowhere.invalid/x", "https", "nowhere.invalid", 443)
    await check_on_save(target, "live")
