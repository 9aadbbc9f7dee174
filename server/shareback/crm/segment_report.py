"""The overview's targeting comparison: per segment and per country, how many customers it could
reach, how many shared and what their friends ordered. Pure: the store counts, these combine."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from shareback.crm.segments import Segment, SegmentFacts, eligible
from shareback.kpis import ratio

NO_COUNTRY = ""  # customers whose country is not known


@dataclass(frozen=True)
class Participation:
    """One group's numbers over the overview's period (sharers: distinct people who shared)."""

    sharers: int = 0
    friends_orders: int = 0


@dataclass(frozen=True)
class ComparedRow:
    key: str  # the campaign's slug, or the country code (NO_COUNTRY: unknown)
    eligible: int
    sharers: int
    friends_orders: int
    # Regional campaigns whose segment lists this country (country rows only).
    regional: tuple[str, ...] = ()

    @property
    def participation(self) -> Decimal | None:
        """Who shared, of those who could: the customers the segment reaches."""
        return ratio(self.sharers, self.eligible)

    @property
    def conversion(self) -> Decimal | None:
        """Friends' orders per person who shared."""
        return ratio(self.friends_orders, self.sharers)


def count_eligible(
    segments: Mapping[str, Segment], facts: Iterable[SegmentFacts]
) -> dict[str, int]:
    """How many customers each segment admits (a segment-less campaign: every customer)."""
    counts = dict.fromkeys(segments, 0)
    for customer in facts:
        for key, segment in segments.items():
            if eligible(segment, customer):
                counts[key] += 1
    return counts


def segment_rows(
    segments: Mapping[str, Segment],
    eligible_counts: Mapping[str, int],
    numbers: Mapping[str, Participation],
) -> list[ComparedRow]:
    """One row per campaign, the most specific segments first, as the widget picks them."""
    ordered = sorted(segments, key=lambda key: -segments[key].conditions)
    return [
        ComparedRow(
            key,
            eligible_counts.get(key, 0),
            numbers.get(key, Participation()).sharers,
            numbers.get(key, Participation()).friends_orders,
        )
        for key in ordered
    ]


def country_rows(
    customers: Mapping[str, int],
    numbers: Mapping[str, Participation],
    regional: Mapping[str, Segment],
    limit: int = 30,
) -> list[ComparedRow]:
    """The countries with the most customers first (unknown ones last), each with the regional
    campaigns that already include it, so a country that converts well outside them shows."""
    known: Sequence[str] = sorted(
        (code for code in customers if code != NO_COUNTRY),
        key=lambda code: (-customers[code], code),
    )[:limit]
    keys = [*known, NO_COUNTRY] if NO_COUNTRY in customers else list(known)
    return [
        ComparedRow(
            code,
            customers[code],
            numbers.get(code, Participation()).sharers,
            numbers.get(code, Participation()).friends_orders,
            tuple(slug for slug, segment in regional.items() if code in segment.countries),
        )
        for code in keys
    ]
