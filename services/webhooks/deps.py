"""The webhooks service's long-lived parts, built at startup and handed to routes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from services.webhooks.dispatcher import Dispatcher
from services.webhooks.endpoints import EndpointService
from services.webhooks.messages import MessageService
from services.webhooks.payments_client import PaymentsClient
from services.webhooks.settings import WebhooksSettings
from services.webhooks.store import WebhookStore
from services.webhooks.verification import Handshakes


@dataclass(frozen=True)
class Webhooks:
    store: WebhookStore
    endpoints: EndpointService
    messages: MessageService
    dispatcher: Dispatcher
    handshakes: Handshakes
    settings: WebhooksSettings
    payments: PaymentsClient


async def webhooks(request: Request) -> Webhooks:
    parts: Webhooks = request.app.state.webhooks
    return parts


WebhooksDep = Annotated[Webhooks, Depends(webhooks)]
