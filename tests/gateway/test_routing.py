import pytest

from gateway.routing import service_for


@pytest.mark.parametrize(
    ("path", "service"),
    [
        ("/api/v1/auth/login", "auth"),
        ("/api/v1/merchants/mer_1/projects", "auth"),
        ("/api/v1/merchants/mer_1/transactions", "payments"),
        ("/api/v1/payments", "payments"),
        ("/api/v1/payments/pay_1/refund", "payments"),
        ("/api/v1/payments/pay_1/webhooks", "webhooks"),
        ("/api/v1/wallets/wal_1/balance", "wallet"),
        ("/api/v1/transfers", "wallet"),
        ("/api/v1/webhooks/attempts", "webhooks"),
        ("/api/v1/analytics/payments/summary", "analytics"),
        ("/api/v1/plans", "subscriptions"),
    ],
)
def test_each_path_reaches_its_owner(path: str, service: str) -> None:
    assert service_for(path) == service


@pytest.mark.parametrize("path", ["/api/v1/paymentsx", "/api/v1/", "/api/v2/payments", "/payments"])
def test_paths_no_service_owns_are_not_routed(path: str) -> None:
    assert service_for(path) is None
