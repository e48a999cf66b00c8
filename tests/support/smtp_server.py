"""A real SMTP server for the tests (aiosmtpd, on 127.0.0.1): it keeps every message it accepts."""

from __future__ import annotations

import asyncio
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.support.twilio_standin import bound_socket


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.delay = 0.0  # seconds between keeping a message and answering 250 (a slow server)

    async def handle_DATA(self, server, session, envelope) -> str:
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        self.messages.append(message)  # type: ignore[arg-type]
        if self.delay:
            await asyncio.sleep(self.delay)
        return "250 OK"


class SmtpServer:
    def __init__(self) -> None:
        sock = bound_socket()
        self.port = sock.getsockname()[1]
        sock.close()
        self.mailbox = Mailbox()
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)

    @property
    def messages(self) -> list[EmailMessage]:
        return self.mailbox.messages

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()
