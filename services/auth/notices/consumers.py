"""The consumer of webhook notices: thin, it hands each event to the notice service."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from services.auth.mail import Mailer
from services.auth.notices.service import NoticeService
from services.auth.settings import AuthSettings
from shared.app import Runtime
from shared.events.consumer import EventConsumer
from shared.events.envelope import WEBHOOK_ENDPOINT_DISABLED, WEBHOOK_MESSAGE_FAILED

NOTICE_TOPICS = (WEBHOOK_MESSAGE_FAILED, WEBHOOK_ENDPOINT_DISABLED)


def build_consumers(runtime: Runtime) -> Sequence[EventConsumer]:
    settings = cast(AuthSettings, runtime.settings)
    if not settings.notices.consume:
        return []
    notices = NoticeService(runtime.db, Mailer(settings.smtp), settings.public_url)
    return [
        EventConsumer(
            name="webhook-notices",
            topics=NOTICE_TOPICS,
            handler=notices.handle,
            db=runtime.db,
            settings=settings.kafka,
            group_id=settings.notices.consumer_group,
        )
    ]
