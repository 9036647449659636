"""The stand-in upstream every gateway test forwards to."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devstack.serving import serve_in_thread
from tests.gateway.upstream import upstream_app


@pytest.fixture(scope="module")
def upstream_url() -> Iterator[str]:
    with serve_in_thread(upstream_app()) as url:
        yield url
