"""Request bodies the attack suite sends: per route, one its callers may send, harmless to
repeat (the services check roles after reading the body, so a refusal must come with a body that
is otherwise right)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from devstack.accounts import PASSWORD, unique_email
from tests.security.conftest import CARD, Objects


def _since() -> str:
    return (datetime.now(UTC) - timedelta(hours=1)).isoformat()


# Routes of merchants' data and of their management. The matrix sends public and personal
# routes an empty body instead: refused as input by every caller the gateway admits, so nothing
# is registered, sent or ended.
BODIES: dict[tuple[str, str], Callable[[Objects], Any]] = {
    ("PATCH", "/api/v1/auth/me"): lambda _: {"name": "Dev"},
    ("POST", "/api/v1/merchants/{merchant_id}/projects"): lambda _: {"name": "Shop"},
    ("POST", "/api/v1/projects/{project_id}/api-keys"): lambda _: {
        "type": "publishable",
        "mode": "test",
        "name": "matrix",
    },
    ("PATCH", "/api/v1/api-keys/{key_id}"): lambda _: {"name": "renamed"},
    ("POST", "/api/v1/merchants/{merchant_id}/members"): lambda _: {
        "email": unique_email("invitee"),
        "role": "viewer",
    },
    ("PATCH", "/api/v1/merchants/{merchant_id}/members/{user_id}"): lambda _: {"role": "owner"},
    ("POST", "/api/v1/payments"): lambda _: {
        "amount": 1_000,
        "currency": "INR",
        "orderId": f"ord_{secrets.token_hex(4)}",
    },
    ("POST", "/api/v1/payment-links"): lambda _: {
        "currency": "INR",
        "description": "matrix",
        "amount": 1_000,
    },
    ("POST", "/api/v1/payment-methods"): lambda _: {
        "card": {"number": "4242424242424242", "expMonth": 12, "expYear": 2099, "cvc": "123"}
    },
    ("POST", "/api/v1/plans"): lambda _: {
        "name": "matrix",
        "amount": 1_000,
        "currency": "INR",
        "interval": "month",
    },
    ("POST", "/api/v1/subscriptions"): lambda o: {
        "planId": o.values["plan_id"],
        "customer": {"email": "matrix@example.com"},
        "paymentMethodId": o.values["payment_method_id"],
    },
    ("POST", "/api/v1/subscriptions/{subscription_id}/cancel"): lambda _: {"atPeriodEnd": True},
    ("POST", "/api/v1/subscriptions/{subscription_id}/change-plan"): lambda o: {
        "planId": o.values["plan_id"]
    },
    ("POST", "/api/v1/subscriptions/{subscription_id}/payment-method"): lambda o: {
        "paymentMethodId": o.values["payment_method_id"]
    },
    ("POST", "/api/v1/subscriptions/{subscription_id}/test-clock/advance"): lambda _: {
        "frozenTime": "2099-01-01T00:00:00Z"
    },
    ("POST", "/api/v1/disputes/{dispute_id}/evidence"): lambda _: {"productDescription": "matrix"},
    ("POST", "/api/v1/disputes/{dispute_id}/files"): lambda _: {
        "purpose": "receipt",
        "filename": "matrix.pdf",
        "contentType": "application/pdf",
        "contentBase64": "JVBERi0xLjQK",
    },
    ("POST", "/api/v1/wallets"): lambda _: {"currency": "INR"},
    ("POST", "/api/v1/topups"): lambda o: {
        "walletId": o.values["wallet_id"],
        "amount": 100,
        "source": {"type": "upi"},
    },
    ("POST", "/api/v1/transfers"): lambda o: {
        "fromWalletId": o.values["wallet_id"],
        "to": {"walletId": o.values["payee_wallet_id"]},
        "amount": 1,
        "currency": "INR",
    },
    ("POST", "/api/v1/webhooks/endpoints"): lambda o: {
        "url": o.webhook_url,
        "enabledEvents": ["*"],
    },
    ("PATCH", "/api/v1/webhooks/endpoints/{endpoint_id}"): lambda _: {"description": "x"},
    ("POST", "/api/v1/webhooks/endpoints/{endpoint_id}/replay"): lambda _: {"since": _since()},
    ("POST", "/api/v1/webhooks/verify"): lambda _: {
        "body": "{}",
        "headers": {"webhook-id": "msg_x", "webhook-timestamp": "1", "webhook-signature": "v1,x"},
        "secret": "whsec_" + "A" * 32,
    },
    ("POST", "/api/v1/checkout/payments/{payment_id}/confirm"): lambda _: {
        "method": "card",
        "card": CARD,
    },
    ("POST", "/api/v1/checkout/payments/{payment_id}/sandbox/upi-complete"): lambda _: {
        "outcome": "success"
    },
}


# The public and personal routes' bodies, well formed (for the injection tests, which make one
# field at a time wrong).
WELL_FORMED: dict[tuple[str, str], Callable[[Objects], Any]] = {
    ("POST", "/api/v1/auth/register"): lambda _: {
        "email": unique_email("injection"),
        "password": PASSWORD,
        "name": "Dev",
    },
    ("POST", "/api/v1/auth/login"): lambda _: {"email": unique_email(), "password": PASSWORD},
    ("POST", "/api/v1/auth/refresh"): lambda _: {"refreshToken": "rt_" + "x" * 40},
    ("POST", "/api/v1/auth/verify-email"): lambda _: {"token": "x" * 40},
    ("POST", "/api/v1/auth/verify-email/resend"): lambda _: {"email": unique_email()},
    ("POST", "/api/v1/auth/password/forgot"): lambda _: {"email": unique_email()},
    ("POST", "/api/v1/auth/password/reset"): lambda _: {"token": "x" * 40, "newPassword": PASSWORD},
    ("POST", "/api/v1/auth/password/change"): lambda _: {
        "currentPassword": PASSWORD,
        "newPassword": PASSWORD + "-new",
    },
    ("POST", "/api/v1/auth/2fa/confirm"): lambda _: {"code": "123456"},
    ("POST", "/api/v1/auth/2fa/disable"): lambda _: {"code": "123456"},
    ("DELETE", "/api/v1/auth/me"): lambda _: {"password": PASSWORD},
    ("POST", "/api/v1/invitations/accept"): lambda _: {"token": "x" * 40},
    ("POST", "/api/v1/merchants"): lambda _: {
        "name": "Chai Point",
        "country": "IN",
        "defaultCurrency": "INR",
    },
    ("POST", "/api/v1/payments/{payment_id}/cancel"): lambda _: {"reason": "requested"},
    ("POST", "/api/v1/payments/{payment_id}/refund"): lambda _: {"amount": 1, "reason": "x"},
    ("POST", "/api/v1/api-keys/{key_id}/rotate"): lambda _: {"gracePeriodSeconds": 60},
    ("POST", "/api/v1/webhooks/endpoints/{endpoint_id}/rotate-secret"): lambda _: {
        "graceSeconds": 60
    },
    ("POST", "/api/v1/webhooks/endpoints/{endpoint_id}/test"): lambda _: {
        "eventType": "payment.succeeded"
    },
} | BODIES
