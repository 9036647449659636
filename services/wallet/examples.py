"""Request and answer examples of the wallet routes, for the API's OpenAPI document.

Taken from a sandbox run's real answers, with other ids: what a caller sends and gets back.
"""

from __future__ import annotations

from typing import Any

_WALLET_ID = "wal_6TnR2kLq9XwB4vPz7MdC3s"
_MERCHANT_WALLET_ID = "wal_2QsV8mKx5RbN3tLp9WcZ7f"
_FUNDING_WALLET_ID = "wal_9JdF4hTq2LzX7nBv5RmK8c"
_USER_ID = "usr_4Wp8Lq2NxT6vRk9BzM3cHd"

_WALLET = {
    "id": _WALLET_ID,
    "currency": "INR",
    "mode": "test",
    "available": 0,
    "held": 0,
    "total": 0,
    "owner": {"type": "user", "id": _USER_ID},
    "createdAt": "2026-12-01T22:12:01.091Z",
}

CREATE_WALLET: dict[str, Any] = {
    "requestBody": {
        "content": {
            "application/json": {
                "examples": {"inr": {"summary": "A wallet in rupees", "value": {"currency": "INR"}}}
            }
        }
    }
}

WALLET_CREATED: dict[str, Any] = {
    "description": "The wallet, opened now.",
    "content": {"application/json": {"example": _WALLET}},
}

WALLET_ALREADY_OPEN: dict[str, Any] = {
    "description": "The caller's wallet in this currency, open already (nothing changed).",
    "content": {"application/json": {"example": {**_WALLET, "available": 95000, "total": 95000}}},
}

CREATE_TOPUP: dict[str, Any] = {
    "requestBody": {
        "content": {
            "application/json": {
                "examples": {
                    "upi": {
                        "summary": "From a UPI address",
                        "value": {
                            "walletId": _WALLET_ID,
                            "amount": 100000,
                            "source": {"type": "upi", "vpa": "asha@okbank"},
                        },
                    },
                    "bank": {
                        "summary": "From a bank account",
                        "value": {
                            "walletId": _WALLET_ID,
                            "amount": 250000,
                            "source": {"type": "bank", "accountHolder": "Asha Rao"},
                        },
                    },
                    "declined": {
                        "summary": "Declined by the sandbox (ends in 99): 402 topup_declined",
                        "value": {
                            "walletId": _WALLET_ID,
                            "amount": 10099,
                            "source": {"type": "bank"},
                        },
                    },
                }
            }
        }
    }
}

TOPUP_CREATED: dict[str, Any] = {
    "content": {
        "application/json": {
            "example": {
                "id": "txn_8VkQ3mLx7TzR2bNp5WcY4d",
                "type": "topup",
                "status": "succeeded",
                "amount": 100000,
                "currency": "INR",
                "mode": "test",
                "fromWalletId": _FUNDING_WALLET_ID,
                "toWalletId": _WALLET_ID,
                "holdId": None,
                "reference": None,
                "note": None,
                "source": {"type": "upi", "vpa": "asha@okbank"},
                "failureCode": None,
                "failureMessage": None,
                "createdAt": "2026-12-01T22:12:01.244Z",
                "finishedAt": "2026-12-01T22:12:01.313Z",
            }
        }
    }
}

CREATE_TRANSFER: dict[str, Any] = {
    "requestBody": {
        "content": {
            "application/json": {
                "examples": {
                    "to_wallet": {
                        "summary": "To a wallet",
                        "value": {
                            "fromWalletId": _WALLET_ID,
                            "to": {"walletId": _MERCHANT_WALLET_ID},
                            "amount": 5000,
                            "currency": "INR",
                            "note": "Dinner split",
                        },
                    },
                    "to_email": {
                        "summary": "To a person, by their verified email address",
                        "value": {
                            "fromWalletId": _WALLET_ID,
                            "to": {"email": "ravi@example.com"},
                            "amount": 5000,
                            "currency": "INR",
                        },
                    },
                }
            }
        }
    }
}

TRANSFER_CREATED: dict[str, Any] = {
    "content": {
        "application/json": {
            "example": {
                "id": "txn_3HcW9nKq6LxT2vRb8MzP5s",
                "type": "transfer",
                "status": "succeeded",
                "amount": 5000,
                "currency": "INR",
                "mode": "test",
                "fromWalletId": _WALLET_ID,
                "toWalletId": _MERCHANT_WALLET_ID,
                "holdId": None,
                "reference": None,
                "note": "Dinner split",
                "source": None,
                "failureCode": None,
                "failureMessage": None,
                "createdAt": "2026-12-01T22:12:01.649Z",
                "finishedAt": "2026-12-01T22:12:01.692Z",
            }
        }
    }
}
