"""Which campaign a page is about (?campaign=, else the default, else the first) and its state."""

from __future__ import annotations

from datetime import datetime

from shareback.bootstrap import DEFAULT_SLUG
from shareback.storage.base import Campaign


def pick_campaign(campaigns: list[Campaign], slug: str | None) -> Campaign | None:
    by_slug = {c.slug: c for c in campaigns}
    if slug and slug in by_slug:
        return by_slug[slug]
    active = [c for c in campaigns if c.archived_at is None]
    if DEFAULT_SLUG in by_slug and by_slug[DEFAULT_SLUG].archived_at is None:
        return by_slug[DEFAULT_SLUG]
    choices = active or campaigns
    return choices[0] if choices else None


def campaign_status(campaign: Campaign, now: datetime) -> str:
    """archived, draft, scheduled, ended or live: what a shop owner asks first about a campaign."""
    if campaign.archived_at is not None:
        return "archived"
    if campaign.draft:
        return "draft"
    if campaign.starts_at is not None and campaign.starts_at > now:
        return "scheduled"
    if campaign.ends_at is not None and campaign.ends_at <= now:
        return "ended"
    return "live"
