"""The business dashboard's growth figures: people signing up, merchants created and verified."""

from __future__ import annotations

from prometheus_client import Counter

SIGNUPS = Counter("expe_signups_total", "Accounts registered")
EMAILS_VERIFIED = Counter("expe_signups_verified_total", "Accounts whose email was verified")
MERCHANTS_CREATED = Counter("expe_merchants_created_total", "Merchants created")
MERCHANTS_VERIFIED = Counter(
    "expe_merchants_verified_total", "Merchants verified by a platform operator"
)
