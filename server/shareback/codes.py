"""Readable, unambiguous codes: referral codes (ANNA-7KQ2), personal coupon codes (ANNA10) and
friends' codes (WELKOM-7KQ2XM)."""

from __future__ import annotations

import re
import secrets
import unicodedata
from decimal import Decimal, InvalidOperation

# No 0/O, 1/I/L: codes are read aloud, typed at checkouts and copied from screens.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_PATTERN = re.compile(r"^[A-Z]{1,8}-[2-9A-HJKMNP-Z]{4,8}$")


# The prefix of a code that spells nobody: for advocates who did not choose a name for their codes.
NEUTRAL_PREFIX = "FRIEND"


def code_prefix(name: str | None) -> str:
    """The first name folded to at most eight ASCII capitals; FRIEND without one.

    Only a name the advocate chose belongs here (one that came with the shop's signed identity):
    a code is shown to every friend, so it must never spell a name someone else typed, and never
    the e-mail address."""
    source = (name or "").strip().split(" ")[0]
    folded = unicodedata.normalize("NFKD", source).encode("ascii", "ignore").decode()
    letters = "".join(ch for ch in folded.upper() if "A" <= ch <= "Z")
    return letters[:8] or NEUTRAL_PREFIX


def name_key(name: str | None) -> str | None:
    """A name as the look-up matches it: accents folded, lower case ("Zoë" → "zoe")."""
    folded = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode()
    return " ".join(folded.lower().split()) or None


def new_code(prefix: str, length: int = 4) -> str:
    return prefix + "-" + "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalize_code(raw: str) -> str | None:
    """Codes are matched case-insensitively; anything not shaped like a code is None."""
    code = raw.strip().upper()
    return code if CODE_PATTERN.fullmatch(code) else None


# A coupon's clash characters start with a letter, so the offer's number stays readable:
# ANNA10 → ANNA10K7, never ANNA107Q (is that 107?).
LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ"
COUPON_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9_-]{2,63}$")
PREFIX_PATTERN = re.compile(r"^[A-Z][A-Z0-9]{0,11}$")


def offer_number(reward_type: str, value: str) -> str:
    """The friend's offer as a whole number for a coupon (10 for 10 % or €10); '' when it isn't one."""
    if reward_type == "coupon":
        return ""
    try:
        number = Decimal(value)
    except InvalidOperation:
        return ""
    if not number.is_finite() or number <= 0 or number != number.to_integral_value():
        return ""
    return str(int(number)) if number < 100_000 else ""


def coupon_code(prefix: str, number: str, attempt: int) -> str:
    """ANNA10 first; on a clash ANNA10K7 (two characters), later three, then four. A name too
    short for a coupon on its own (AL, for a coupon offer without a number) gets them at once.

    A neutral coupon starts at three (FRIEND10K7Q): FRIEND10 alone would be everybody's guess."""
    if prefix == NEUTRAL_PREFIX:
        attempt += 8
    if attempt == 0 and COUPON_PATTERN.fullmatch(prefix + number):
        return prefix + number
    extra = 2 if attempt < 8 else 3 if attempt < 14 else 4
    return (
        prefix
        + number
        + secrets.choice(LETTERS)
        + "".join(secrets.choice(ALPHABET) for _ in range(extra - 1))
    )


def friend_code(prefix: str) -> str:
    """A friend's single-use code such as WELKOM-7KQ2XM: 31^6 ≈ 887 million per prefix."""
    return prefix + "-" + "".join(secrets.choice(ALPHABET) for _ in range(6))


def normalize_coupon(raw: str) -> str | None:
    """Discount codes compare case-insensitively, as checkouts treat them; None if not code-shaped."""
    code = raw.strip().upper()
    return code if COUPON_PATTERN.fullmatch(code) else None
