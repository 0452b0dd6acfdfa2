"""Senders: e-mail over real SMTP (smtplib), SMS through a small interface with a logging default."""

from __future__ import annotations

import importlib
import logging
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

from flask import Flask

log = logging.getLogger(__name__)


@dataclass
class Email:
    to: str
    subject: str
    body: str
    message_id: str
    ics: bytes | None = None


class EmailSender:
    def __init__(self, app: Flask) -> None:
        config = app.config
        self.host, self.port = config["SMTP_HOST"], config["SMTP_PORT"]
        self.sender = config["SMTP_FROM"]
        self.user, self.password = config["SMTP_USER"], config["SMTP_PASSWORD"]
        self.starttls, self.timeout = config["SMTP_STARTTLS"], config["SMTP_TIMEOUT"]

    def send(self, email: Email) -> None:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = email.to
        message["Subject"] = email.subject
        # The same id for the same reminder: a mail system that sees it twice can tell it is one message.
        message["Message-ID"] = email.message_id
        message.set_content(email.body)
        if email.ics is not None:
            message.add_attachment(email.ics, maintype="text", subtype="calendar", filename="appointment.ics",
                                   params={"method": "PUBLISH"})
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.user:
                smtp.login(self.user, self.password)
            smtp.send_message(message)


class SmsSender(Protocol):
    """Send one text message; raise on failure. A gateway adapter implements this."""

    def send(self, phone: str, text: str, reference: str) -> None: ...


class LoggingSmsSender:
    """The default: writes to the log that a message would go out (no phone number or text in the log)."""

    def __init__(self, app: Flask | None = None) -> None:
        self.sent: list[tuple[str, str, str]] = []

    def send(self, phone: str, text: str, reference: str) -> None:
        self.sent.append((phone, text, reference))
        log.info("SMS reminder %s handed to the logging sender (%d characters)", reference, len(text))


def sms_sender(app: Flask) -> SmsSender:
    module_name, _, class_name = app.config["SMS_SENDER"].partition(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    return cls(app)  # type: ignore[no-any-return]
