"""The payments service app."""

from __future__ import annotations

import asyncio
from typing import cast

from fastapi import FastAPI

from services.payments.api import checkout_router, internal_router, router
from services.payments.disputes import api as disputes_api
from services.payments.disputes.reviewer import DisputeReviewer
from services.payments.disputes.service import DisputeService
from services.payments.disputes.store import INDEXES as DISPUTE_INDEXES
from services.payments.disputes.store import DisputeStore
from services.payments.links import api as links_api
from services.payments.links.service import LinkService
from services.payments.links.store import INDEXES as LINK_INDEXES
from services.payments.links.store import LinkStore
from services.payments.merchants_client import MerchantNames
from services.payments.methods import api as methods_api
from services.payments.refunds import RefundService
from services.payments.service import PaymentService
from services.payments.settings import PaymentsSettings
from services.payments.store import INDEXES, PaymentStore
from services.payments.sweeper import Sweeper
from services.payments.wallet_client import WalletClient
from shared.app import Runtime, ServiceDefinition, app_factory, close_on_shutdown
from shared.claims import SlotLease
from shared.internal_http import ServiceClient


def sweeper(runtime: Runtime, wallet: WalletClient | None = None) -> Sweeper:
    settings = cast(PaymentsSettings, runtime.settings)
    store = PaymentStore(runtime.db, settings.sealing_keyring())
    payments = PaymentService(store, runtime.outbox, settings, wallet=wallet)
    refunds = RefundService(payments, store, runtime.outbox, wallet=wallet)
    links = LinkService(LinkStore(runtime.db), payments, store, runtime.outbox, settings)
    return Sweeper(payments, refunds, store, runtime.outbox, links)


def dispute_reviewer(runtime: Runtime, wallet: WalletClient | None = None) -> DisputeReviewer:
    settings = cast(PaymentsSettings, runtime.settings)
    keyring = settings.sealing_keyring()
    payment_store = PaymentStore(runtime.db, keyring)
    store = DisputeStore(runtime.db, keyring)
    payments = PaymentService(payment_store, runtime.outbox, settings, wallet=wallet)
    disputes = DisputeService(store, payments, runtime.outbox, settings, wallet)
    interval = settings.dispute_review_interval_seconds
    lease = SlotLease(runtime.db["sweeps"], "dispute-reviews", interval)
    return DisputeReviewer(disputes, store, payment_store, lease)


async def startup(app: FastAPI, runtime: Runtime) -> None:
    settings = cast(PaymentsSettings, runtime.settings)
    http = ServiceClient(
        "wallet",
        settings.services.wallet,
        timeout=settings.wallet_timeout_seconds,
        calls=settings.calls,
    )
    runtime.tasks.append(asyncio.create_task(close_on_shutdown(http.aclose), name="wallet-client"))
    wallet = WalletClient(http, settings.internal_secret.get_secret_value())
    app.state.wallet_client = wallet
    auth = ServiceClient(
        "auth", settings.services.auth, timeout=settings.auth_timeout_seconds, calls=settings.calls
    )
    runtime.tasks.append(asyncio.create_task(close_on_shutdown(auth.aclose), name="auth-client"))
    app.state.merchant_names = MerchantNames(auth, settings.internal_secret.get_secret_value())
    runtime.tasks.append(
        asyncio.create_task(
            sweeper(runtime, wallet).run(settings.sweep_interval_seconds), name="payments-sweeper"
        )
    )
    runtime.tasks.append(
        asyncio.create_task(dispute_reviewer(runtime, wallet).run(), name="dispute-reviewer")
    )


create_app = app_factory(
    ServiceDefinition(
        name="payments",
        title="Expe payments service",
        routers=[
            router,
            checkout_router,
            links_api.router,
            links_api.public_router,
            methods_api.router,
            disputes_api.router,
            internal_router,
            methods_api.internal_router,
        ],
        indexes=(*INDEXES, *LINK_INDEXES, *DISPUTE_INDEXES),
        settings_class=PaymentsSettings,
        startup=startup,
    )
)
