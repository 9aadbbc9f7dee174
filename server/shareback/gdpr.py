"""What a person's data request returns and what their erasure leaves (GDPR articles 15 and 17).
Pure: the store gathers the rows, these functions shape the document and redact event payloads.

Erasure anonymises instead of deleting rows: every count the owner reads (clicks, shares,
advocates, conversions, revenue, reward cost) stays the same, and nothing left names the person."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from shareback.times import rfc3339

ERASED_DOMAIN = "erased.invalid"  # RFC 2606: never a real mailbox


def erased_email(kind: str, row_id: int) -> str:
    """A placeholder that keeps NOT NULL and unique columns valid and says what happened."""
    return f"erased-{kind}-{row_id}@{ERASED_DOMAIN}"


def plain(value: Any) -> Any:
    """A stored value as JSON: times in the one public format, flags as booleans."""
    if isinstance(value, datetime):
        return rfc3339(value)
    return value


def export_document(
    email: str, sections: Mapping[str, Sequence[Mapping[str, Any]]]
) -> dict[str, Any]:
    """Everything kept about the person, section by section (PRIVACY.md names every field)."""
    return {
        "email": email,
        "note": "Clicks on your links keep a hash of the visitor's address made with a salt that "
        "is deleted after the attribution window; no IP address is stored.",
        **{
            name: [{key: plain(value) for key, value in row.items()} for row in rows]
            for name, rows in sections.items()
        },
    }


def redact(payload: Any, personal: frozenset[str]) -> Any:
    """An event payload with every value that is one of the person's (their e-mail addresses,
    name, codes) replaced by null; everything else (ids, amounts, times) stays."""
    if isinstance(payload, dict):
        return {key: redact(value, personal) for key, value in payload.items()}
    if isinstance(payload, list):
        return [redact(value, personal) for value in payload]
    if isinstance(payload, str) and payload.strip().casefold() in personal:
        return None
    return payload
