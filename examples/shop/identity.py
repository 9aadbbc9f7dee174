"""Who is logged in, and the data-user-hash that proves it to the Shareback widget."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Shopper:
    email: str
    name: str


def user_hash(identity_secret: str, email: str) -> str:
    """Lowercase hex HMAC-SHA256 of the e-mail exactly as given, keyed by the identity secret.

    Computed on the server only: the secret never reaches the browser.
    """
    return hmac.new(identity_secret.encode(), email.encode(), hashlib.sha256).hexdigest()


def logged_in_shopper(session: Mapping[str, Any]) -> Shopper | None:
    stored = session.get("shopper")
    if not isinstance(stored, dict):
        return None
    email, name = stored.get("email"), stored.get("name")
    if not isinstance(email, str) or not isinstance(name, str) or not email:
        return None
    return Shopper(email=email, name=name)


def looks_like_email(value: str) -> bool:
    local, at, domain = value.partition("@")
    return bool(at and local and "." in domain and not any(c.isspace() for c in value))
