"""Contract: contests, their entries counted from the referrals, prizes given once, nicknames."""

from __future__ import annotations

from shareback.contests import ContestPlan, Prize
from shareback.rewards import RewardSpec
from shareback.storage.base import Store
from shareback.storage.contest_records import NewContest
from store_contract import T0, assert_moment, at, contract, join, make_campaign, refer

PRIZES = (Prize(1, RewardSpec("credit", "50.00")), Prize(2, RewardSpec("credit", "20.00")))


def plan(name: str = "Lentewedstrijd", start: float = 0, end: float = 30) -> ContestPlan:
    return ContestPlan(name, at(start), at(end), PRIZES)


@contract("create_contest", "contest", "contests")
async def test_a_contest_is_stored_with_exact_values_and_listed_newest_first(store: Store) -> None:
    campaign = await make_campaign(store)
    other = await make_campaign(store, slug="summer")
    made = await store.create_contest(NewContest(campaign.id, plan(), "owner", T0), 14)
    assert (made.campaign_id, made.campaign_slug, made.name, made.prizes) == (
        campaign.id,
        "spring",
        "Lentewedstrijd",
        PRIZES,
    )
    assert_moment(made.starts_at, at(0))
    assert_moment(made.ends_at, at(30))
    assert_moment(made.created_at, T0)
    assert made.created_by == "owner"
    assert made.cancelled_at is None and made.settled_at is None
    assert await store.contest(made.id) == made
    later = await store.create_contest(
        NewContest(campaign.id, plan("Zomer", 40, 60), "owner", at(1)), 14
    )
    assert [c.id for c in await store.contests(campaign.id)] == [later.id, made.id]
    assert await store.contests(other.id) == []
    assert await store.contest(made.id + later.id + 1000) is None


@contract("current_contest", "cancel_contest")
async def test_the_current_contest_is_the_latest_started_and_not_cancelled(store: Store) -> None:
    campaign = await make_campaign(store)
    assert await store.current_contest(campaign.id, at(1)) is None
    first = await store.create_contest(NewContest(campaign.id, plan(), "owner", T0), 14)
    second = await store.create_contest(
        NewContest(campaign.id, plan("Zomer", 40, 60), "owner", T0), 14
    )
    # Before the second starts, the first is shown; after, the second.
    assert await store.current_contest(campaign.id, at(-1)) is None
    current = await store.current_contest(campaign.id, at(10))
    assert current is not None and current.id == first.id
    current = await store.current_contest(campaign.id, at(41))
    assert current is not None and current.id == second.id
    cancelled = await store.cancel_contest(second.id, at(42))
    assert cancelled is not None and cancelled.id == second.id
    assert_moment(cancelled.cancelled_at, at(42))
    # Cancelling again keeps the first moment.
    again = await store.cancel_contest(second.id, at(43))
    assert again is not None
    assert_moment(again.cancelled_at, at(42))
    current = await store.current_contest(campaign.id, at(43))
    assert current is not None and current.id == first.id
    assert await store.cancel_contest(second.id + first.id + 1000, at(43)) is None


@contract("contest_entries", "settle_due_contests", "cancel_contest")
async def test_entries_count_friends_inside_the_window_and_prizes_are_given_once(
    store: Store,
) -> None:
    campaign = await make_campaign(store)
    anna = await join(store, campaign, "anna@example.nl", "Anna de Vries")
    bram = await join(store, campaign, "bram@example.nl", "Bram Jansen")
    contest = await store.create_contest(NewContest(campaign.id, plan("W", 1, 10), "owner", T0), 14)
    await refer(store, campaign, anna, "o0", "f0@example.com", paid_at=at(0))  # before the window
    await refer(store, campaign, anna, "o1", "f1@example.com", paid_at=at(2))
    await refer(store, campaign, anna, "o2", "f2@example.com", paid_at=at(3))
    await refer(store, campaign, bram, "o3", "f3@example.com", paid_at=at(4))
    await refer(store, campaign, bram, "o4", "f4@example.com", paid_at=at(11))  # after it
    entries = await store.contest_entries(contest)
    assert entries.awarded == ()
    by_advocate = {e.advocate_id: e for e in entries.entries}
    assert {k: e.friends for k, e in by_advocate.items()} == {anna.id: 2, bram.id: 1}
    assert by_advocate[anna.id].name == "Anna de Vries"
    # Not due before the hold period after its end.
    assert await store.settle_due_contests(at(23)) == []
    made = await store.settle_due_contests(at(24))
    assert len(made) == 2
    assert await store.settle_due_contests(at(25)) == []
    settled = await store.contest(contest.id)
    assert settled is not None
    assert_moment(settled.settled_at, at(24))
    awarded = (await store.contest_entries(contest)).awarded
    assert [(p.rank, p.advocate_id) for p in awarded] == [(1, anna.id), (2, bram.id)]
    assert sorted(p.reward_id for p in awarded) == sorted(made)
    assert {p.reward_status for p in awarded} == {"pending"}
    # A settled contest can no longer be cancelled.
    assert await store.cancel_contest(contest.id, at(26)) is None


@contract("settle_due_contests")
async def test_a_cancelled_contest_is_never_settled(store: Store) -> None:
    campaign = await make_campaign(store)
    anna = await join(store, campaign, "anna@example.nl", "Anna")
    contest = await store.create_contest(NewContest(campaign.id, plan("W", 0, 5), "owner", T0), 0)
    await refer(store, campaign, anna, "o1", paid_at=at(1))
    assert await store.cancel_contest(contest.id, at(2)) is not None
    assert await store.settle_due_contests(at(30)) == []
    assert (await store.contest_entries(contest)).awarded == ()


@contract("set_nickname", "advocate_nickname")
async def test_a_nickname_is_set_read_back_and_cleared(store: Store) -> None:
    campaign = await make_campaign(store)
    anna = await join(store, campaign, "anna@example.nl", "Anna")
    assert await store.advocate_nickname(anna.id) is None
    assert await store.set_nickname(anna.id, "Koffie Koningin") is True
    assert await store.advocate_nickname(anna.id) == "Koffie Koningin"
    assert await store.set_nickname(anna.id, None) is True
    assert await store.advocate_nickname(anna.id) is None
    assert await store.set_nickname(anna.id + 1000, "Nobody") is False
    assert await store.advocate_nickname(anna.id + 1000) is None
