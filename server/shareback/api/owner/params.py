"""Query parameters of the owner's API: ids, dates and times, strictly parsed."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import UTC, date, datetime, timedelta

from starlette.convertors import StringConvertor, register_url_convertor

from shareback import numbers
from shareback.errors import ApiError

MAX_ID = numbers.MAX_ID
# Dates outside these years are typos, and would overflow date arithmetic near the edges.
MIN_YEAR, MAX_YEAR = 1970, 9998


class NotBulkConvertor(StringConvertor):
    """{reward_id:not_bulk}: any segment but "bulk", so /api/v1/rewards/bulk is never read as
    reward "bulk" (a GET there is a 405 naming POST, as documented); "abc" stays a 404."""

    regex = "(?!bulk$)[^/]+"


register_url_convertor("not_bulk", NotBulkConvertor())


def bad_param(name: str, message: str) -> ApiError:
    return ApiError(400, f"invalid_{name}", message, name)


def given(query: Mapping[str, str], name: str) -> str | None:
    """The parameter's value, None when it is left out. Given empty it is refused: `?campaign=`
    reads as a caller's bug (a variable that was not filled in), not as "every campaign"."""
    value = query.get(name)
    if value is not None and not value.strip():
        raise bad_param(name, f"{name} is empty; leave it out instead.")
    return value


def refuse_unknown(query: Mapping[str, str], known: Collection[str]) -> None:
    """A misspelt filter silently ignored returns the wrong rows; say so instead."""
    for name in query:
        if name not in known:
            raise ApiError(
                400,
                "unknown_parameter",
                f"Unknown query parameter '{name}'; this endpoint takes "
                f"{', '.join(sorted(known)) or 'none'}.",
                name,
            )


def parse_id(raw: str) -> int | None:
    """A row id from a URL or cursor; None for anything that cannot be one (no 500 on 10**30)."""
    return numbers.row_id(raw)


def iso_time(raw: str) -> datetime | None:
    """ISO 8601: a date (midnight UTC) or a date and time; without an offset the time is UTC.
    None for anything else, and for years outside MIN_YEAR..MAX_YEAR."""
    text = raw.strip()
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            moment = datetime(day.year, day.month, day.day, tzinfo=UTC)
        else:
            moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        moment = moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
    return moment if MIN_YEAR <= moment.year <= MAX_YEAR else None


def parse_time(name: str, raw: str) -> datetime:
    moment = iso_time(raw)
    if moment is None:
        raise bad_param(
            name,
            f"{name} must be an ISO 8601 date or time between {MIN_YEAR} and {MAX_YEAR}, "
            "such as 2025-05-01 or 2025-05-01T12:00:00Z.",
        )
    return moment


def parse_day(name: str, raw: str) -> date:
    text = raw.strip()
    try:
        day = date.fromisoformat(text) if len(text) == 10 and text[4] == "-" else None
    except ValueError:
        day = None
    if day is None or not MIN_YEAR <= day.year <= MAX_YEAR:
        raise bad_param(name, f"{name} must be a date as YYYY-MM-DD.")
    return day


def time_range(query: Mapping[str, str]) -> tuple[datetime | None, datetime | None]:
    """?since= (inclusive) and ?until= (exclusive; a bare date includes that whole day)."""
    since = until = None
    if given(query, "since") is not None:
        since = parse_time("since", query["since"])
    if given(query, "until") is not None:
        raw = query["until"].strip()
        until = parse_time("until", raw)
        if len(raw) == 10:
            until += timedelta(days=1)
    if since is not None and until is not None and until <= since:
        raise bad_param("until", "until must be after since.")
    return since, until
