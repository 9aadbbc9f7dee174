"""Contract: campaigns as every field is written and read back, on every engine."""

from __future__ import annotations

import dataclasses
from datetime import UTC

from shareback.rewards import RewardSpec
from shareback.storage.base import Store
from shareback.storage.records import Campaign, CampaignChanges, CampaignDraft
from store_contract import DRAFT, assert_moment, at, contract, make_campaign

FULL = dataclasses.replace(
    DRAFT,
    slug="full",
    attribution_days=45,
    hold_days=0,
    new_customers_only=False,
    starts_at=at(-1),
    ends_at=at(30),
    friend_fulfilment="pool",
    friend_code="WELKOM10",
    friend_code_prefix="WELKOM",
    validation_url="https://shop.example/validate",
    validation_secret="whsec_validation",
)


def draft_fields(campaign: Campaign | CampaignDraft) -> dict[str, object]:
    return {f.name: getattr(campaign, f.name) for f in dataclasses.fields(CampaignDraft)}


@contract("create_campaign", "campaign", "campaign_by_id")
async def test_a_campaign_keeps_every_field_exactly(store: Store) -> None:
    created = await store.create_campaign(FULL)
    assert created is not None
    assert draft_fields(created) == draft_fields(FULL)
    assert isinstance(created.new_customers_only, bool) and created.new_customers_only is False
    assert isinstance(created.attribution_days, int) and isinstance(created.hold_days, int)
    assert_moment(created.starts_at, at(-1))
    assert_moment(created.ends_at, at(30))
    assert created.archived_at is None
    assert created.created_at is not None and created.created_at.tzinfo is UTC
    assert await store.campaign("full") == created
    assert await store.campaign_by_id(created.id) == created
    assert await store.campaign("missing") is None
    assert await store.campaign_by_id(created.id + 1000) is None


@contract("create_campaign")
async def test_a_taken_slug_is_refused_and_the_first_campaign_stays(store: Store) -> None:
    first = await store.create_campaign(DRAFT)
    assert first is not None
    assert await store.create_campaign(dataclasses.replace(DRAFT, name="Other")) is None
    assert await store.campaign(DRAFT.slug) == first
    # Without a validation URL no validation secret is kept.
    lone = await store.create_campaign(
        dataclasses.replace(DRAFT, slug="lone", validation_secret="whsec_x")
    )
    assert lone is not None and lone.validation_secret is None
    assert (lone.starts_at, lone.ends_at, lone.friend_code) == (None, None, None)
    assert lone.new_customers_only is True


@contract("ensure_campaign")
async def test_ensure_campaign_creates_once_and_then_leaves_it_alone(store: Store) -> None:
    made = await store.ensure_campaign(DRAFT)
    again = await store.ensure_campaign(dataclasses.replace(DRAFT, name="Changed", hold_days=99))
    assert again == made
    assert (again.name, again.hold_days) == ("Spring", 14)
    assert [c.slug for c in await store.campaigns()] == ["spring"]


@contract("update_campaign")
async def test_update_changes_only_the_fields_given(store: Store) -> None:
    created = await store.create_campaign(FULL)
    assert created is not None
    same = await store.update_campaign("full", CampaignChanges())
    assert same == created
    changed = await store.update_campaign(
        "full",
        CampaignChanges(
            name="Full 2",
            allowed_origins=("https://other.example",),
            friend_reward=RewardSpec("fixed_discount", "5.00"),
            new_customers_only=True,
            hold_days=7,
            ends_at=at(60),
            friend_fulfilment="generated",
            friend_code_prefix="HALLO",
        ),
    )
    assert changed is not None
    assert (
        dataclasses.replace(
            created,
            name="Full 2",
            allowed_origins=("https://other.example",),
            friend_reward=RewardSpec("fixed_discount", "5.00"),
            new_customers_only=True,
            hold_days=7,
            ends_at=at(60),
            friend_fulfilment="generated",
            friend_code_prefix="HALLO",
        )
        == changed
    )
    assert_moment(changed.ends_at, at(60))
    assert await store.update_campaign("missing", CampaignChanges(name="x")) is None


@contract("update_campaign")
async def test_update_clears_on_request_and_keeps_a_validation_secret(store: Store) -> None:
    await store.create_campaign(FULL)
    cleared = await store.update_campaign(
        "full",
        CampaignChanges(
            clear_starts_at=True,
            clear_ends_at=True,
            clear_friend_code=True,
            validation_secret="whsec_new",
        ),
    )
    assert cleared is not None
    assert (cleared.starts_at, cleared.ends_at, cleared.friend_code) == (None, None, None)
    # The shop's endpoint already checks with the first secret: it stays.
    assert cleared.validation_secret == "whsec_validation"
    off = await store.update_campaign("full", CampaignChanges(clear_validation_url=True))
    assert off is not None and off.validation_url is None
    plain = await store.create_campaign(dataclasses.replace(DRAFT, slug="plain"))
    assert plain is not None and plain.validation_secret is None
    on = await store.update_campaign(
        "plain",
        CampaignChanges(validation_url="https://shop.example/v", validation_secret="whsec_first"),
    )
    assert on is not None
    assert (on.validation_url, on.validation_secret) == ("https://shop.example/v", "whsec_first")


@contract("archive_campaign", "campaigns", "embed_origins")
async def test_an_archived_campaign_keeps_its_first_archive_time(store: Store) -> None:
    spring = await make_campaign(store)
    summer = await make_campaign(
        store, slug="summer", allowed_origins=("https://summer.example", "https://shop.example")
    )
    assert await store.embed_origins() == frozenset(
        {"https://shop.example", "https://www.shop.example", "https://summer.example"}
    )
    archived = await store.archive_campaign("summer", at(1))
    assert archived is not None
    assert_moment(archived.archived_at, at(1))
    again = await store.archive_campaign("summer", at(2))
    assert again is not None
    assert_moment(again.archived_at, at(1))
    assert await store.archive_campaign("missing", at(1)) is None
    assert await store.campaigns() == [spring]
    assert [c.id for c in await store.campaigns(include_archived=True)] == [spring.id, summer.id]
    assert await store.embed_origins() == frozenset(
        {"https://shop.example", "https://www.shop.example"}
    )


@contract("campaigns", "embed_origins")
async def test_an_empty_store_has_no_campaigns_and_no_origins(store: Store) -> None:
    assert await store.campaigns() == []
    assert await store.campaigns(include_archived=True) == []
    assert await store.embed_origins() == frozenset()


@contract("configure_campaign")
async def test_configure_sets_the_given_fields_and_leaves_the_rest(store: Store) -> None:
    created = await make_campaign(store)
    await store.configure_campaign("spring")
    assert await store.campaign("spring") == created
    await store.configure_campaign(
        "spring", landing_url="https://shop.example/new", allowed_origins=("https://a.example",)
    )
    await store.configure_campaign("spring", shop_name="Koffie & Co")
    assert await store.campaign("spring") == dataclasses.replace(
        created,
        landing_url="https://shop.example/new",
        allowed_origins=("https://a.example",),
        shop_name="Koffie & Co",
    )
    await store.configure_campaign("missing", shop_name="nobody")  # no such campaign: no error
    assert await store.campaign("missing") is None
