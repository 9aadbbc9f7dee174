"""The owner's store methods against the real database: campaigns, paging, reward decisions."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from shareback.rewards import RewardSpec
from shareback.settings import Settings
from shareback.storage import open_store
from shareback.storage.base import CampaignChanges, CampaignDraft, Store
from starlette.testclient import TestClient
from support import cash_for_the_referrer, follow_link, join_campaign, order_paid, signed_headers

T = TypeVar("T")


def with_store(settings: Settings, action: Callable[[Store], Awaitable[T]]) -> T:
    async def run() -> T:
        store = await open_store(settings.database_url)
        try:
            return await action(store)
        finally:
            await store.close()

    return asyncio.run(run())


def make_referrals(client: TestClient, secret: str, n: int) -> None:
    code = str(join_campaign(client, "anna@example.nl", "Anna")["code"])
    for i in range(n):
        ref = follow_link(client, code, "email")
        body = order_paid(f"o{i}", f"friend{i}@example.com", "30.00", ref)
        assert (
            client.post(
                "/webhooks/orders", content=body, headers=signed_headers(secret, body, f"m{i}")
            ).json()["status"]
            == "recorded"
        )


DRAFT = CampaignDraft(
    slug="summer",
    name="Summer",
    shop_name="Brandpunt",
    landing_url="https://shop.example/",
    allowed_origins=("https://shop.example",),
    referrer_reward=RewardSpec("credit", "10.00"),
    friend_reward=RewardSpec("fixed_discount", "5.00"),
)


def test_campaigns_are_created_once_updated_and_archived(
    client: TestClient, settings: Settings
) -> None:
    async def scenario(store: Store) -> None:
        created = await store.create_campaign(DRAFT)
        assert created is not None and created.slug == "summer"
        assert await store.create_campaign(DRAFT) is None
        updated = await store.update_campaign(
            "summer",
            CampaignChanges(
                name="Summer 2026", hold_days=30, friend_reward=RewardSpec("percent_discount", "15")
            ),
        )
        assert updated is not None
        assert (
            updated.name,
            updated.hold_days,
            updated.friend_reward.value,
            updated.landing_url,
        ) == (
            "Summer 2026",
            30,
            "15",
            "https://shop.example/",
        )
        assert [c.slug for c in await store.campaigns()] == ["default", "summer"]
        archived = await store.archive_campaign("summer", datetime.now(UTC))
        assert archived is not None and archived.archived_at is not None
        assert [c.slug for c in await store.campaigns()] == ["default"]
        assert len(await store.campaigns(include_archived=True)) == 2
        assert "https://shop.example" not in await store.embed_origins()

    with_store(settings, scenario)


def test_paging_by_id_returns_every_row_once(
    client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    make_referrals(client, webhook_secret, 7)

    async def walk(store: Store) -> list[int]:
        seen: list[int] = []
        before = None
        while page := await store.list_rewards(before=before, limit=3):
            seen += [r.id for r in page]
            before = page[-1].id
        return seen

    ids = with_store(settings, walk)
    assert len(ids) == 14 and len(set(ids)) == 14 and ids == sorted(ids, reverse=True)
    referrals = with_store(settings, lambda s: s.list_referrals(limit=100))
    assert len(referrals) == 7 and {r.channel for r in referrals} == {"email"}
    advocates = with_store(settings, lambda s: s.list_advocates(search="ANNA"))
    assert len(advocates) == 1 and advocates[0].referrals == 7 and advocates[0].clicks == 7
    assert with_store(settings, lambda s: s.list_advocates(search="100%_")) == []


def test_reward_decisions_are_recorded_with_actor_and_reason(
    client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    cash_for_the_referrer(settings)  # approved, it stays approved until its payout batch
    make_referrals(client, webhook_secret, 4)

    async def scenario(store: Store) -> None:
        # The referrers': each friend's discount was fulfilled at the checkout.
        pending = await store.list_rewards(status="pending")
        assert len(pending) == 4
        ids = [r.id for r in pending]
        at = datetime.now(UTC)
        changed, refused = await store.change_rewards(
            ids[:2], "approved", None, "owner@example.nl", at
        )
        assert [r.status for r in changed] == ["approved", "approved"] and refused == []
        changed, refused = await store.change_rewards(
            [ids[0], ids[2], 9999], "revoked", "fraud", "owner@example.nl", at
        )
        assert [r.id for r in changed] == [ids[2]] and refused == [ids[0], 9999]
        revoked = await store.reward(ids[2])
        assert revoked is not None and revoked.revoke_reason == "fraud"
        history = await store.reward_history(ids[2])
        assert [(h.from_status, h.to_status, h.reason, h.actor) for h in history] == [
            ("pending", "revoked", "fraud", "owner@example.nl")
        ]
        # The scheduler approves the last one after its hold period, and says so in the history.
        assert await store.approve_due_rewards(at + timedelta(days=15)) == 1
        assert [h.actor for h in await store.reward_history(ids[3])] == ["scheduler"]
        campaign = await store.campaign("default")
        assert campaign is not None
        board = await store.leaderboard(campaign.id, at - timedelta(days=1), at + timedelta(days=1))
        assert [(row.code.split("-")[0], row.conversions, row.revenue_minor) for row in board] == [
            ("ANNA", 4, 12000)
        ]
        feed = await store.activity(campaign.id)
        kinds = {item.kind for item in feed}
        assert {
            "joined",
            "click",
            "referral",
            "reward_approved",
            "reward_revoked",
            "reward_fulfilled",
        } <= kinds
        assert feed == sorted(feed, key=lambda item: item.at, reverse=True)

    with_store(settings, scenario)
