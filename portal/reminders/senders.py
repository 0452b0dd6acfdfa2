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


class NotSent(Exception):
    """The message certainly did not leave: nothing was handed over, so it is safe to try again later."""


class MaybeSent(Exception):
    """The message may have reached the mail server or gateway: it must never be sent again automatically."""


class _TrackingSMTP(smtplib.SMTP):
    """smtplib.SMTP that notes the moment the message itself starts going to the server.

    Until the server has answered DATA with 354, nothing of the message has been handed over. After that the
    server may take responsibility for it at any moment, and a lost connection or a timeout while waiting for
    the reply to the final "." leaves us not knowing whether it did (RFC 5321, 4.1.1.4 and 6.1).
    """

    handed_over = False
    _in_data = False

    def data(self, msg):  # type: ignore[no-untyped-def]
        self._in_data = True
        try:
            return super().data(msg)
        finally:
            self._in_data = False

    def getreply(self):  # type: ignore[no-untyped-def]
        reply = super().getreply()
        if self._in_data and reply[0] == 354:
            self.handed_over = True
        return reply


class EmailSender:
    """Send one message over SMTP.

    Raises NotSent if it certainly did not leave: connection refused or timed out, TLS or login failed, the
    server refused the sender, the recipient or the message with a 4xx/5xx reply (to MAIL, RCPT, DATA or the
    final "."). Raises MaybeSent if it may have: the connection broke or timed out after the message was on
    its way.

    Returns once the server has accepted the message with 250; a failing QUIT after that cannot undo the
    sending and is only logged."""

    def __init__(self, app: Flask) -> None:
        config = app.config
        self.host, self.port = config["SMTP_HOST"], config["SMTP_PORT"]
        self.sender = config["SMTP_FROM"]
        self.user, self.password = config["SMTP_USER"], config["SMTP_PASSWORD"]
        self.starttls, self.timeout = config["SMTP_STARTTLS"], config["SMTP_TIMEOUT"]

    def _message(self, email: Email) -> EmailMessage:
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
        return message

    def send(self, email: Email) -> None:
        try:
            message = self._message(email)
            smtp = _TrackingSMTP(self.host, self.port, timeout=self.timeout)
        except Exception as error:  # noqa: BLE001 - not connected: nothing left
            raise NotSent(describe(error)) from error
        try:
            if self.starttls:
                smtp.starttls()
            if self.user:
                smtp.login(self.user, self.password)
            smtp.send_message(message)
        except Exception as error:  # noqa: BLE001
            smtp.close()
            if smtp.handed_over and not _refused(error):
                raise MaybeSent(describe(error)) from error
            raise NotSent(describe(error)) from error
        # Accepted (250). A failing QUIT must not turn this into a failure that would be tried again.
        try:
            smtp.quit()
        except Exception as error:  # noqa: BLE001
            log.info("SMTP QUIT after an accepted message failed (the message was sent): %s", describe(error))
        finally:
            smtp.close()


def _refused(error: BaseException) -> bool:
    """The server answered the end of the message with a 4xx/5xx reply: it did not take it. (A reply that
    cannot be read, a timeout or a lost connection at that point leave it open.)"""
    return isinstance(error, smtplib.SMTPDataError) and 400 <= error.smtp_code < 600


def describe(error: BaseException) -> str:
    """The type and text of an error, or of the error it wraps (NotSent and MaybeSent carry the cause)."""
    if isinstance(error, (NotSent, MaybeSent)) and error.args:
        return str(error.args[0])
    return f"{type(error).__name__}: {error}"


class SmsSender(Protocol):
    """Send one text message. A gateway adapter implements this.

    Return once the gateway has taken the message. Raise NotSent when it certainly did not (connection
    refused, the gateway answered with an error): the reminder is tried again later. Any other exception
    counts as "may have been sent" (e.g. a timeout after the request went out): the reminder is marked unknown
    and never sent again automatically, because each reminder goes out at most once."""

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
