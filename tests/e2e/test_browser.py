"""The dashboard and the hosted checkout in a real browser, against the whole mesh.

`web/e2e/run.js` drives Debian's Chromium with playwright-core: a merchant signs up through the
email link, sets up keys and a webhook endpoint, a customer pays on the checkout by card and by
UPI QR, the merchant watches the payment arrive, refunds part of it and retries a failed webhook
delivery, makes a one-time payment link that a customer with no session pays through its public
page and sees it completed, enrols 2FA and logs in with a code; every page is checked with axe
in light and dark mode, and its screenshots land in the test data folder. Then
`web/e2e/attacks.js` stores markup in every field a page shows and proves it is shown as text and
never runs (with the CSP and without it), that the CSP refuses an injected inline script and
eval, and that no other origin can frame the pages.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from devstack.profile import REPO, Profile
from devstack.stack import Stack

pytestmark = pytest.mark.e2e


@pytest.mark.timeout(900)
def test_the_dashboard_and_checkout_work_in_chromium(stack: Stack, profile: Profile) -> None:
    assert shutil.which("chromium"), (
        "Debian's chromium is missing: deploy/local/install-chromium.sh"
    )
    screenshots = profile.data_dir / "screenshots"
    env = {
        **os.environ,
        "EXPE_URL": stack["gateway"].url,
        "MAILPIT_URL": profile.mailpit_url,
        "SCREENSHOT_DIR": str(screenshots),
    }
    run = subprocess.run(
        ["node", "e2e/run.js"],
        cwd=REPO / "web",
        env=env,
        capture_output=True,
        text=True,
        timeout=840,
        check=False,
    )
    (profile.data_dir / "browser.log").write_text(run.stdout + run.stderr)
    assert run.returncode == 0, f"{run.stdout[-6000:]}\n{run.stderr[-4000:]}"
    assert any(screenshots.glob("*-dark.png")) and any(screenshots.glob("*-light.png"))
