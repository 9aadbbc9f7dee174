"""E-mail validation and the canonical key that makes "same person" comparisons honest."""

from __future__ import annotations

import re

# Deliberately simple: one @, a dot in the domain, no spaces. Deliverability is the shop's job.
# No spaces, no control characters (a NUL cannot even be stored by PostgreSQL).
EMAIL_PATTERN = re.compile(
    r"^[^@\s\x00-\x1f\x7f]{1,64}@[^@\s\x00-\x1f\x7f]+\.[^@\s.\x00-\x1f\x7f]{2,}$"
)
GMAIL_DOMAINS = {"gmail.com", "googlemail.com"}


def is_valid_email(value: str) -> bool:
    return len(value) <= 254 and EMAIL_PATTERN.fullmatch(value) is not None


def email_key(email: str) -> str:
    """Lower-cased, "+tag" dropped, and Gmail's ignored dots removed, so one inbox is one key."""
    local, _, domain = email.strip().lower().rpartition("@")
    local = local.split("+", 1)[0]
    if domain in GMAIL_DOMAINS:
        local = local.replace(".", "")
        domain = "gmail.com"
    return f"{local}@{domain}"
