"""What the dashboard's and the owner API's search box looks for in advocates and referrals. Pure:
the text typed in, the forms each column is matched in.

Fast at a million advocates: e-mail addresses, codes and names are matched by their start, a
range on an index (storage/migrations/*/0022_people_search.sql); a name also by any part, among
the NAME_SCAN newest advocates, a scan that stops at MAX_MATCHES hits. A search is for finding a
person, not for listing thousands: each way of matching gives at most MAX_MATCHES people."""

from __future__ import annotations

from dataclasses import dataclass

from shareback import codes, emails

MAX_SEARCH = 200
MAX_MATCHES = 1000
# A name's middle ("vries" in "Anna de Vries") is looked for among the newest advocates only:
# no index holds it, and reading a million names takes a second. Older ones are found by the
# start of their name, address or code.
NAME_SCAN = 100_000
# The advocates list: newest first, or most referred orders first.
SORTS = ("newest", "referred")
# After every other character in a bytewise order: `prefix <= x < prefix + TOP` is a prefix match.
TOP = "\U0010ffff"


@dataclass(frozen=True)
class SearchTerms:
    email: str  # folded as the records are (emails.fold): the start of an e-mail key
    code: str  # upper case: the start of a referral, coupon, link or friend's code
    # accents folded, lower case (codes.name_key): any part of a name; None for an address
    name: str | None
    order_id: str  # exactly as typed: a shop's order number


def has_control_characters(text: str) -> bool:
    """NUL and the like: PostgreSQL cannot even compare them, so the adapters refuse them."""
    return any(ord(ch) < 32 or ord(ch) == 127 for ch in text)


def search_terms(text: str | None) -> SearchTerms | None:
    """None for an empty search (everyone)."""
    raw = (text or "").strip()
    if not raw:
        return None
    return SearchTerms(
        email=emails.fold(raw),
        code=raw.upper(),
        name=None if "@" in raw else codes.name_key(raw),  # an address is nobody's name
        order_id=raw.lstrip("#"),
    )


def prefix_range(prefix: str) -> tuple[str, str]:
    """The bounds of every text starting with `prefix`, for `column >= ? AND column < ?`."""
    return prefix, prefix + TOP


def like_anywhere(text: str) -> str:
    """A LIKE pattern for `text` anywhere, % and _ only characters (with ESCAPE '\\')."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# A referred order's state, as the referrals list filters and shows it.
ORDER_STATES = ("paid", "partly_refunded", "refunded")


def order_state(status: str, refunded_minor: int) -> str:
    if status == "refunded":
        return "refunded"
    return "partly_refunded" if refunded_minor > 0 else "paid"
