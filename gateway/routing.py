"""Which service owns which part of `/api/v1`. The first matching rule wins."""

from __future__ import annotations

import re

SERVICES = ("auth", "payments", "wallet", "webhooks", "analytics", "subscriptions")

_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), service)
    for pattern, service in (
        # Nested resources owned by another service than their parent come first.
        (r"^/api/v1/payments/[^/]+/webhooks(/|$)", "webhooks"),
        (r"^/api/v1/merchants/[^/]+/transactions(/|$)", "payments"),
        (r"^/api/v1/merchants/[^/]+/analytics(/|$)", "analytics"),
        (r"^/api/v1/(auth|users|merchants|projects|api-keys|invitations|admin)(/|$)", "auth"),
        (
            r"^/api/v1/(payments|refunds|checkout|payment-links|payment-methods|disputes)(/|$)",
            "payments",
        ),
        (r"^/api/v1/(wallets|transfers|topups)(/|$)", "wallet"),
        (r"^/api/v1/webhooks(/|$)", "webhooks"),
        (r"^/api/v1/analytics(/|$)", "analytics"),
        (r"^/api/v1/(subscriptions|plans)(/|$)", "subscriptions"),
        (r"^/\.well-known/jwks\.json$", "auth"),
    )
)


def service_for(path: str) -> str | None:
    for pattern, service in _RULES:
        if pattern.match(path):
            return service
    return None
