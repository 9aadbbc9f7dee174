"""The filters of the advocate, referral and reward lists, parsed once for the JSON lists, the CSV
exports and the dashboard alike."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime

from shareback.api.owner.params import bad_param, given, time_range
from shareback.channels import CHANNELS
from shareback.errors import ApiError
from shareback.people_search import MAX_SEARCH, ORDER_STATES, has_control_characters
from shareback.rewards import STATUSES
from shareback.storage.base import (
    AdvocateSummary,
    Campaign,
    OwnerStore,
    ReferralSummary,
    RewardSummary,
    Store,
)

SIDES = ("referrer", "friend")


@dataclass(frozen=True)
class AdvocateFilter:
    campaign_id: int | None = None
    search: str | None = None

    async def page(
        self, store: OwnerStore, before: int | None, limit: int
    ) -> list[AdvocateSummary]:
        return await store.list_advocates(
            campaign_id=self.campaign_id, search=self.search, before=before, limit=limit
        )


@dataclass(frozen=True)
class ReferralFilter:
    campaign_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None
    status: str | None = None  # people_search.ORDER_STATES
    channel: str | None = None  # channels.CHANNELS ("code": typed at the checkout)
    search: str | None = None
    advocate_id: int | None = None  # an advocate's page

    async def page(
        self, store: OwnerStore, before: int | None, limit: int
    ) -> list[ReferralSummary]:
        return await store.list_referrals(
            campaign_id=self.campaign_id,
            since=self.since,
            until=self.until,
            before=before,
            limit=limit,
            advocate_id=self.advocate_id,
            status=self.status,
            channel=self.channel,
            search=self.search,
        )


@dataclass(frozen=True)
class RewardFilter:
    status: str | None = None
    side: str | None = None
    campaign_id: int | None = None

    async def page(self, store: OwnerStore, before: int | None, limit: int) -> list[RewardSummary]:
        return await store.list_rewards(
            status=self.status,
            side=self.side,
            campaign_id=self.campaign_id,
            before=before,
            limit=limit,
        )


async def owned_campaign(store: Store, slug: str) -> Campaign:
    """Any campaign by slug, archived ones too (the widget's look-up refuses those)."""
    campaign = await store.campaign(slug) if len(slug) <= 64 else None
    if campaign is None:
        raise ApiError(404, "unknown_campaign", f"There is no campaign '{slug}'.", "campaign")
    return campaign


async def campaign_filter(store: Store, query: Mapping[str, str]) -> int | None:
    slug = given(query, "campaign")
    return (await owned_campaign(store, slug)).id if slug is not None else None


async def advocate_filter(store: Store, query: Mapping[str, str]) -> AdvocateFilter:
    return AdvocateFilter(await campaign_filter(store, query), search_filter(query))


def search_filter(query: Mapping[str, str]) -> str | None:
    search = (query.get("search") or "").strip() or None
    if search is not None and len(search) > MAX_SEARCH:
        raise bad_param("search", f"search is longer than {MAX_SEARCH} characters.")
    if search is not None and has_control_characters(search):
        raise bad_param("search", "search must not hold control characters.")
    return search


def one_of(query: Mapping[str, str], name: str, allowed: Collection[str]) -> str | None:
    value = given(query, name)
    if value is not None and value not in allowed:
        raise bad_param(name, f"{name} must be one of {', '.join(sorted(allowed))}.")
    return value


async def referral_filter(store: Store, query: Mapping[str, str]) -> ReferralFilter:
    since, until = time_range(query)
    return ReferralFilter(
        await campaign_filter(store, query),
        since,
        until,
        status=one_of(query, "status", ORDER_STATES),
        channel=one_of(query, "channel", CHANNELS),
        search=search_filter(query),
    )


async def reward_filter(store: Store, query: Mapping[str, str]) -> RewardFilter:
    status = given(query, "status")
    if status is not None and status not in STATUSES:
        raise bad_param("status", f"status must be one of {', '.join(STATUSES)}.")
    side = given(query, "side")
    if side is not None and side not in SIDES:
        raise bad_param("side", f"side must be one of {', '.join(SIDES)}.")
    return RewardFilter(status, side, await campaign_filter(store, query))


ADVOCATE_PARAMS = frozenset({"campaign", "search"})
REFERRAL_PARAMS = frozenset({"campaign", "since", "until", "status", "channel", "search"})
REWARD_PARAMS = frozenset({"status", "side", "campaign"})
