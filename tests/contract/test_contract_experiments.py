"""Contract: A/B experiments. One experiment per campaign at a time (the database says so),
audited status changes with their events, exposures counted once, every metric derived from the
existing tables joined on the exposures, the friend's reward booked with the variant's offer, and
a rolled-out winner's offer and texts written into the campaign."""

from __future__ import annotations

import pytest
from shareback.experiments import variants
from shareback.rewards import RewardSpec
from shareback.storage.base import Store
from shareback.storage.experiment_records import (
    Experiment,
    ExperimentConflict,
    ExperimentTransition,
    NewExperiment,
    Variant,
)
from shareback.storage.records import Campaign
from store_contract import T0, assert_moment, at, contract, join, listen, make_campaign, refer, sent

BIGGER = {
    "friend_reward": {"type": "credit", "value": "20.00"},
    "headline": "Give {friend}",
    "email_subject": "{{ name }}, give {{ friend_offer }}",
}


def draft(campaign: Campaign, name: str = "Bigger friend offer") -> NewExperiment:
    return NewExperiment(
        campaign_id=campaign.id,
        name=name,
        primary_metric="order_rate",
        planned_uplift_percent=20,
        variants=(Variant("A", "As it is", 1, {}), Variant("B", "20 euro", 1, BIGGER)),
        actor="owner@shop.example",
        at=T0,
    )


async def running(store: Store) -> tuple[Campaign, Experiment]:
    campaign = await make_campaign(store)
    made = await store.create_experiment(draft(campaign))
    return campaign, await store.change_experiment(made.id, "running", "owner@shop.example", at(0))


@contract("create_experiment", "experiment", "experiments", "current_experiment")
async def test_one_experiment_per_campaign_at_a_time(store: Store) -> None:
    campaign = await make_campaign(store)
    other = await make_campaign(store, slug="autumn")
    made = await store.create_experiment(draft(campaign))
    assert made.status == "draft" and made.campaign_slug == "spring"
    assert [v.key for v in made.variants] == ["A", "B"]
    assert made.variant("B") == Variant("B", "20 euro", 1, BIGGER)
    assert_moment(made.created_at, T0)
    with pytest.raises(ExperimentConflict):
        await store.create_experiment(draft(campaign, "Second"))
    assert [e.name for e in await store.experiments(campaign.id)] == ["Bigger friend offer"]
    await store.create_experiment(draft(other))  # another campaign may have its own
    await store.change_experiment(made.id, "stopped", "owner@shop.example", at(1))
    assert await store.current_experiment(campaign.id) is None
    again = await store.create_experiment(draft(campaign, "Second"))
    assert [e.id for e in await store.experiments(campaign.id)] == [again.id, made.id]
    current = await store.current_experiment(campaign.id)
    assert current is not None and current.id == again.id
    assert await store.experiment(again.id + 1000) is None


@contract("change_experiment", "experiment_changes")
async def test_status_changes_are_audited_and_announced(store: Store) -> None:
    await listen(store)
    _, experiment = await running(store)
    assert experiment.status == "running"
    assert experiment.started_at is not None
    assert_moment(experiment.started_at, at(0))
    paused = await store.change_experiment(experiment.id, "paused", "anna@shop.example", at(1))
    resumed = await store.change_experiment(experiment.id, "running", "anna@shop.example", at(2))
    assert resumed.started_at == experiment.started_at  # resuming is no new start
    with pytest.raises(ExperimentTransition):
        await store.change_experiment(experiment.id, "draft", "anna@shop.example", at(3))
    with pytest.raises(ExperimentTransition):  # no winner to roll out: nothing written
        await store.change_experiment(
            experiment.id, "stopped", "anna@shop.example", at(3), roll_out=True
        )
    stopped = await store.change_experiment(
        experiment.id, "stopped", "anna@shop.example", at(4), result={"verdict": "x"}, winner="A"
    )
    assert (paused.status, stopped.status, stopped.winner) == ("paused", "stopped", "A")
    assert stopped.result == {"verdict": "x"} and not stopped.rolled_out
    assert stopped.stopped_at is not None
    assert_moment(stopped.stopped_at, at(4))
    changes = await store.experiment_changes(experiment.id)
    assert [(c.from_status, c.to_status) for c in changes] == [
        ("draft", "running"),
        ("running", "paused"),
        ("paused", "running"),
        ("running", "stopped"),
    ]
    assert changes[1].actor == "anna@shop.example"
    assert_moment(changes[3].at, at(4))
    with pytest.raises(ExperimentTransition):
        await store.change_experiment(experiment.id, "running", "anna@shop.example", at(5))
    events = await sent(store)
    assert (events["experiment.started"], events["experiment.concluded"]) == (1, 1)


