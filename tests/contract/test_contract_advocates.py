"""Contract: advocates, their codes, clicks and widget events, on every engine."""

from __future__ import annotations

import re
from datetime import timedelta

from shareback.settings import Settings
from shareback.storage.base import Store
from store_contract import (
    T0,
    assert_moment,
    at,
    candidate,
    contract,
    covers,
    join,
    listen,
    make_campaign,
    paid_order,
    run,
    sent,
)
from support import db_execute


@contract("advocate_for")
async def test_an_advocate_is_made_once_with_exact_values_and_announced(store: Store) -> None:
    endpoint = await listen(store)
    campaign = await make_campaign(store)
    advocate, created = await store.advocate_for(
        campaign.id, "Anna@Example.nl", "anna@example.nl", "Anna de Vries", False, "ANNA", T0
    )
    assert created is True
    assert (advocate.campaign_id, advocate.email, advocate.email_key, advocate.name) == (
        campaign.id,
        "Anna@Example.nl",
        "anna@example.nl",
        "Anna de Vries",
    )
    assert re.fullmatch(r"ANNA-[2-9A-HJKMNP-Z]{4}", advocate.code)
    # The first name and the friend's offer (10 %): ANNA10.
    assert advocate.coupon_code == "ANNA10"
    assert advocate.verified is False
    assert_moment(advocate.created_at, T0)

    again, created_again = await store.advocate_for(
        campaign.id, "anna@example.nl", "anna@example.nl", None, False, "ANNA", at(1)
    )
    assert (again, created_again) == (advocate, False)
    assert await sent(store) == {"advocate.created": 1}
    [delivery] = await store.claim_deliveries("w", at(1), timedelta(minutes=5), 10)
    assert delivery.url == endpoint.url
    assert delivery.payload == {
        "campaign": "spring",
        "advocate": {
            "code": advocate.code,
            "coupon_code": "ANNA10",
            "email": "Anna@Example.nl",
            "name": "Anna de Vries",
            "verified": False,
        },
    }


@contract("advocate_for")
async def test_a_return_visit_verifies_and_fills_a_blank_name_but_never_overwrites(
    store: Store,
) -> None:
    campaign = await make_campaign(store)
    first = await join(store, campaign, "anna@example.nl")
    assert first.name is None and first.verified is False
    named, _ = await store.advocate_for(
        campaign.id, "anna@example.nl", "anna@example.nl", "Anna", True, "ANNA", at(1)
    )
    assert (named.name, named.verified) == ("Anna", True)
    assert named.verified is True
    kept, created = await store.advocate_for(
        campaign.id, "anna@example.nl", "anna@example.nl", "Someone Else", False, "SOMEONE", at(2)
    )
    assert created is False
    assert (kept.name, kept.verified, kept.code, kept.coupon_code) == (
        "Anna",
        True,
        first.code,
        first.coupon_code,
    )
    assert_moment(kept.created_at, T0)


@contract("advocate_for")
async def test_each_campaign_has_its_own_advocate_and_coupons_never_clash(store: Store) -> None:
    spring = await make_campaign(store)
    # Codes are typed at one checkout: a shared friend code of any campaign (ANNA10, in any
    # case) is nobody's coupon.
    summer = await make_campaign(store, slug="summer", friend_code="anna10")
    in_spring = await join(store, spring, "anna@example.nl", "Anna")
    in_summer = await join(store, summer, "anna@example.nl", "Anna")
    assert in_spring.id != in_summer.id and in_spring.code != in_summer.code
    for coupon in (in_spring.coupon_code, in_summer.coupon_code):
        assert coupon is not None
        assert re.fullmatch(r"ANNA10[A-HJKMNP-Z][2-9A-HJKMNP-Z]", coupon)
    # A code already in a friends' pool is not anyone's coupon either.
    upload = await store.add_pool_codes(spring.id, ["ANNA10ZZ"], T0)
    assert upload.added == 1
    others = [await join(store, spring, f"anna.{n}@example.nl", "Anna") for n in range(8)]
    coupons = [a.coupon_code for a in [in_spring, in_summer, *others]]
    assert len(set(coupons)) == len(coupons) and "ANNA10ZZ" not in coupons


