"""Request and answer examples of the webhooks routes, for the API's OpenAPI document.

Taken from a sandbox run's real answers, with other ids: what a caller sends and gets back.
"""

from __future__ import annotations

from typing import Any

_SECRET = "whsec_DyNlv3qLJvNOWqwyaIHbhahAE6l0nIfB"

CREATE_ENDPOINT: dict[str, Any] = {
    "requestBody": {
        "content": {
            "application/json": {
                "examples": {
                    "payments_and_refunds": {
                        "summary": "Payment and refund events",
                        "value": {
                            "url": "https://shop.example.com/hooks/expe",
                            "enabledEvents": ["payment.*", "refund.issued"],
                            "description": "Order fulfilment",
                        },
                    },
                    "everything": {
                        "summary": "Every event (enabledEvents defaults to *)",
                        "value": {"url": "https://shop.example.com/hooks/all"},
                    },
                }
            }
        }
    }
}

ENDPOINT_CREATED: dict[str, Any] = {
    "content": {
        "application/json": {
            "example": {
                "id": "we_5RtK8mQz2LxV7nBp3WcH9d",
                "url": "https://shop.example.com/hooks/expe",
                "mode": "test",
                "projectId": "prj_7NbX2qLm5TzK9vRc4WpD8s",
                "description": "Order fulfilment",
                "enabledEvents": ["payment.*", "refund.issued"],
                "enabled": True,
                "disabledReason": None,
                "disabledAt": None,
                "failingSince": None,
                "verification": "none",
                "handshake": None,
                "createdAt": "2026-12-01T22:12:02.219Z",
                "updatedAt": "2026-12-01T22:12:02.219Z",
                "secret": _SECRET,
                "status": "enabled",
            }
        }
    }
}

# A delivery as the endpoint above received it: the body exactly as sent, and its headers.
_DELIVERY = {
    "body": (
        "{"
        '"id":"evt_5kQ2mN8xR4tY7wZ1aB3cD6","type":"payment.completed",'
        '"timestamp":"2026-12-01T22:15:02.417Z","merchantId":"mer_8sKd2LqP5xVn9TbR3mWc7h",'
        '"mode":"test","data":{"paymentId":"pay_3LmQx8Rt2VbN7kPz4WcY9d","status":"succeeded",'
        '"amount":49900,"currency":"INR","orderId":"order_1001","method":"card","mode":"test"}'
        "}"
    ),
    "headers": {
        "webhook-id": "msg_2xW9pL4kT7nB3vQ8mZ5rY1",
        "webhook-timestamp": "1796163350",
        "webhook-signature": "v1,2C/Kxup01jerjcaFavQJLFURUYZ0Sg/A1Ny+MJ9grBQ=",
    },
    "secret": _SECRET,
}

VERIFY_SIGNATURE: dict[str, Any] = {
    "requestBody": {
        "content": {
            "application/json": {
                "examples": {
                    "delivery": {
                        "summary": "A delivery and the endpoint's secret",
                        "value": _DELIVERY,
                    },
                    "old_delivery": {
                        "summary": "Accepting a timestamp up to a week old (the default is 300 s)",
                        "value": {**_DELIVERY, "toleranceSeconds": 604800},
                    },
                }
            }
        }
    }
}

SIGNATURE_VERDICT: dict[str, Any] = {
    "content": {
        "application/json": {
            "examples": {
                "valid": {
                    "summary": "Checked within the tolerance",
                    "value": {"valid": True, "reason": None, "message": "The signature is valid."},
                },
                "too_old": {
                    "summary": "Checked too late (a replayed or delayed message)",
                    "value": {
                        "valid": False,
                        "reason": "timestamp_outside_tolerance",
                        "message": "webhook-timestamp is 163353 s from now; at most 300 s is "
                        "accepted (a replayed or delayed message).",
                    },
                },
                "wrong_secret": {
                    "summary": "Another endpoint's secret, or a body changed on the way",
                    "value": {
                        "valid": False,
                        "reason": "signature_mismatch",
                        "message": "No signature matches: check the secret and that the body is "
                        "the raw bytes received.",
                    },
                },
            }
        }
    }
}
