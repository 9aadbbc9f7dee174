"""Cross-site request forgery protection: a per-session token that every form posts back."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping, MutableMapping
from typing import Any

from starlette.exceptions import HTTPException

FIELD = "csrf_token"


def csrf_token(session: MutableMapping[str, Any]) -> str:
    token = session.get(FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[FIELD] = token
    return token


def require_csrf(session: Mapping[str, Any], form: Mapping[str, Any]) -> None:
    expected = session.get(FIELD)
    given = form.get(FIELD)
    if (
        not isinstance(expected, str)
        or not isinstance(given, str)
        or not hmac.compare_digest(expected.encode(), given.encode())
    ):
        raise HTTPException(status_code=403, detail="csrf")
