"""The one time format of every public output (API, events, CSV): RFC 3339 in UTC, seconds, `Z`."""

from __future__ import annotations

from datetime import UTC, datetime


def rfc3339(moment: datetime) -> str:
    """2025-06-01T09:30:00Z: what integrators parse everywhere, whatever the database kept."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def rfc3339_or_none(moment: datetime | None) -> str | None:
    return None if moment is None else rfc3339(moment)
