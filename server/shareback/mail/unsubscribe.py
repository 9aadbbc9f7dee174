"""The signed one-click unsubscribe token (RFC 8058) and the keyed hash the suppression list
keeps instead of the address: pure functions of the secret key."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{16}$")


def _mac(secret: str, message: str) -> bytes:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def address_hash(secret: str, email_key: str) -> str:
    """One inbox (emails.email_key), hashed under the secret: what the suppression list keeps."""
    return _b64(_mac(secret, "mail-address:" + email_key))


def unsubscribe_token(secret: str, email_key: str) -> str:
    hashed = address_hash(secret, email_key)
    return f"{hashed}.{_b64(_mac(secret, 'mail-unsubscribe:' + hashed)[:12])}"


def verify_token(secret: str, token: str) -> str | None:
    """The address hash a genuine token names; None for anything else."""
    if not TOKEN.fullmatch(token):
        return None
    hashed, signature = token.split(".")
    expected = _b64(_mac(secret, "mail-unsubscribe:" + hashed)[:12])
    return hashed if hmac.compare_digest(signature, expected) else None
