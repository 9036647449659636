"""Service tests run one service app in this process (the `serve` fixture of tests/conftest.py)
on the test profile's real infrastructure."""

import pytest

pytestmark = pytest.mark.infra
