"""The API's resources, each defined once for both clients."""

from expe.resources.analytics import Analytics, Logs, RateLimitsResource
from expe.resources.checkout import Checkout
from expe.resources.payments import Payments, Transactions
from expe.resources.wallets import Topups, Transfers, Wallets
from expe.resources.webhooks import WebhookAttempts, WebhookEndpoints, WebhookMessages, Webhooks

__all__ = [
    "Analytics",
    "Checkout",
    "Logs",
    "Payments",
    "RateLimitsResource",
    "Topups",
    "Transactions",
    "Transfers",
    "Wallets",
    "WebhookAttempts",
    "WebhookEndpoints",
    "WebhookMessages",
    "Webhooks",
]
