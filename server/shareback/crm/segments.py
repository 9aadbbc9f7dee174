"""Campaign targeting: which customers a campaign's segment admits, and which of several
campaigns is meant for a shopper. Pure: the store gathers a customer's facts, these decide."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from shareback import money
from shareback.crm.score import BANDS

# A score band condition is "this band or a higher one" (crm/score.py's bands, by their lowest
# points): "medium" admits medium and high.
SCORE_BANDS = tuple(sorted(BANDS, key=lambda name: -BANDS[name][0]))  # high, medium, low


@dataclass(frozen=True)
class Segment:
    """Who a campaign is meant for; every condition given must hold. No condition at all: the
    campaign is for everyone (the fallback)."""

    countries: tuple[str, ...] = ()  # ISO 3166-1 alpha-2, upper case: any one of them
    tags: tuple[str, ...] = ()  # lower case: the customer has at least one of them
    min_orders: int | None = None
    min_spend_minor: int | None = None  # revenue net of refunds, in spend_currency
    spend_currency: str | None = None
    min_score_band: str | None = None  # crm/score.py's band name: this one or a higher one

    @property
    def conditions(self) -> int:
        """How specific the segment is: the number of conditions it sets."""
        return sum(
            (
                bool(self.countries),
                bool(self.tags),
                self.min_orders is not None,
                self.min_spend_minor is not None,
                self.min_score_band is not None,
            )
        )

    @property
    def empty(self) -> bool:
        return self.conditions == 0

    def without_countries(self) -> Segment:
        """The same segment for every region: what "widen" leaves."""
        return replace(self, countries=())


EVERYONE = Segment()


@dataclass(frozen=True)
class SegmentFacts:
    """What the store knows of an identified shopper (crm's customer record, the score)."""

    country: str | None = None
    tags: tuple[str, ...] = ()
    order_count: int = 0
    revenue_minor: int = 0
    currency: str | None = None  # the currency revenue_minor is in; None before any order
    score_band: str | None = None  # None: not scored, or excluded (an unresolved complaint)


def eligible(segment: Segment, facts: SegmentFacts) -> bool:
    """Unknown facts never satisfy a condition: a customer without a country is in no region,
    one without a score in no band, and spend in another currency is not compared at all."""
    if segment.countries and facts.country not in segment.countries:
        return False
    if segment.tags and not set(segment.tags) & set(facts.tags):
        return False
    if segment.min_orders is not None and facts.order_count < segment.min_orders:
        return False
    if segment.min_spend_minor is not None and (
        facts.currency != segment.spend_currency or facts.revenue_minor < segment.min_spend_minor
    ):
        return False
    if segment.min_score_band is None:
        return True
    return (
        facts.score_band in BANDS and BANDS[facts.score_band][0] >= BANDS[segment.min_score_band][0]
    )


class Targetable(Protocol):
    """A campaign as the choice needs it (storage's Campaign is one)."""

    @property
    def id(self) -> int: ...

    @property
    def allowed_origins(self) -> tuple[str, ...]: ...

    @property
    def draft(self) -> bool: ...

    @property
    def archived_at(self) -> datetime | None: ...

    @property
    def starts_at(self) -> datetime | None: ...

    @property
    def ends_at(self) -> datetime | None: ...


C = TypeVar("C", bound=Targetable)


@dataclass(frozen=True)
class Targeted(Generic[C]):
    campaign: C
    segment: Segment


def live(campaign: Targetable, at: datetime) -> bool:
    return (
        not campaign.draft
        and campaign.archived_at is None
        and (campaign.starts_at is None or campaign.starts_at <= at)
        and (campaign.ends_at is None or at < campaign.ends_at)
    )


def same_site(named: Targetable, other: Targetable, origin: str | None) -> bool:
    """A campaign the widget of `named` may show instead: it may be embedded where the widget
    is (the request's Origin; without one, any site of the named campaign)."""
    sites = {origin} if origin else set(named.allowed_origins)
    return bool(sites & set(other.allowed_origins))


def candidates(
    named: C,
    campaigns: Iterable[C],
    segments: Mapping[int, Segment],
    at: datetime,
    origin: str | None,
) -> list[Targeted[C]]:
    """The campaigns a widget naming `named` may show: it, and every other live one of the same
    site, each with its segment (none: for everyone)."""
    found = [Targeted(named, segments.get(named.id, EVERYONE))]
    for campaign in campaigns:
        if campaign.id != named.id and live(campaign, at) and same_site(named, campaign, origin):
            found.append(Targeted(campaign, segments.get(campaign.id, EVERYONE)))
    return found


def choose(named: C, candidates: Sequence[Targeted[C]], facts: SegmentFacts | None) -> C:
    """The campaign meant for this shopper, among the candidates: the named one (the script
    tag's) and the other live campaigns of the same site, each with its segment. facts None: the shopper is not identified by the shop.

    Precedence: the eligible segment with the most conditions; equal ones, the campaign created
    first (the lowest id), so a new campaign never silently takes shoppers from an older one as
    specific as it. No segment admits the shopper: the fallback, a campaign with no segment (the
    named one if it has none, else the first created); none at all: the named campaign, since
    the shop's script tag asked for it."""
    if facts is not None:
        admitted = [
            entry
            for entry in candidates
            if not entry.segment.empty and eligible(entry.segment, facts)
        ]
        if admitted:
            best = min(admitted, key=lambda entry: (-entry.segment.conditions, entry.campaign.id))
            return best.campaign
    return fallback(named, candidates)


def fallback(named: C, candidates: Sequence[Targeted[C]]) -> C:
    open_to_all = [entry.campaign for entry in candidates if entry.segment.empty]
    if any(campaign.id == named.id for campaign in open_to_all):
        return named
    return min(open_to_all, key=lambda campaign: campaign.id) if open_to_all else named


def segment_document(segment: Segment | None) -> dict[str, Any] | None:
    """The segment as the owner API shows it and the change log keeps it; None: no segment."""
    if segment is None or segment.empty:
        return None
    spend = segment.min_spend_minor
    return {
        "countries": list(segment.countries),
        "tags": list(segment.tags),
        "min_orders": segment.min_orders,
        "min_spend": money.from_minor(spend, segment.spend_currency or "")
        if spend is not None
        else None,
        "currency": segment.spend_currency if spend is not None else None,
        "min_score_band": segment.min_score_band,
    }


def segment_from_document(document: Mapping[str, Any] | None) -> Segment | None:
    """A change log's segment (crm.segments.segment_document) back as a segment."""
    if document is None:
        return None
    currency = document.get("currency")
    spend = document.get("min_spend")
    return Segment(
        countries=tuple(document.get("countries") or ()),
        tags=tuple(document.get("tags") or ()),
        min_orders=document.get("min_orders"),
        min_spend_minor=money.to_minor(spend, currency) if spend and currency else None,
        spend_currency=currency if spend else None,
        min_score_band=document.get("min_score_band"),
    )
