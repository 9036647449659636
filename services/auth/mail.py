"""Sending email over SMTP (Mailpit locally, a relay in production)."""

from __future__ import annotations

import logging
from email.message import EmailMessage

import aiosmtplib

from services.auth.settings import SmtpSettings
from shared.errors import ServiceUnavailable

logger = logging.getLogger("expe.auth.mail")


class Mailer:
    def __init__(self, settings: SmtpSettings) -> None:
        self._settings = settings

    async def send(self, to: str, subject: str, text: str) -> None:
        message = EmailMessage()
        message["From"] = self._settings.sender
        message["To"] = to
        message["Subject"] = subject
        message.set_content(text)
        password = self._settings.password
        try:
            await aiosmtplib.send(
                message,
                hostname=self._settings.host,
                port=self._settings.port,
                username=self._settings.username,
                password=password.get_secret_value() if password else None,
                start_tls=self._settings.start_tls,
                timeout=10,
            )
        except (aiosmtplib.SMTPException, OSError) as error:
            logger.error("email not sent", extra={"subject": subject, "error": repr(error)})
            raise ServiceUnavailable("Email could not be sent; try again shortly.") from error
