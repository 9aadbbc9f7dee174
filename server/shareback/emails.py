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


# Only A-Z: str.lower() also folds characters such as the KELVIN SIGN (U+212A) into "k", so a
# different address in the shop would open another person's record.
ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def fold(email: str) -> str:
    """The address as one form everywhere (records, keys, identity checks): spaces at the ends
    dropped and ASCII letters lower-cased, every other character as written."""
    return email.strip().translate(ASCII_LOWER)


def email_key(email: str) -> str:
    """Folded, "+tag" dropped, and Gmail's ignored dots removed, so one inbox is one key."""
    local, _, domain = fold(email).rpartition("@")
    local = local.split("+", 1)[0]
    if domain in GMAIL_DOMAINS:
        local = local.replace(".", "")
        domain = "gmail.com"
    return f"{local}@{domain}"
