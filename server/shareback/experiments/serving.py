"""What an advocate, their friend and the widget are shown while a campaign runs an experiment:
one store read for the experiment (and the rolled-out texts), the pure rules of variants.py.

A running experiment assigns every advocate who gets their link (the widget's answer, the
invitation e-mail) and records that they saw it. A paused one shows the campaign as it is and
records nothing; the friends of advocates who saw a variant keep its offer until the experiment
stops. The texts a rolled-out winner gave the campaign (campaign_copy) are everyone's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shareback.experiments import variants
from shareback.storage.base import Store
from shareback.storage.records import Campaign


@dataclass(frozen=True)
class View:
    """The campaign as this person sees it, the texts that change, and the variant if any."""

    campaign: Campaign
    overrides: Mapping[str, Any] = field(default_factory=dict)
    experiment_id: int | None = None
    variant: str | None = None

    def label(self) -> dict[str, Any] | None:
        if self.experiment_id is None:
            return None
        return {"id": self.experiment_id, "variant": self.variant}


async def campaign_view(store: Store, campaign: Campaign) -> View:
    return View(campaign, await store.campaign_copy(campaign.id))


async def advocate_view(store: Store, campaign: Campaign, advocate_id: int, at: datetime) -> View:
    """The advocate's variant of a running experiment, recorded as seen (once)."""
    copy = await store.campaign_copy(campaign.id)
    experiment = await store.current_experiment(campaign.id)
    if experiment is None or experiment.status != "running":
        return await friend_view(store, campaign, advocate_id, copy=copy)
    variant = variants.assign(experiment.id, advocate_id, experiment.variants)
    await store.expose(experiment.id, advocate_id, variant.key, at)
    return View(
        variants.apply(campaign, variant.overrides),
        {**copy, **variant.overrides},
        experiment.id,
        variant.key,
    )


async def friend_view(
    store: Store, campaign: Campaign, advocate_id: int, *, copy: Mapping[str, Any] | None = None
) -> View:
    """What a friend of this advocate is offered: the variant the advocate saw, while its
    experiment is not stopped (as the order webhook books it), else the campaign's."""
    copy = await store.campaign_copy(campaign.id) if copy is None else copy
    experiment = await store.current_experiment(campaign.id)
    seen = None if experiment is None else await store.exposure(experiment.id, advocate_id)
    variant = None if experiment is None or seen is None else experiment.variant(seen)
    if experiment is None or variant is None:
        return View(campaign, copy)
    return View(
        variants.apply(campaign, variant.overrides),
        {**copy, **variant.overrides},
        experiment.id,
        variant.key,
    )
