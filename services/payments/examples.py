"""Request and answer examples of the payments routes, for the API's OpenAPI document.

Taken from a sandbox run's real answers, with other ids: what a caller sends and gets back.
"""

from __future__ import annotations

from typing import Any

_PAYMENT_ID = "pay_3LmQx8Rt2VbN7kPz4WcY9d"
_MERCHANT_ID = "mer_8sKd2LqP5xVn9TbR3mWc7h"
_CLIENT_SECRET = f"{_PAYMENT_ID}_secret_Zr4mT9qLx2Vb7NkP3wYc8Hd5Js6Fg1Ae"
_QR_PAYLOAD = (
    f"upi://pay?pa=expe.sandbox%40upi&pn=Expe&am=499.00&cu=INR&tr={_PAYMENT_ID}&tn=order_1001"
)

CREATE_PAYMENT: dict[str, Any] = {
    "requestBody": {
        "content": {
            "application/json": {
                "examples": {
                    "order": {
                        "summary": "A payment for an order",
                        "value": {
                            "amount": 49900,
                            "currency": "INR",
                            "orderId": "order_1001",
                            "description": "Blue running shoes",
                            "customer": {"email": "asha@example.com"},
                        },
                    },
                    "card_only": {
                        "summary": "Card only, back to the shop afterwards",
                        "value": {
                            "amount": 120000,
                            "currency": "INR",
                            "orderId": "order_1002",
                            "allowedMethods": ["card"],
                            "returnUrl": "https://shop.example.com/orders/1002",
                            "metadata": {"cartId": "cart_88"},
                        },
                    },
                }
            }
        }
    }
}

PAYMENT_CREATED: dict[str, Any] = {
    "content": {
        "application/json": {
            "example": {
                "id": _PAYMENT_ID,
                "merchantId": _MERCHANT_ID,
                "mode": "test",
                "status": "created",
                "amount": 49900,
                "currency": "INR",
                "amountRefunded": 0,
                "orderId": "order_1001",
                "description": "Blue running shoes",
                "customer": {"email": "asha@example.com"},
                "metadata": {},
                "allowedMethods": ["card", "upi_qr", "wallet"],
                "method": None,
                "card": None,
                "walletId": None,
                "merchantWalletId": None,
                "paymentLinkId": None,
                "paymentMethodId": None,
                "failureCode": None,
                "failureMessage": None,
                "checkoutUrl": f"http://localhost:8000/checkout/{_PAYMENT_ID}#{_CLIENT_SECRET}",
                "clientSecret": _CLIENT_SECRET,
                "returnUrl": None,
                "qrPayload": _QR_PAYLOAD,
                "expiresAt": "2026-12-02T22:11:50.993Z",
                "createdAt": "2026-12-01T22:11:50.993Z",
                "updatedAt": "2026-12-01T22:11:50.993Z",
            }
        }
    }
}

CONFIRM_PAYMENT: dict[str, Any] = {
    "requestBody": {
        "content": {
            "application/json": {
                "examples": {
                    "card": {
                        "summary": "A sandbox card (4242 4242 4242 4242 succeeds)",
                        "value": {
                            "method": "card",
                            "card": {
                                "number": "4242424242424242",
                                "expMonth": 12,
                                "expYear": 2030,
                                "cvc": "123",
                            },
                        },
                    },
                    "upi_qr": {
                        "summary": "UPI QR: the payment is processing until the UPI app answers",
                        "value": {"method": "upi_qr"},
                    },
                    "wallet": {
                        "summary": "From the logged-in customer's wallet",
                        "value": {"method": "wallet", "walletId": "wal_6TnR2kLq9XwB4vPz7MdC3s"},
                    },
                }
            }
        }
    }
}


def _checkout_view(status: str, method: str) -> dict[str, Any]:
    return {
        "id": _PAYMENT_ID,
        "mode": "test",
        "merchant": {"id": _MERCHANT_ID, "name": None},
        "status": status,
        "amount": 49900,
        "currency": "INR",
        "orderId": "order_1001",
        "description": "Blue running shoes",
        "allowedMethods": ["card", "upi_qr", "wallet"],
        "method": method,
        "qrPayload": _QR_PAYLOAD,
        "expiresAt": "2026-12-02T22:11:50.993Z",
        "failureCode": None,
        "failureMessage": None,
        "returnUrl": None,
    }


PAYMENT_CONFIRMED: dict[str, Any] = {
    "content": {
        "application/json": {
            "examples": {
                "card": {
                    "summary": "Paid by card (the checkout's view)",
                    "value": _checkout_view("succeeded", "card"),
                },
                "upi_qr": {
                    "summary": "UPI QR started",
                    "value": _checkout_view("processing", "upi_qr"),
                },
                "wallet": {
                    "summary": "Paid from the wallet",
                    "value": _checkout_view("succeeded", "wallet"),
                },
            }
        }
    }
}

REFUND_PAYMENT: dict[str, Any] = {
    "requestBody": {
        "content": {
            "application/json": {
                "examples": {
                    "partial": {
                        "summary": "Part of the payment",
                        "value": {"amount": 10000, "reason": "one item returned"},
                    },
                    "rest": {"summary": "Whatever is left to refund", "value": {}},
                }
            }
        }
    }
}

PAYMENT_REFUNDED: dict[str, Any] = {
    "content": {
        "application/json": {
            "example": {
                "id": "re_5Hc8Nw2QzK7pLm3XtV9bRy",
                "paymentId": _PAYMENT_ID,
                "amount": 10000,
                "currency": "INR",
                "status": "succeeded",
                "reason": "one item returned",
                "amountRefunded": 10000,
                "createdAt": "2026-12-01T22:11:51.462Z",
                "mode": "test",
            }
        }
    }
}
