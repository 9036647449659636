"""The gateway serves the built guides at `/guides/`, and says how to build them when they are
not there."""

from __future__ import annotations

from pathlib import Path

import httpx

from devstack.profile import Profile
from devstack.serving import serve_in_thread
from gateway.app import create_app
from gateway.settings import GatewaySettings


def gateway_with_guides(folder: Path, profile: Profile) -> GatewaySettings:
    return GatewaySettings(live_relay=False, redis={"url": profile.redis_url}, guides_dir=folder)


def test_the_built_guides_are_served_under_guides(tmp_path: Path, profile: Profile) -> None:
    (tmp_path / "index.html").write_text("<h1>Expe guides</h1>")
    (tmp_path / "quickstart.html").write_text("<h1>Quick start</h1>")
    with (
        serve_in_thread(create_app(gateway_with_guides(tmp_path, profile))) as url,
        httpx.Client(base_url=url) as client,
    ):
        assert client.get("/guides/").text == "<h1>Expe guides</h1>"
        assert client.get("/guides/quickstart.html").text == "<h1>Quick start</h1>"
        bare = client.get("/guides", follow_redirects=False)
        assert (bare.status_code, bare.headers["location"]) == (307, "/guides/")
        assert client.get("/guides/nothing.html").status_code == 404
        assert client.get("/guides/../pyproject.toml").status_code == 404


def test_without_a_build_the_page_says_how_to_make_one(tmp_path: Path, profile: Profile) -> None:
    with (
        serve_in_thread(create_app(gateway_with_guides(tmp_path / "none", profile))) as url,
        httpx.Client(base_url=url) as client,
    ):
        missing = client.get("/guides/")
    assert missing.status_code == 503 and "make docs" in missing.text
