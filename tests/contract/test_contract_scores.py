"""Contract: ambassador scores, the ranked list, invitations (once, with their e-mail) and the
calibration's counts per decile."""

from __future__ import annotations

from score_support import History, add_customer
from shareback.crm.ranking import RankingFilter
from shareback.crm.score import ScoreRules
from shareback.storage.base import Store
from store_contract import T0, assert_moment, at, contract, join, make_campaign, refer

RULES = ScoreRules()


async def three_customers(store: Store) -> tuple[int, int, int]:
    """A frequent buyer, an occasional one from Belgium, and one who never ordered."""
    best = await add_customer(
        store,
        History(
            "best@example.nl", "Bea", tags=("vip",), orders=((1, 9000), (20, 8000), (40, 7000))
        ),
        T0,
    )
    some = await add_customer(
        store, History("some@example.nl", "Sam", country="BE", orders=((200, 2000),)), T0
    )
    none = await add_customer(store, History("none@example.nl", "Nol", consent=None), T0)
    return best, some, none


@contract("refresh_scores", "scores_computed_at", "ranked_customers")
async def test_scores_are_kept_once_per_customer_and_ranked_best_first(store: Store) -> None:
    assert await store.scores_computed_at() is None
    best, some, none = await three_customers(store)
    assert await store.refresh_scores(RULES, at(1)) == 3
    assert_moment(await store.scores_computed_at(), at(1))
    ranked = await store.ranked_customers(RankingFilter())
    assert [r.customer_id for r in ranked] == [best, some, none]
    assert ranked[0].points > ranked[1].points > ranked[2].points
    first = ranked[0]
    assert (first.email, first.email_key, first.first_name, first.country, first.order_count) == (
        "best@example.nl",
        "best@example.nl",
        "Bea",
        "NL",
        3,
    )
    assert first.invited_at is None and first.reasons
    assert_moment(first.scored_at, at(1))
    # Only these again: the others keep their older score.
    assert await store.refresh_scores(RULES, at(2), [some, 999_999]) == 1
    assert_moment(await store.scores_computed_at(), at(1))
    assert await store.refresh_scores(RULES, at(3), []) == 0
    assert [r.customer_id for r in await store.ranked_customers(RankingFilter(country="BE"))] == [
        some
    ]
    assert [r.customer_id for r in await store.ranked_customers(RankingFilter(tag="vip"))] == [best]
    assert [
        r.customer_id for r in await store.ranked_customers(RankingFilter(consent="unknown"))
    ] == [none]
    assert [r.customer_id for r in await store.ranked_customers(RankingFilter(min_orders=1))] == [
        best,
        some,
    ]
    paged = await store.ranked_customers(RankingFilter(), offset=1, limit=1)
    assert [r.customer_id for r in paged] == [some]
    chosen = await store.ranked_customers(RankingFilter(), customer_ids=[none, best])
    assert [r.customer_id for r in chosen] == [best, none]
    assert await store.ranked_customers(RankingFilter(), customer_ids=[]) == []


@contract("record_invitation", "customer_invitations", "ranked_customers")
async def test_an_invitation_is_kept_once_with_its_decile(store: Store) -> None:
    campaign = await make_campaign(store)
    await store.go_live(campaign.slug, T0)
    best, some, none = await three_customers(store)
    unscored = await add_customer(store, History("late@example.nl"), T0)
    await store.refresh_scores(RULES, at(1), [best, some, none])
    advocate = await join(store, campaign, "best@example.nl", "Bea")
    assert await store.customer_invitations(best) == []
    assert await store.record_invitation(campaign.id, best, advocate.id, "ann@shop", at(2)) is True
    assert await store.record_invitation(campaign.id, best, advocate.id, "bob@shop", at(3)) is False
    assert await store.record_invitation(campaign.id, unscored, advocate.id, None, at(3)) is None
    [invitation] = await store.customer_invitations(best)
    assert (invitation.campaign_slug, invitation.campaign_name, invitation.invited_by) == (
        "spring",
        "Spring",
        "ann@shop",
    )
    assert invitation.decile == 1
    assert_moment(invitation.invited_at, at(2))
    [ranked] = await store.ranked_customers(
        RankingFilter(), campaign_id=campaign.id, customer_ids=[best]
    )
    assert ranked.points == invitation.points
    assert_moment(ranked.invited_at, at(2))
    assert await store.customer_invitations(unscored) == []


@contract("invitation_deciles")
async def test_the_deciles_count_invitees_who_shared_and_brought_friends_after(
    store: Store,
) -> None:
    campaign = await make_campaign(store)
    await store.go_live(campaign.slug, T0)
    best, some, _ = await three_customers(store)
    await store.refresh_scores(RULES, at(1))
    bea = await join(store, campaign, "best@example.nl", "Bea")
    sam = await join(store, campaign, "some@example.nl", "Sam")
    assert await store.invitation_deciles() == []
    assert await store.record_invitation(campaign.id, best, bea.id, None, at(2))
    assert await store.record_invitation(campaign.id, some, sam.id, None, at(2))
    await store.record_event(campaign.id, bea.id, "share", "whatsapp", at(1))  # before: not counted
    await store.record_event(campaign.id, bea.id, "share", "whatsapp", at(3))
    await refer(store, campaign, bea, "o1", "f1@example.com", paid_at=at(4))
    await refer(store, campaign, bea, "o2", "f2@example.com", paid_at=at(5))
    rows = await store.invitation_deciles(campaign.id)
    by_decile = {r.decile: r for r in rows}
    bea_decile = by_decile[1]
    assert (
        bea_decile.invited,
        bea_decile.shared,
        bea_decile.converted,
        bea_decile.friend_orders,
    ) == (
        1,
        1,
        1,
        2,
    )
    assert sum(r.invited for r in rows) == 2
    assert sum(r.converted for r in rows) == 1
    assert await store.invitation_deciles() == rows
    other = await make_campaign(store, slug="summer")
    assert await store.invitation_deciles(other.id) == []


@contract("record_invitation", "customer_invitations")
async def test_a_campaign_that_sends_no_invitation_keeps_no_invitation(store: Store) -> None:
    campaign = await make_campaign(store)
    await store.go_live(campaign.slug, T0)
    best, _, _ = await three_customers(store)
    await store.refresh_scores(RULES, at(1))
    advocate = await join(store, campaign, "best@example.nl", "Bea")
    await store.archive_campaign(campaign.slug, at(2))
    assert await store.record_invitation(campaign.id, best, advocate.id, None, at(3)) is None
    assert await store.customer_invitations(best) == []
