"""Who may see an advocate's page: the magic link e-mailed on request and the session it opens,
both signed (itsdangerous, each with its own salt, so neither opens anything else), both
expiring. Pure: no storage, no Starlette."""

from __future__ import annotations

from itsdangerous import BadData, URLSafeTimedSerializer

LINK_SALT = "shareback-advocate-page-link"
SESSION_SALT = "shareback-advocate-page-session"
LINK_MINUTES = 60  # the link in the e-mail
SESSION_HOURS = 12  # the page stays open this long after the link was followed
COOKIE = "shareback_advocate"
MAX_TOKEN = 300


def link_token(secret_key: str, advocate_code: str) -> str:
    return URLSafeTimedSerializer(secret_key, salt=LINK_SALT).dumps(advocate_code)


def session_token(secret_key: str, advocate_code: str) -> str:
    return URLSafeTimedSerializer(secret_key, salt=SESSION_SALT).dumps(advocate_code)


def _code(secret_key: str, salt: str, token: str, max_age: int) -> str | None:
    if not token or len(token) > MAX_TOKEN:
        return None
    try:
        code = URLSafeTimedSerializer(secret_key, salt=salt).loads(token, max_age=max_age)
    except BadData:
        return None
    return code if isinstance(code, str) else None


def link_code(secret_key: str, token: str) -> str | None:
    """The advocate code a genuine, unexpired magic link names; None for anything else (a
    payout link, a session cookie, an old or altered link)."""
    return _code(secret_key, LINK_SALT, token, LINK_MINUTES * 60)


def session_code(secret_key: str, token: str) -> str | None:
    return _code(secret_key, SESSION_SALT, token, SESSION_HOURS * 3600)


def mask_email(address: str | None) -> str:
    """ "j***@g***.com": enough for the advocate to recognise a friend, nothing to write to.
    The first letter of the name and of the domain, and the domain's last label."""
    if not address or "@" not in address:
        return "***"
    local, _, domain = address.strip().rpartition("@")
    host, dot, tld = domain.rpartition(".")
    if not dot:
        host, tld = domain, ""
    shown_tld = f".{tld}" if tld else ""
    return f"{local[:1] or '*'}***@{host[:1] or '*'}***{shown_tld}"


def masked_name(name: str | None) -> str | None:
    """ "Jan J.": a first name and the initial of the last word, never a whole surname."""
    words = (name or "").split()
    if not words:
        return None
    first = words[0][:40]
    return f"{first} {words[-1][:1].upper()}." if len(words) > 1 else first
