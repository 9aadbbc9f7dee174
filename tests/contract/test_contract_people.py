"""Contract: the dashboard's people: advocates found by e-mail, name or any of their codes, sorted
and paged; one advocate's profile; the referrals list's further filters; on every engine."""

from __future__ import annotations

from decimal import Decimal

from shareback.mail import journeys
from shareback.people_search import MAX_MATCHES, SearchTerms, search_terms
from shareback.storage.base import Store
from shareback.storage.records import PartialRefund, RefundPart
from store_contract import T0, at, contract, join, make_campaign, refer


def terms(text: str) -> SearchTerms:
    found = search_terms(text)
    assert found is not None
    return found


@contract("find_advocates")
async def test_advocates_are_found_by_email_name_and_every_code(store: Store) -> None:
    spring = await make_campaign(store, friend_fulfilment="generated", friend_code_prefix="HALLO")
    summer = await make_campaign(store, slug="summer")
    anna = await join(store, spring, "Anna.Devries@Example.nl", "Anna de Vries")
    bram = await join(store, spring, "bram@example.com", "Bram Zoë")
    zoe = await join(store, summer, "zoe@example.nl", "Zoë")
    friend_code = await store.issue_friend_code(spring, anna.id, "click-1", T0)
    assert friend_code is not None and friend_code.startswith("HALLO-")

    async def found(text: str, campaign_id: int | None = None) -> list[int]:
        page = await store.find_advocates(campaign_id=campaign_id, search=terms(text))
        assert not page.capped
        return [row.id for row in page.rows]

    assert await found("anna.devries@EXAMPLE") == [anna.id]  # e-mail, folded
    assert await found("annadevries") == []  # only the address as written, folded
    assert await found(anna.code.lower()) == [anna.id]  # referral code
    assert await found(anna.code[:5]) == [anna.id]
    assert await found("anna10") == [anna.id]  # coupon code
    assert await found(friend_code.lower()) == [anna.id]  # a friend's code from their link
    assert await found("zoe") == [zoe.id, bram.id]  # names, accents folded, any part
    assert await found("zoë", campaign_id=summer.id) == [zoe.id]
    assert await found("VRIES") == [anna.id]
    assert await found("example") == []  # not the start of any address
    assert await found("%") == [] and await found("_") == []

    everyone = await store.find_advocates()
    assert [row.id for row in everyone.rows] == [zoe.id, bram.id, anna.id]
    assert [r.id for r in (await store.find_advocates(offset=1, limit=1)).rows] == [bram.id]
    assert (await store.find_advocates(offset=3)).rows == []


@contract("find_advocates")
async def test_advocates_are_listed_with_what_they_did_and_sorted_by_referred_orders(
    store: Store,
) -> None:
    spring = await make_campaign(store)
    anna = await join(store, spring, "anna@example.nl", "Anna")
    bram = await join(store, spring, "bram@example.nl", "Bram")
    cleo = await join(store, spring, "cleo@example.nl", "Cleo")
    await store.record_event(spring.id, anna.id, "share", "whatsapp", T0)
    await store.record_event(spring.id, anna.id, "open", None, T0)  # opening is no share
    await store.record_click(anna.id, "t1", "whatsapp", "ip", "mobile", at(hours=1))
    await store.record_click(anna.id, "t2", "whatsapp", "ip", "bot", at(hours=1))
    await refer(store, spring, anna, "1001", "f1@example.com", total_minor=10000)
    await refer(store, spring, bram, "1002", "f2@example.com", total_minor=10000)
    await refer(store, spring, bram, "1003", "f3@example.com", total_minor=10000)
    await store.record_refund("refund-1003", "shop", "1003", at(1))  # revokes its pending rewards

    newest = await store.find_advocates(campaign_id=spring.id)
    assert [row.id for row in newest.rows] == [cleo.id, bram.id, anna.id]
    row = newest.rows[2]
    assert (row.shares, row.clicks, row.referrals, row.rewards) == (1, 1, 1, 1)
    assert (row.rewards_minor, row.currency, row.campaign_slug) == (1000, "EUR", "spring")
    assert (row.email, row.name, row.code, row.coupon_code) == (
        "anna@example.nl",
        "Anna",
        anna.code,
        anna.coupon_code,
    )
    assert newest.rows[1].rewards == 1  # the refunded order's reward is revoked

    referred = await store.find_advocates(sort="referred")
    assert [row.id for row in referred.rows] == [bram.id, anna.id]  # none for Cleo
    assert [r.id for r in (await store.find_advocates(sort="referred", offset=1)).rows] == [anna.id]
    searched = await store.find_advocates(sort="referred", search=terms("anna"))
    assert [row.id for row in searched.rows] == [anna.id]
    other = await make_campaign(store, slug="other")
    assert (await store.find_advocates(campaign_id=other.id, sort="referred")).rows == []


