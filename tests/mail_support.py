"""A real SMTP server on loopback (aiosmtpd) that keeps every message it accepts, parsed with the
standard `email` package, and the tools the mail tests share."""

from __future__ import annotations

import asyncio
import email
import email.policy
import re
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from shareback.mail.sender import MailReport, MailSender
from shareback.settings import Settings
from shareback.storage import open_store
from support import free_port


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    signed_in: bool = False

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
        self.received.append(
            Received(
                str(envelope.mail_from),
                list(envelope.rcpt_tos),
                parsed,
                bool(session.authenticated),
            )
        )
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.rcpt_tos]


USER, PASSWORD = "shop@example.nl", "p@ss:word"


def check_login(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok)


class SmtpServer:
    """tls: None (plain, for loopback), "starttls" (required, with a sign-in) or "implicit"
    (smtps://, with a sign-in); the certificate is trustme's, for 127.0.0.1."""

    def __init__(self, tls: str | None = None) -> None:
        self.inbox = Inbox()
        self.port = free_port()
        self.controller: Controller | None = None
        self.tls = tls
        self.ca = trustme.CA()

    def client_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        self.ca.configure_trust(context)
        return context

    def _server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.ca.issue_cert("127.0.0.1").configure_cert(context)
        return context

    def start(self) -> None:
        options: dict[str, Any] = {}
        if self.tls == "starttls":
            options = {"tls_context": self._server_context(), "require_starttls": True}
        elif self.tls == "implicit":
            # aiosmtpd counts only STARTTLS as TLS when it offers AUTH; this socket is TLS
            # from its first byte, so the sign-in is as safe.
            options = {"ssl_context": self._server_context(), "auth_require_tls": False}
        if self.tls:
            options["authenticator"] = check_login
        if self.tls == "starttls":
            options["auth_required"] = True
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **options)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def url(self) -> str:
        login = f"{quote(USER, safe='')}:{quote(PASSWORD, safe='')}@127.0.0.1:{self.port}"
        if self.tls == "starttls":
            return f"smtp://{login}"
        if self.tls == "implicit":
            return f"smtps://{login}"
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
