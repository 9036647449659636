"""The gateway serves the built dashboard and checkout at `/`, beside the API."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from devstack.profile import Profile
from devstack.serving import serve_in_thread
from gateway.app import create_app
from gateway.settings import GatewaySettings, ServiceUrls
from gateway.web import CONTENT_SECURITY_POLICY

INDEX = '<!doctype html><html><head><script type="module" src="/assets/app-3f9a1c.js"></script>'
SCRIPT = "console.log('expe');" * 50


def built_app(folder: Path) -> Path:
    """A folder shaped as `npm run build` leaves web/dist."""
    (folder / "assets").mkdir(parents=True)
    (folder / "index.html").write_text(INDEX)
    (folder / "assets" / "app-3f9a1c.js").write_text(SCRIPT)
    (folder / "assets" / "app-3f9a1c.js.gz").write_bytes(gzip.compress(SCRIPT.encode()))
    (folder / "favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (folder / ".vite").mkdir()
    (folder / ".vite" / "manifest.json").write_text("{}")
    (folder.parent / "secret.txt").write_text("outside the app")
    return folder


def serve(web_dir: Path, upstream_url: str, profile: Profile) -> Iterator[httpx.Client]:
    settings = GatewaySettings(
        services=ServiceUrls(payments=upstream_url, auth=upstream_url),
        redis={"url": profile.redis_url},
        web_dir=web_dir,
        live_relay=False,
    )
    with serve_in_thread(create_app(settings)) as url, httpx.Client(base_url=url) as client:
        yield client


@pytest.fixture(scope="module")
def gateway(
    tmp_path_factory: pytest.TempPathFactory, upstream_url: str, profile: Profile
) -> Iterator[httpx.Client]:
    yield from serve(built_app(tmp_path_factory.mktemp("web") / "dist"), upstream_url, profile)


@pytest.mark.parametrize("page", ["/", "/payments/pay_3hK9", "/checkout/pay_3hK9", "/verify-email"])
def test_every_page_of_the_app_gets_its_index_with_a_strict_policy(
    gateway: httpx.Client, page: str
) -> None:
    response = gateway.get(page, params={"token": "t"})
    assert response.status_code == 200
    assert response.text == INDEX
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-cache"
    policy = response.headers["content-security-policy"]
    assert policy == CONTENT_SECURITY_POLICY
    assert "'unsafe-inline'" not in policy and "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["x-frame-options"] == "DENY"


def test_hashed_assets_are_cached_for_good_and_sent_compressed(gateway: httpx.Client) -> None:
    plain = gateway.get("/assets/app-3f9a1c.js", headers={"Accept-Encoding": "identity"})
    compressed = gateway.get("/assets/app-3f9a1c.js", headers={"Accept-Encoding": "gzip"})
    assert plain.status_code == compressed.status_code == 200
    assert plain.text == compressed.text == SCRIPT  # httpx undoes the gzip
    assert "content-encoding" not in plain.headers
    assert compressed.headers["content-encoding"] == "gzip"
    assert int(compressed.headers["content-length"]) < len(SCRIPT)
    for response in (plain, compressed):
        assert response.headers["content-type"].startswith("text/javascript")
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"


def test_other_files_are_cached_briefly(gateway: httpx.Client) -> None:
    icon = gateway.get("/favicon.svg")
    assert icon.status_code == 200
    assert icon.headers["content-type"] == "image/svg+xml"
    assert icon.headers["cache-control"] == "public, max-age=3600"


@pytest.mark.parametrize(
    "path",
    [
        "/assets/gone-1a2b.js",
        "/robots.txt",
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/.vite/manifest.json",
    ],
)
def test_missing_files_and_paths_outside_the_app_are_404(gateway: httpx.Client, path: str) -> None:
    response = gateway.get(path)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "resource_missing"
    assert "outside the app" not in response.text


def test_the_api_keeps_its_meaning_beside_the_app(gateway: httpx.Client) -> None:
    unknown = gateway.get("/api/v1/nothing-here")
    health = gateway.get("/healthz")
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "resource_missing"
    assert health.headers["content-type"] == "application/json"
    assert "content-security-policy" in unknown.headers
    assert unknown.headers["content-security-policy"] != CONTENT_SECURITY_POLICY


def test_a_gateway_without_a_built_app_says_so(
    tmp_path: Path, upstream_url: str, profile: Profile
) -> None:
    for client in serve(tmp_path / "missing", upstream_url, profile):
        response = client.get("/transactions")
        assert response.status_code == 503
        assert "not built" in response.text and "make run" in response.text
