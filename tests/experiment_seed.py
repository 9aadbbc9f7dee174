"""Experiments with a history, made through the store's own verbs: advocates assigned as the app
assigns them, seen on their day, and friends' orders at a known rate per variant. Shared by the
dashboard tests and the Chromium screenshots."""

from __future__ import annotations

import asyncio
import random
from dataclasses import replace
from datetime import timedelta

from shareback import codes, tokens
from shareback.attribution import Candidate
from shareback.experiments import variants
from shareback.rewards import RewardSpec
from shareback.storage import open_store
from shareback.storage.base import Store
from shareback.storage.experiment_records import Experiment, NewExperiment, Variant
from shareback.storage.records import CampaignDraft, PaidOrder

ARMS = (
    Variant("A", "As it is", 1, {}),
    Variant(
        "B",
        "Twenty euro for friends",
        1,
        {
            "friend_reward": {"type": "credit", "value": "20.00"},
            "share_message": "Get {friend} at {shop} with my link",
        },
    ),
)


async def seed_experiment(
    store: Store,
    slug: str,
    name: str,
    *,
    days: int,
    per_day: int,
    rates: dict[str, float],
    seed: int,
) -> Experiment:
    """A running experiment `days` old on a campaign of its own: per_day advocates a day, each
    of whose friends orders (once) with the variant's rate."""
    rng = random.Random(seed)
    now = tokens.now_utc()
    start = now - timedelta(days=days, hours=1)
    campaign = await store.ensure_campaign(
        CampaignDraft(
            slug=slug,
            name=name,
            shop_name="Brandpunt Koffie",
            landing_url="https://shop.example/welcome",
            allowed_origins=("https://shop.example",),
            referrer_reward=RewardSpec("credit", "5.00"),
            friend_reward=RewardSpec("percent_discount", "10"),
        )
    )
    made = await store.create_experiment(
        NewExperiment(campaign.id, name, "order_rate", 50, ARMS, "owner@shop.example", start)
    )
    experiment = await store.change_experiment(made.id, "running", "owner@shop.example", start)
    n = 0
    # Friends order at exactly the variant's rate (every 1/rate-th advocate), so the verdict is
    # the same whichever ids the database hands out.
    due = dict.fromkeys(rates, 0.5)
    for day in range(days):
        for _ in range(per_day * 2):
            n += 1
            seen = start + timedelta(days=day, minutes=rng.randrange(1, 1400))
            email = f"{slug}-advocate{n}@example.nl"
            advocate, _ = await store.advocate_for(
                campaign.id, email, email, None, False, codes.code_prefix(None), seen
            )
            arm = variants.assign(experiment.id, advocate.id, experiment.variants)
            await store.expose(experiment.id, advocate.id, arm.key, seen)
            due[arm.key] += rates[arm.key]
            if due[arm.key] >= 1:
                due[arm.key] -= 1
                paid = min(seen + timedelta(hours=rng.randrange(2, 60)), now)
                order = PaidOrder(
                    "shop",
                    f"{slug}-{n}",
                    f"friend-{slug}-{n}@example.com",
                    f"friend-{slug}-{n}@example.com",
                    rng.randrange(2500, 9000),
                    "EUR",
                    paid,
                )
                candidate = Candidate(advocate.id, advocate.email_key, campaign.id, "link")
                await store.record_paid_order(f"m-{slug}-{n}", order, candidate, "none")
    found = await store.experiment(experiment.id)
    assert found is not None
    return replace(found)


def seed_both(database_url: str) -> tuple[int, int]:
    """A decided experiment (B's friends order twice as often) and one too young to tell."""

    async def go() -> tuple[int, int]:
        store = await open_store(database_url)
        try:
            await store.migrate()
            decided = await seed_experiment(
                store,
                "spring",
                "Bigger friend offer",
                days=16,
                per_day=60,
                rates={"A": 0.08, "B": 0.16},
                seed=1,
            )
            running = await seed_experiment(
                store,
                "autumn",
                "Bigger friend offer (autumn)",
                days=9,
                per_day=50,
                rates={"A": 0.1, "B": 0.12},
                seed=2,
            )
            return decided.id, running.id
        finally:
            await store.close()

    return asyncio.run(go())
