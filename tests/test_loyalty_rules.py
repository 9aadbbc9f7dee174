"""The pure loyalty rules (loyalty/): which milestones to award and withdraw for a count, the cap,
a tier's promotion and demotion, the widget's progress object and the plan's JSON round trip."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from shareback.loyalty import milestones, plan, progress, tiers
from shareback.loyalty.plan import LoyaltyPlan, Milestone, Tier
from shareback.rewards import RewardSpec

BONUS = Milestone(5, RewardSpec("credit", "25.00"))
GIFT = Milestone(10, RewardSpec("custom", "0"))
LEVELS = (Tier("bronze", "Brons", 1, 0), Tier("silver", "Zilver", 3, 1), Tier("gold", "Goud", 5, 2))


def test_a_milestone_is_awarded_once_reached_and_withdrawn_below_it() -> None:
    assert milestones.settle((BONUS, GIFT), 4, set()) == milestones.Settlement((), ())
    assert milestones.settle((BONUS, GIFT), 5, set()) == milestones.Settlement((BONUS,), ())
    assert milestones.settle((BONUS, GIFT), 5, {5}) == milestones.Settlement((), ())  # held
    assert milestones.settle((BONUS, GIFT), 4, {5}) == milestones.Settlement((), (5,))
    assert milestones.settle((BONUS, GIFT), 12, set()) == milestones.Settlement((BONUS, GIFT), ())
    assert milestones.settle((BONUS, GIFT), 9, {5, 10}) == milestones.Settlement((), (10,))
    # One taken out of the plan stays where it was given, unless the count falls below it.
    assert milestones.settle((), 7, {5}) == milestones.Settlement((), ())
    assert milestones.settle((), 3, {5}) == milestones.Settlement((), (5,))


@given(st.integers(0, 30), st.sets(st.sampled_from([5, 10])))
def test_settling_twice_changes_nothing_the_second_time(friends: int, held: set[int]) -> None:
    first = milestones.settle((BONUS, GIFT), friends, held)
    after = (held - set(first.withdraw)) | {m.friends for m in first.award}
    assert milestones.settle((BONUS, GIFT), friends, after) == milestones.Settlement((), ())
    assert after == {m.friends for m in (BONUS, GIFT) if m.friends <= friends}


def test_the_cap_stops_the_referrer_reward_past_n_friends() -> None:
    assert milestones.referrer_reward_due(9, 10)
    assert not milestones.referrer_reward_due(10, 10)
    assert milestones.referrer_reward_due(10_000, None)
    assert milestones.next_milestone((BONUS, GIFT), 5, None) == GIFT
    assert milestones.next_milestone((BONUS, GIFT), 5, 8) is None  # the gift is past the cap


@pytest.mark.parametrize(
    ("measure", "current", "demotion", "expected"),
    [
        (0, None, "on_refund", None),
        (1, None, "on_refund", (None, "bronze", "promoted")),
        (4, "bronze", "on_refund", ("bronze", "silver", "promoted")),  # at once, past a threshold
        (7, None, "on_refund", (None, "gold", "promoted")),
        (2, "silver", "on_refund", ("silver", "bronze", "demoted")),
        (0, "bronze", "on_refund", ("bronze", None, "demoted")),
        (2, "silver", "never", None),
        (6, "silver", "never", ("silver", "gold", "promoted")),
        (3, "silver", "on_refund", None),
    ],
)
def test_tiers_promote_at_once_and_demote_as_the_plan_says(
    measure: int, current: str | None, demotion: str, expected: tuple[str | None, ...] | None
) -> None:
    change = tiers.decide(LEVELS, measure, current, demotion)
    if expected is None:
        assert change is None
        return
    assert change is not None
    before = change.before.key if change.before else None
    after = change.after.key if change.after else None
    assert (before, after, change.direction) == expected


def test_the_progress_object_is_the_contracts() -> None:
    loyalty = LoyaltyPlan(cap=10, milestones=(BONUS, GIFT), tiers=LEVELS)
    state = progress.loyalty_state(loyalty, 3, "silver", 12000, "EUR")
    assert state.to_json() == {
        "friends_converted": 3,
        "tier": {"key": "silver", "name": "Zilver"},
        "next_tier": {"key": "gold", "name": "Goud", "friends_needed": 2},
        "next_milestone": {
            "friends_needed": 2,
            "reward": {"type": "credit", "amount": "25.00", "currency": "EUR"},
        },
        "cap": 10,
    }
    top = progress.loyalty_state(loyalty, 11, "gold", 0, "EUR").to_json()
    assert (top["next_tier"], top["next_milestone"]) == (None, None)
    by_spend = LoyaltyPlan(basis="spend", tiers=(Tier("vip", "VIP", 7500, 0),))
    assert progress.loyalty_state(by_spend, 1, None, 4000, "EUR").to_json()["next_tier"] == {
        "key": "vip",
        "name": "VIP",
        "friends_needed": None,
        "spend_needed": {"amount": "35.00", "currency": "EUR"},
    }


def test_a_plan_survives_its_json_and_a_broken_one_is_no_plan() -> None:
    document = {
        "cap": 10,
        "milestones": [{"friends": 5, "reward": {"type": "credit", "value": "25.00"}}],
        "tiers": {
            "basis": "spend",
            "demotion": "never",
            "levels": [
                {
                    "key": "vip",
                    "name": "VIP",
                    "from": "250.00",
                    "referrer_reward": {"type": "cash", "value": "10.00"},
                    "friend_reward": None,
                }
            ],
        },
    }
    parsed = plan.parse(document, "EUR")
    assert plan.to_document(parsed, "EUR") == document
    assert plan.from_json(plan.to_json(parsed, "EUR"), "EUR") == parsed
    assert plan.from_json('{"cap": -1}', "EUR") == plan.NONE
    assert plan.from_json("not json", "EUR") == plan.NONE
    assert plan.to_json(plan.NONE, "EUR") is None
    assert plan.offers(parsed, "vip") == (RewardSpec("cash", "10.00"), None)
