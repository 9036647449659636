"""Service tests run one service app in this process (the `serve` fixture of tests/conftest.py)
on the test profile's real infrastructure."""

import re

import pytest

pytestmark = pytest.mark.infra

# How the API writes every time: RFC 3339, UTC, milliseconds, Z.
INSTANT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
