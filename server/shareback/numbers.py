"""Whole numbers from text that strangers send (paths, query strings, forms, headers).

str.isdigit() says yes to "²" and "١٢", which int() then refuses or reads as digits no one
typed; and an id past 64 bits overflows the database. Both were 500s: here they are just None."""

from __future__ import annotations

MAX_ID = 2**63 - 1  # the largest BIGINT, and SQLite's INTEGER


def whole_number(raw: str | None, maximum: int = MAX_ID) -> int | None:
    """0..maximum written in ASCII digits only (no sign, no spaces), else None."""
    if raw is None or not raw or len(raw) > len(str(maximum)):
        return None
    if not (raw.isascii() and raw.isdigit()):
        return None
    value = int(raw)
    return value if value <= maximum else None


def row_id(raw: str | None) -> int | None:
    """A row id (1 or more, fits in 64 bits) from a URL, cursor or form, else None."""
    value = whole_number(raw)
    return value if value else None


def declared_over(raw: str | None, limit: int) -> bool:
    """A declared size (Content-Length) over limit; one too long to read certainly is."""
    if raw is None or not (raw.isascii() and raw.isdigit()):
        return False
    return len(raw) > len(str(MAX_ID)) or int(raw) > limit


def json_integer(value: object) -> int | None:
    """A JSON number with no fraction: 5 and 5.0 alike, as JSON Schema's "integer" has it (and
    never true or false, which Python counts as ints); anything else None."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None