@contract("find_advocates")
async def test_a_search_matching_too_many_people_says_so(store: Store) -> None:
    spring = await make_campaign(store)
    for n in range(MAX_MATCHES + 1):
        await join(store, spring, f"same{n}@example.nl", f"Same {n}")
    page = await store.find_advocates(search=terms("same"), limit=10)
    assert page.capped and len(page.rows) == 10
    assert not (await store.find_advocates(search=terms("same1000@"))).capped


@contract("advocate_profile")
async def test_an_advocates_profile_holds_their_codes_clicks_shares_and_mail(store: Store) -> None:
    spring = await make_campaign(store, friend_fulfilment="generated", friend_code_prefix="HALLO")
    anna = await join(store, spring, "anna@example.nl", "Anna")
    other = await join(store, spring, "bram@example.nl", "Bram")
    assert await store.advocate_profile(anna.id + 1000) is None
    code = await store.issue_friend_code(spring, anna.id, "click-1", T0)
    for n, (channel, device) in enumerate(
        [("whatsapp", "mobile"), ("whatsapp", "desktop"), ("qr", "mobile"), ("email", "bot")]
    ):
        await store.record_click(anna.id, f"t{n}", channel, "ip", device, at(hours=n))
    await store.record_click(other.id, "bram", "x", "ip", "mobile", T0)
    await store.record_event(spring.id, anna.id, "share", "whatsapp", T0)
    await store.record_event(spring.id, anna.id, "copy", None, T0)
    await store.plan_mail(
        spring.id, journeys.INVITE, "k1", "anna@example.nl", "anna@example.nl", "Anna", {}, T0
    )
    await store.plan_mail(
        spring.id, journeys.INVITE, "k2", "bram@example.nl", "bram@example.nl", "Bram", {}, T0
    )

    profile = await store.advocate_profile(anna.id)
    assert profile is not None
    assert (profile.advocate.id, profile.advocate.code, profile.campaign_slug) == (
        anna.id,
        anna.code,
        "spring",
    )
    assert profile.friend_codes == (code,) and profile.link_codes == ()
    assert profile.clicks_by_channel == (("whatsapp", 2), ("qr", 1))
    assert profile.shares_by_channel == (("copy", 1), ("whatsapp", 1))
    assert [m.recipient for m in profile.mails] == ["anna@example.nl"]


@contract("list_referrals", "list_rewards")
async def test_referrals_are_filtered_by_advocate_state_channel_and_search(store: Store) -> None:
    spring = await make_campaign(store)
    anna = await join(store, spring, "anna@example.nl", "Anna de Vries")
    bram = await join(store, spring, "bram@example.nl", "Bram")
    await store.record_click(anna.id, "t-wa", "whatsapp", "ip", "mobile", T0)
    paid = await refer(store, spring, anna, "1001", "femke@example.com", click_token="t-wa")
    part = await refer(store, spring, anna, "1002", "gijs@example.com", total_minor=10000)
    gone = await refer(store, spring, bram, "1003", "hans@example.com")
    await store.record_partial_refund(
        "partial-1002",
        PartialRefund("shop", "1002", (RefundPart("line", Decimal("25.00")),), None, at(1)),
    )
    await store.record_refund("refund-1003", "shop", "1003", at(1))

    async def ids(**filters: object) -> list[int | None]:
        return [r.id for r in await store.list_referrals(**filters)]  # type: ignore[arg-type]

    assert await ids(advocate_id=bram.id) == [gone.referral_id]
    assert await ids(status="paid") == [paid.referral_id]
    assert await ids(status="partly_refunded") == [part.referral_id]
    assert await ids(status="refunded") == [gone.referral_id]
    assert await ids(channel="whatsapp") == [paid.referral_id]
    assert await ids(channel="email") == []
    assert await ids(search="FEMKE@") == [paid.referral_id]  # the friend's address
    assert await ids(search="#1003") == [gone.referral_id]  # the order number
    assert await ids(search="de vries") == [part.referral_id, paid.referral_id]  # the advocate
    assert await ids(search="nobody") == []
    refunded = (await store.list_referrals(search="1002"))[0]
    assert (refunded.order_total_minor, refunded.refunded_minor) == (10000, 2500)
    rewards = await store.list_rewards(advocate_id=bram.id)
    assert {(w.side, w.status) for w in rewards} == {("referrer", "revoked"), ("friend", "revoked")}
