"""Cursor pagination: newest first, keyset cursors, {"data": [...], "next_cursor": ...}."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, TypeVar

from shareback.api.owner.params import bad_param, given, parse_id

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
PAGING = frozenset({"cursor", "limit"})


class HasId(Protocol):
    @property
    def id(self) -> int: ...


Row = TypeVar("Row", bound=HasId)


def cursor_pattern(kind: str) -> str:
    """What a cursor of this list looks like, for /openapi.json too: "rewards_1234", the list's
    name and the last id shown (18 digits at most, so any match is a valid id)."""
    return f"^{kind}_[1-9][0-9]{{0,17}}$"


def encode_cursor(kind: str, last_id: int) -> str:
    return f"{kind}_{last_id}"


def decode_cursor(kind: str, cursor: str) -> int:
    """The id to page before. A cursor of another list, or any other string, is a 400."""
    found = re.fullmatch(cursor_pattern(kind).strip("^$"), cursor, flags=re.ASCII)
    last_id = parse_id(cursor.removeprefix(f"{kind}_")) if found else None
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
    cursor = given(query, "cursor")
    before = decode_cursor(kind, cursor) if cursor is not None else None
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
