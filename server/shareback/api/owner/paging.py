"""Cursor pagination: newest first, opaque cursors, {"data": [...], "next_cursor": ...}."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, TypeVar

from shareback.api.owner.params import bad_param, parse_id

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
PAGING = frozenset({"cursor", "limit"})


class HasId(Protocol):
    @property
    def id(self) -> int: ...


Row = TypeVar("Row", bound=HasId)


def encode_cursor(kind: str, last_id: int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str) -> int:
    """The id to page before. A cursor of another list, or any other string, is a 400."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        text = base64.urlsafe_b64decode(padded.encode("ascii")).decode("ascii")
    except (UnicodeError, binascii.Error, ValueError):
        text = ""
    found, _, raw_id = text.partition(":")
    last_id = parse_id(raw_id) if found == kind else None
    if last_id is None:
        raise bad_param(
            "cursor", "This cursor is not one this list gave out; pass next_cursor as it came."
        )
    return last_id


def page_params(query: Mapping[str, str], kind: str) -> tuple[int | None, int]:
    """(before, limit) from ?cursor= and ?limit=."""
    raw_limit = query.get("limit")
    limit = DEFAULT_LIMIT
    if raw_limit is not None:
        parsed = parse_id(raw_limit.strip())
        if parsed is None or parsed > MAX_LIMIT:
            raise bad_param("limit", f"limit must be a whole number from 1 to {MAX_LIMIT}.")
        limit = parsed
    cursor = query.get("cursor")
    before = decode_cursor(kind, cursor) if cursor else None
    return before, limit


def page_document(
    rows: Sequence[Row], limit: int, kind: str, document: Callable[[Row], dict[str, Any]]
) -> dict[str, Any]:
    """rows were fetched with limit + 1: an extra row means there is a next page."""
    shown = rows[:limit]
    more = len(rows) > limit
    return {
        "data": [document(row) for row in shown],
        "next_cursor": encode_cursor(kind, shown[-1].id) if more else None,
    }
