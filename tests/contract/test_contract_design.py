"""Contract: a campaign's widget design, drafts that go live, and the snippet check's sightings,
on every engine."""

from __future__ import annotations

import dataclasses

from shareback import design
from shareback.design import Design
from shareback.storage.base import Store
from shareback.storage.records import Outcome
from store_contract import (
    DRAFT,
    assert_moment,
    at,
    candidate,
    contract,
    join,
    make_campaign,
    paid_order,
)

LOOK = Design(
    accent="#9a4320",
    accent_text="#fffaf3",
    bg="#fffcf7",
    text="#2b1d16",
    radius=0,
    position="start",
    lift=24,
    hidden_paths=("/checkout*", "/cart"),
    collapse=False,
    dismiss_days=0,
    texts={"nl": {"headline": "Deel {shop} — €5 voor jou", "share": "Proef {shop}: {friend}!"}},
)


@contract("update_campaign_design", "campaign", "campaign_by_id")
async def test_a_design_is_kept_exactly_and_new_campaigns_have_the_defaults(store: Store) -> None:
    created = await store.create_campaign(DRAFT)
    assert created is not None and created.design == design.DEFAULT
    saved = await store.update_campaign_design(DRAFT.slug, LOOK)
    assert saved is not None and saved.design == LOOK
    assert (await store.campaign(DRAFT.slug)) == saved
    # The per-id look-up (kept for a few seconds) sees the change at once.
    assert (await store.campaign_by_id(created.id)) == saved
    # Nothing else about the campaign moved.
    assert dataclasses.replace(saved, design=design.DEFAULT) == created
    back = await store.update_campaign_design(DRAFT.slug, design.DEFAULT)
    assert back is not None and back.design == design.DEFAULT
    assert await store.update_campaign_design("missing", LOOK) is None


@contract("create_campaign", "go_live")
async def test_a_draft_goes_live_once(store: Store) -> None:
    draft = await store.create_campaign(dataclasses.replace(DRAFT, draft=True))
    assert draft is not None and draft.draft is True and draft.went_live_at is None
    live = await store.go_live(DRAFT.slug, at(1))
    assert live is not None and live.draft is False
    assert_moment(live.went_live_at, at(1))
    again = await store.go_live(DRAFT.slug, at(2))
    assert again is not None
    assert_moment(again.went_live_at, at(1))
    # A campaign created live never "went" live.
    other = await store.create_campaign(dataclasses.replace(DRAFT, slug="other"))
    assert other is not None and other.draft is False
    still = await store.go_live("other", at(3))
    assert still is not None and still.went_live_at is None
    assert await store.go_live("missing", at(3)) is None


@contract("record_paid_order")
async def test_a_drafts_orders_earn_nothing_until_it_goes_live(store: Store) -> None:
    campaign = await make_campaign(store, draft=True)
    anna = await join(store, campaign, "anna@example.nl", "Anna")
    early = await store.record_paid_order(
        "m1", paid_order("o1", "friend@example.com"), candidate(campaign, anna), "none"
    )
    assert early == Outcome("ignored", "campaign_draft")
    await store.go_live(campaign.slug, at(0))
    later = await store.record_paid_order(
        "m2", paid_order("o2", "other@example.com"), candidate(campaign, anna), "none"
    )
    assert later.status == "recorded", later


@contract("record_widget_seen", "widget_sightings")
async def test_a_sighting_keeps_the_first_time_and_moves_the_last_about_hourly(
    store: Store,
) -> None:
    campaign = await make_campaign(store)
    assert await store.widget_sightings(campaign.id) == []
    await store.record_widget_seen(campaign.id, "https://shop.example", at(0))
    await store.record_widget_seen(campaign.id, "https://shop.example", at(0, minutes=20))
    [seen] = await store.widget_sightings(campaign.id)
    assert seen.origin == "https://shop.example"
    assert_moment(seen.first_seen_at, at(0))
    assert_moment(seen.last_seen_at, at(0))  # twenty minutes on: not written again
    await store.record_widget_seen(campaign.id, "https://shop.example", at(0, hours=2))
    await store.record_widget_seen(campaign.id, "https://www.shop.example", at(0, hours=3))
    newest, older = await store.widget_sightings(campaign.id)
    assert newest.origin == "https://www.shop.example"
    assert_moment(older.first_seen_at, at(0))
    assert_moment(older.last_seen_at, at(0, hours=2))
    other = await make_campaign(store, slug="other")
    assert await store.widget_sightings(other.id) == []


@contract("record_widget_seen", "widget_sightings")
async def test_another_process_does_not_move_the_last_sighting_more_than_hourly(
    store: Store,
) -> None:
    """The row's own time decides too: a second worker (its own memory) writes no more often."""
    campaign = await make_campaign(store)
    await store.record_widget_seen(campaign.id, "https://shop.example", at(0))
    store.__dict__["_sightings"] = {}  # as a fresh worker process starts
    await store.record_widget_seen(campaign.id, "https://shop.example", at(0, minutes=30))
    [seen] = await store.widget_sightings(campaign.id)
    assert_moment(seen.last_seen_at, at(0))
