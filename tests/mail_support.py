"""A real SMTP server on loopback (aiosmtpd) that keeps every message it accepts, parsed with the
standard `email` package, and the tools the mail tests share."""

from __future__ import annotations

import asyncio
import email
import email.policy
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from html.parser import HTMLParser
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from shareback.mail.sender import MailReport, MailSender
from shareback.settings import Settings
from shareback.storage import open_store
from support import free_port


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def text(self) -> str:
        part = self.message.get_body(("plain",))
        assert part is not None
        return str(part.get_content())

    @property
    def html(self) -> str:
        part = self.message.get_body(("html",))
        assert part is not None
        return str(part.get_content())


class Inbox:
    """aiosmtpd's handler: accepts every message (or refuses them with `refuse`)."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.refuse: str | None = None

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.refuse:
            return self.refuse
        raw = envelope.original_content or envelope.content
        assert isinstance(raw, bytes)
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(Received(str(envelope.mail_from), list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.rcpt_tos]


class SmtpServer:
    def __init__(self) -> None:
        self.inbox = Inbox()
        self.port = free_port()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}?starttls=off"


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.hrefs += [value for name, value in attrs if name == "href" and value]


def html_links(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    return parser.hrefs


def text_links(text: str) -> list[str]:
    return re.findall(r"https?://\S+", text)


def send_rounds(
    settings: Settings, secret_key: str, moments: Sequence[datetime], **options: Any
) -> list[MailReport]:
    """The mail sender's rounds at these moments, on a store of its own (as another process)."""

    async def go() -> list[MailReport]:
        store = await open_store(settings.database_url)
        try:
            sender = MailSender(store, settings, secret_key, **options)
            return [await sender.send_due(moment) for moment in moments]
        finally:
            await store.close()

    return asyncio.run(go())
