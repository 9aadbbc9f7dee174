"""A customer's facts as shops and CRMs write them: names split, countries as ISO 3166-1 alpha-2
codes (from a code or a country's English or Dutch name), tags, marketing consent. Pure."""

from __future__ import annotations

import unicodedata
from datetime import datetime
from functools import cache

from babel import Locale

from shareback.crm.records import CustomerFacts

MAX_NAME = 100
MAX_TAGS = 50
# How the platforms word consent; anything else says nothing (None), never "no".
YES = frozenset({"true", "yes", "y", "1", "subscribed", "opt_in", "opted_in", "granted"})
NO = frozenset(
    {
        "false",
        "no",
        "n",
        "0",
        "not_subscribed",
        "unsubscribed",
        "opt_out",
        "opted_out",
        "denied",
        "redacted",
    }
)


def text(value: object, limit: int = MAX_NAME) -> str | None:
    if not isinstance(value, str):
        return None
    found = " ".join(value.split())
    return found[:limit] or None


def split_name(name: str | None) -> tuple[str | None, str | None]:
    """ "Anna de Vries" → ("Anna", "de Vries"): the first word, then the rest."""
    words = (name or "").split()
    if not words:
        return None, None
    return words[0][:MAX_NAME], (" ".join(words[1:])[:MAX_NAME] or None)


def _fold(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return " ".join(plain.lower().replace("-", " ").split())


@cache
def _names() -> dict[str, str]:
    found: dict[str, str] = {}
    for lang in ("en", "nl"):
        for code, name in Locale.parse(lang).territories.items():
            if len(code) == 2 and code.isalpha():
                found.setdefault(_fold(name), code)
    # The names exports use that CLDR words otherwise.
    found.update({"usa": "US", "united states of america": "US", "uk": "GB", "holland": "NL"})
    return found


@cache
def _codes() -> frozenset[str]:
    return frozenset(_names().values())


def country_code(value: object) -> str | None:
    """ "nl", "NL", "Netherlands", "Nederland" → "NL"; anything else → None."""
    raw = text(value)
    if raw is None:
        return None
    if len(raw) == 2 and raw.isalpha():
        code = raw.upper()
        return code if code in _codes() else None
    return _names().get(_fold(raw))


def split_tags(value: object) -> tuple[str, ...]:
    """ "VIP, Léon;wholesale" or a list → folded, trimmed, lower case, unique, at most 50."""
    parts: list[str] = []
    if isinstance(value, str):
        parts = value.replace(";", ",").split(",")
    elif isinstance(value, list):
        parts = [p for p in value if isinstance(p, str)]
    tags: list[str] = []
    for part in parts:
        tag = " ".join(part.split()).lower()[:100]
        if tag and tag not in tags:
            tags.append(tag)
    return tuple(tags[:MAX_TAGS])


def consent(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    raw = text(value)
    if raw is None:
        return None
    word = raw.lower().replace(" ", "_").replace("-", "_")
    if word in YES:
        return True
    if word in NO:
        return False
    return None


def order_facts(
    email: str | None,
    name: str | None,
    *,
    source: str,
    first_name: object = None,
    last_name: object = None,
    country: object = None,
    tags: object = None,
    marketing_consent: bool | None = None,
    consent_at: datetime | None = None,
    customer_id: str | None = None,
) -> CustomerFacts:
    """What an order webhook says about its buyer; the consent's source is the platform."""
    first, last = text(first_name), text(last_name)
    if first is None and last is None:
        first, last = split_name(name)
    return CustomerFacts(
        email=email,
        first_name=first,
        last_name=last,
        country=country_code(country),
        tags=split_tags(tags),
        marketing_consent=marketing_consent,
        consent_source=source if marketing_consent is not None else None,
        consent_at=consent_at if marketing_consent is not None else None,
        external_ids=((source, customer_id),) if customer_id else (),
    )
