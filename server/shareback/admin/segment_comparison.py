"""The overview's "Segments compared": each campaign's segment and each country, with who could
be reached, who shared and what their friends ordered, so the owner sees when to widen."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from shareback import i18n, tokens
from shareback.admin import segment_form
from shareback.crm import segment_report
from shareback.crm.segment_report import ComparedRow, Participation
from shareback.crm.segments import EVERYONE, Segment, live
from shareback.i18n import gettext as _
from shareback.storage.base import Campaign, Store

PAGE = 2000


@dataclass(frozen=True)
class Comparison:
    campaigns: dict[str, Campaign]
    words: dict[str, list[str]]  # each campaign's segment in words ([]: everyone)
    segments: list[ComparedRow]
    countries: list[ComparedRow]
    country_names: dict[str, str]


async def eligible_counts(store: Store, segments: Mapping[str, Segment]) -> dict[str, int]:
    """How many customers each segment admits, page by page: memory stays one page whatever the
    number of customers (the time grows with it: a read of every customer record)."""
    counts = dict.fromkeys(segments, 0)
    after = 0
    while page := await store.segment_facts_page(after, PAGE):
        found = segment_report.count_eligible(segments, (facts for _, facts in page))
        counts = {key: counts[key] + found[key] for key in counts}
        after = page[-1][0]
    return counts


async def compare(
    store: Store, campaigns: list[Campaign], start: datetime, end: datetime
) -> Comparison | None:
    """None while no campaign has a segment: there is nothing to compare."""
    targeted = await store.campaign_segments()
    if not targeted:
        return None
    now = tokens.now_utc()
    shown = {
        c.slug: c for c in campaigns if c.archived_at is None and (live(c, now) or c.id in targeted)
    }
    segments = {slug: targeted.get(c.id, EVERYONE) for slug, c in shown.items()}
    numbers = await store.targeting_numbers(start, end)
    counts = await eligible_counts(store, segments)
    by_campaign = {
        slug: numbers.by_campaign.get(c.id, Participation()) for slug, c in shown.items()
    }
    regional = {slug: s for slug, s in segments.items() if s.countries}
    countries = segment_report.country_rows(
        numbers.customers_by_country, numbers.by_country, regional
    )
    locale = i18n.current_locale()
    return Comparison(
        campaigns=shown,
        words={slug: segment_form.describe(segment) for slug, segment in segments.items()},
        segments=segment_report.segment_rows(segments, counts, by_campaign),
        countries=countries,
        country_names={
            row.key: segment_form.country_name(row.key, locale)
            if row.key
            else _("Country not known")
            for row in countries
        },
    )
