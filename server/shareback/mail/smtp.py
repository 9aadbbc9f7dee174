"""SHAREBACK_SMTP_URL and SHAREBACK_EMAIL_FROM read into what aiosmtplib needs: pure parsing."""

from __future__ import annotations

from dataclasses import dataclass
from email.headerregistry import Address
from email.policy import default as default_policy
from urllib.parse import unquote, urlsplit

from shareback.emails import is_valid_email

DEFAULT_PORTS = {"smtp": 587, "smtps": 465}


class SmtpUrlError(ValueError):
    """The URL cannot be used; the message says what to write instead."""


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    # smtps://: TLS from the first byte; smtp://: STARTTLS when the server offers it
    # (required unless ?starttls=off, for a relay on loopback or in a test).
    implicit_tls: bool
    starttls: bool
    username: str | None
    password: str | None

    def __repr__(self) -> str:  # never the password, not even in a traceback
        return f"SmtpTarget({self.host}:{self.port}, tls={self.implicit_tls or self.starttls})"


def parse_smtp_url(url: str) -> SmtpTarget:
    """smtp://user:password@host:587 (STARTTLS) or smtps://user:password@host:465 (TLS).
    User and password are percent-encoded, as in any URL (an @ in a user name is %40)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise SmtpUrlError(f"it cannot be read as a URL ({exc})") from None
    if parts.scheme not in DEFAULT_PORTS:
        raise SmtpUrlError("it must start with smtp:// (STARTTLS) or smtps:// (TLS)")
    if not parts.hostname:
        raise SmtpUrlError("it names no host, as in smtp://user:password@mail.example.com:587")
    if parts.path not in ("", "/"):
        raise SmtpUrlError("it must have no path after the host and port")
    query = dict(part.partition("=")[::2] for part in parts.query.split("&") if part)
    if set(query) - {"starttls"} or query.get("starttls", "on") not in ("on", "off"):
        raise SmtpUrlError("its only option is ?starttls=off (for a relay on loopback)")
    implicit = parts.scheme == "smtps"
    return SmtpTarget(
        host=parts.hostname,
        port=port or DEFAULT_PORTS[parts.scheme],
        implicit_tls=implicit,
        starttls=not implicit and query.get("starttls", "on") == "on",
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password is not None else None,
    )


def parse_sender(value: str) -> Address:
    """'Shop Name <hello@shop.example>' or 'hello@shop.example', checked; ValueError for anything
    else (two addresses, a line break, no domain)."""
    if any(ch in value for ch in "\r\n\x00"):
        raise ValueError("one address, on one line")
    header = default_policy.header_factory("From", value.strip())
    addresses: tuple[Address, ...] = tuple(getattr(header, "addresses", ()))
    if len(addresses) != 1 or header.defects or not is_valid_email(addresses[0].addr_spec):
        raise ValueError("one address such as Shop Name <hello@shop.example>")
    return addresses[0]