@covers("advocate_for")
def test_an_advocate_without_a_coupon_gets_one_on_the_next_visit(settings: Settings) -> None:
    """Advocates from before coupon codes: the next visit gives them one and says so."""

    async def seed(store: Store) -> int:
        await listen(store)
        return (await join(store, await make_campaign(store), "anna@example.nl", "Anna")).id

    advocate_id = run(settings.database_url, seed)
    db_execute(settings, "UPDATE advocates SET coupon_code = NULL WHERE id = ?", (advocate_id,))

    async def visit(store: Store) -> None:
        campaign = await store.campaign("spring")
        assert campaign is not None
        advocate, created = await store.advocate_for(
            campaign.id, "anna@example.nl", "anna@example.nl", None, False, "ANNA", at(1)
        )
        assert created is False and advocate.coupon_code == "ANNA10"
        again, _ = await store.advocate_for(
            campaign.id, "anna@example.nl", "anna@example.nl", None, False, "ANNA", at(2)
        )
        assert again == advocate
        assert await sent(store) == {"advocate.created": 1, "advocate.updated": 1}

    run(settings.database_url, visit)


@contract("advocate_by_code")
async def test_an_advocate_is_found_by_referral_code_only(store: Store) -> None:
    campaign = await make_campaign(store)
    advocate = await join(store, campaign, "anna@example.nl", "Anna", verified=True)
    found = await store.advocate_by_code(advocate.code)
    assert found == advocate and found.verified is True
    assert await store.advocate_by_code("NOBODY-2222") is None
    assert advocate.coupon_code is not None
    assert await store.advocate_by_code(advocate.coupon_code) is None


@contract("record_click")
async def test_clicks_count_for_the_advocate_bots_apart(store: Store) -> None:
    campaign = await make_campaign(store)
    anna = await join(store, campaign, "anna@example.nl", "Anna")
    mark = await join(store, campaign, "mark@example.nl", "Mark")
    await store.record_click(anna.id, "tok-1", "whatsapp", "ip-a", "mobile", at(hours=1))
    await store.record_click(anna.id, "tok-2", "email", "ip-b", "desktop", at(hours=2))
    await store.record_click(anna.id, "tok-3", "whatsapp", "ip-c", "bot", at(hours=3))
    listed = {a.id: a.clicks for a in await store.list_advocates()}
    assert listed == {anna.id: 2, mark.id: 0}
    stats = await store.campaign_stats(campaign.id, at(-1), at(1))
    assert (stats.clicks_by_channel, stats.bot_clicks, stats.unique_visitors) == (
        {"whatsapp": 1, "email": 1},
        1,
        2,
    )
    # The click's channel is the referral's, through its token.
    outcome = await store.record_paid_order(
        "m1", paid_order("o1"), candidate(campaign, anna, click_token="tok-1"), "none"
    )
    [referral] = await store.list_referrals()
    assert (referral.id, referral.channel) == (outcome.referral_id, "whatsapp")
    # A token nobody clicked: the referral still counts, without a channel.
    await store.record_paid_order(
        "m2",
        paid_order("o2", "other@example.com"),
        candidate(campaign, anna, click_token="tok-x"),
        "none",
    )
    assert [r.channel for r in await store.list_referrals()] == [None, "whatsapp"]


@contract("record_event")
async def test_widget_events_count_as_opens_and_shares_by_channel(store: Store) -> None:
    campaign = await make_campaign(store)
    anna = await join(store, campaign, "anna@example.nl", "Anna")
    await store.record_event(campaign.id, None, "open", None, at(hours=1))
    await store.record_event(campaign.id, anna.id, "open", None, at(hours=1))
    await store.record_event(campaign.id, anna.id, "share", "whatsapp", at(hours=2))
    await store.record_event(campaign.id, anna.id, "share", None, at(hours=2))
    await store.record_event(campaign.id, anna.id, "copy", None, at(hours=3))
    await store.record_event(campaign.id, anna.id, "share", "whatsapp", at(2))  # another day
    stats = await store.campaign_stats(campaign.id, at(-1, hours=-9), at(1, hours=-9))
    assert stats.opens == 2
    assert stats.shares_by_channel == {"whatsapp": 1, "link": 1, "copy": 1}
    assert stats.sharing_advocates == 1
    other = await make_campaign(store, slug="other")
    assert (await store.campaign_stats(other.id, at(-1), at(3))).opens == 0