@contract("expose", "exposure", "experiment_numbers")
async def test_numbers_come_from_what_exposed_advocates_did_afterwards(store: Store) -> None:
    campaign, experiment = await running(store)
    anna = await join(store, campaign, "anna@example.nl", "Anna")
    bram = await join(store, campaign, "bram@example.nl", "Bram")
    cleo = await join(store, campaign, "cleo@example.nl", "Cleo")
    # Cleo shared before she saw the experiment: not counted.
    await store.record_event(campaign.id, cleo.id, "share", "whatsapp", at(0, hours=1))
    await store.expose(experiment.id, anna.id, "A", at(0, hours=2))
    await store.expose(experiment.id, anna.id, "B", at(0, hours=5))  # the first one counts
    await store.expose(experiment.id, bram.id, "B", at(0, hours=2))
    await store.expose(experiment.id, cleo.id, "B", at(0, hours=2))
    assert await store.exposure(experiment.id, anna.id) == "A"
    assert await store.exposure(experiment.id, anna.id + 1000) is None
    for kind in ("share", "copy", "open"):
        await store.record_event(campaign.id, bram.id, kind, None, at(0, hours=3))
    await store.record_click(bram.id, "tok-b1", "whatsapp", "ip1", "mobile", at(0, hours=4))
    await store.record_click(bram.id, "tok-b2", "x", "ip2", "desktop", at(0, hours=4))
    await refer(store, campaign, bram, "o1", "f1@example.com", 5000, at(1))
    await refer(store, campaign, bram, "o2", "f2@example.com", 3000, at(2))
    await refer(store, campaign, anna, "o3", "f3@example.com", 4000, at(2))
    numbers = await store.experiment_numbers(experiment)
    a, b = numbers.sums["A"], numbers.sums["B"]
    assert (a["share_rate"].n, b["share_rate"].n) == (1, 2)
    assert (b["share_rate"].total, b["shares"].total, b["shares"].total_sq) == (1, 2, 4)
    assert (b["clicks"].total, b["orders"].total, b["order_rate"].total) == (2, 2, 1)
    assert (a["orders"].total, a["revenue"].total) == (1, 4000)
    assert b["revenue"].total == 8000 and b["revenue"].total_sq == 8000**2
    # Bram's friends' rewards are variant B's: 20.00 credit each, and 10 % of their orders.
    assert b["reward_cost"].total == 2000 * 2 + 500 + 300
    assert a["reward_cost"].total == 1000 + 400
    assert b["net_revenue"].total == 8000 - 4800
    days = {(d.day, d.variant): (d.exposures, d.orders) for d in numbers.days}
    assert days[(T0.date(), "B")] == (2, 0)
    assert days[(at(2).date(), "B")] == (0, 1)


@contract("campaign_copy")
async def test_the_friend_gets_the_variant_offer_and_the_winner_is_rolled_out(
    store: Store,
) -> None:
    campaign, experiment = await running(store)
    bram = await join(store, campaign, "bram@example.nl", "Bram")
    dirk = await join(store, campaign, "dirk@example.nl", "Dirk")
    await store.expose(experiment.id, bram.id, "B", at(0, hours=1))
    await refer(store, campaign, bram, "o1", "f1@example.com", 5000, at(1))
    await refer(store, campaign, dirk, "o2", "f2@example.com", 5000, at(1))  # never exposed
    friend = {r.email: r for r in await store.list_rewards(side="friend")}
    assert (friend["f1@example.com"].type, friend["f1@example.com"].value) == ("credit", "20.00")
    assert friend["f2@example.com"].value == "10.00"
    assert await store.campaign_copy(campaign.id) == {}
    stopped = await store.change_experiment(
        experiment.id, "stopped", "owner@shop.example", at(20), winner="B", roll_out=True
    )
    assert stopped.rolled_out and stopped.winner == "B"
    updated = await store.campaign(campaign.slug)
    assert updated is not None and updated.friend_reward == RewardSpec("credit", "20.00")
    assert updated.referrer_reward == campaign.referrer_reward
    assert await store.campaign_copy(campaign.id) == {"headline": "Give {friend}"}
    # The winner's invitation is the campaign's own template now, in every public language.
    invites = {t.lang: t for t in await store.mail_templates(campaign.id) if t.journey == "invite"}
    assert {t.subject for t in invites.values()} == {"{{ name }}, give {{ friend_offer }}"}
    assert set(invites) == {"nl", "en", "de", "fr"}
    # After the stop the campaign's (now rolled-out) offer is everyone's.
    await refer(store, campaign, bram, "o3", "f3@example.com", 5000, at(21))
    friend = {r.email: r for r in await store.list_rewards(side="friend")}
    assert friend["f3@example.com"].value == "20.00"


def test_assignment_is_a_pure_function_of_experiment_and_advocate() -> None:
    arms = (Variant("A", "A", 1, {}), Variant("B", "B", 3, {}))
    picks = [variants.assign(7, advocate, arms).key for advocate in range(4000)]
    assert picks == [variants.assign(7, advocate, arms).key for advocate in range(4000)]
    assert 0.72 < picks.count("B") / 4000 < 0.78  # weights 1:3
    other = [variants.assign(8, advocate, arms).key for advocate in range(4000)]
    assert other != picks  # another experiment splits people anew


@contract("person_data", "erase_person")
async def test_a_persons_variants_are_in_their_export_and_go_with_their_erasure(
    store: Store,
) -> None:
    campaign, experiment = await running(store)
    anna = await join(store, campaign, "anna@example.nl", "Anna")
    bram = await join(store, campaign, "bram@example.nl", "Bram")
    await store.expose(experiment.id, anna.id, "B", at(0, hours=1))
    await store.expose(experiment.id, bram.id, "A", at(0, hours=1))
    (row,) = (await store.person_data("anna@example.nl"))["experiments"]
    assert (row["experiment_id"], row["campaign"], row["variant"]) == (experiment.id, "spring", "B")
    assert row["experiment"] == "Bigger friend offer"
    assert_moment(row["first_seen_at"], at(0, hours=1))
    await store.erase_person("anna@example.nl", at(1))
    assert await store.exposure(experiment.id, anna.id) is None
    assert await store.exposure(experiment.id, bram.id) == "A"
    assert (await store.person_data("anna@example.nl"))["experiments"] == []
