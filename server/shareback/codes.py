"""Readable, unambiguous referral codes such as ANNA-7KQ2."""

from __future__ import annotations

import re
import secrets
import unicodedata

# No 0/O, 1/I/L: codes are read aloud, typed at checkouts and copied from screens.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_PATTERN = re.compile(r"^[A-Z]{1,8}-[2-9A-HJKMNP-Z]{4,8}$")


def code_prefix(name: str | None, email: str) -> str:
    """The first name (or the e-mail's local part) folded to at most eight ASCII capitals."""
    source = (name or "").strip().split(" ")[0] or email.split("@")[0]
    folded = unicodedata.normalize("NFKD", source).encode("ascii", "ignore").decode()
    letters = "".join(ch for ch in folded.upper() if "A" <= ch <= "Z")
    return letters[:8] or "FRIEND"


def new_code(prefix: str, length: int = 4) -> str:
    return prefix + "-" + "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalize_code(raw: str) -> str | None:
    """Codes are matched case-insensitively; anything not shaped like a code is None."""
    code = raw.strip().upper()
    return code if CODE_PATTERN.match(code) else None
