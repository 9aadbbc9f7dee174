"""Contract: partner programmes, partners, placements, clicks, commissions and payout accounts."""

from __future__ import annotations

import pytest
from shareback.partners.terms import PartnerTerms, ProgrammeSettings
from shareback.payouts import PayoutAccount
from shareback.storage.base import Store
from shareback.storage.partner_records import CodeTaken, PartnerTouch, Programme
from store_contract import (
    T0,
    assert_moment,
    at,
    contract,
    join,
    listen,
    make_campaign,
    paid_order,
    sent,
)

SETTINGS = ProgrammeSettings(
    name="Partners",
    currency="EUR",
    rate_bp=1000,
    basis="first_order",
    window_days=365,
    attribution_days=30,
    hold_days=14,
)
ACCOUNT = PayoutAccount("Bram Jansen", "NL91ABNA0417164300", "ABNANL2A")


async def programme(store: Store, slug: str = "partners") -> Programme:
    campaign = await make_campaign(store)
    return await store.save_partner_programme(slug, campaign.id, SETTINGS, T0)


@contract(
    "save_partner_programme",
    "partner_programme",
    "partner_programme_by_id",
    "partner_programmes",
)
async def test_a_programme_is_made_changed_and_only_new_never_changes_it(store: Store) -> None:
    made = await programme(store)
    assert (made.slug, made.settings) == ("partners", SETTINGS)
    assert_moment(made.created_at, T0)
    assert await store.partner_programme("partners") == made
    assert await store.partner_programme_by_id(made.id) == made
    changed_settings = ProgrammeSettings("Partners", "EUR", 750, "every_order", 90, 30, 7)
    changed = await store.save_partner_programme(
        "partners", made.campaign_id, changed_settings, at(1)
    )
    assert changed.id == made.id and changed.settings == changed_settings
    kept = await store.save_partner_programme(
        "partners", made.campaign_id, SETTINGS, at(2), only_new=True
    )
    assert kept.settings == changed_settings
    other = await store.save_partner_programme("creators", made.campaign_id, SETTINGS, at(3))
    assert [p.id for p in await store.partner_programmes()] == [made.id, other.id]
    assert await store.partner_programme("nobody") is None
    assert await store.partner_programme_by_id(other.id + 1000) is None


@contract("add_partner", "partner", "partner_by_code", "partners_by_email", "list_partners")
async def test_a_partner_is_added_once_per_address_and_found_every_way(store: Store) -> None:
    made = await programme(store)
    bram, created = await store.add_partner(
        made.id,
        "Bram@Example.nl",
        "Bram Jansen",
        "applied",
        "bram",
        T0,
        website="https://bram.example",
        pitch="Coffee blog",
    )
    assert created is True
    assert (bram.programme_slug, bram.email, bram.email_key, bram.name, bram.status) == (
        "partners",
        "Bram@Example.nl",
        "bram@example.nl",
        "Bram Jansen",
        "applied",
    )
    assert (bram.website, bram.pitch, bram.coupon_code, bram.terms) == (
        "https://bram.example",
        "Coffee blog",
        None,
        PartnerTerms(),
    )
    assert bram.code.startswith("BRAM-") and len(bram.code) == len("BRAM-") + 7
    assert_moment(bram.created_at, T0)
    again, created_again = await store.add_partner(
        made.id, "bram@example.nl", "Someone", "invited", "owner", at(1)
    )
    assert (again, created_again) == (bram, False)
    cees, _ = await store.add_partner(made.id, "cees@example.nl", "Cees", "invited", "owner", T0)
    other = await store.save_partner_programme("creators", made.campaign_id, SETTINGS, T0)
    elsewhere, created = await store.add_partner(
        other.id, "bram@example.nl", "Bram", "invited", "owner", T0
    )
    assert created is True and elsewhere.id != bram.id and elsewhere.code != bram.code
    assert await store.partner(bram.id) == bram
    assert await store.partner(bram.id + cees.id + elsewhere.id) is None
    assert await store.partner_by_code(bram.code) == bram
    assert await store.partner_by_code("NOBODY-1234567") is None
    assert [p.id for p in await store.partners_by_email("bram@example.nl")] == [
        bram.id,
        elsewhere.id,
    ]
    assert await store.partners_by_email("nobody@example.nl") == []
    assert [p.id for p in await store.list_partners()] == [elsewhere.id, cees.id, bram.id]
    assert [p.id for p in await store.list_partners(made.id)] == [cees.id, bram.id]
    assert [p.id for p in await store.list_partners(made.id, "invited")] == [cees.id]


@contract("decide_partner", "set_partner_terms", "partner_by_code")
async def test_a_decision_is_announced_once_and_terms_and_code_are_kept(store: Store) -> None:
    await listen(store)
    made = await programme(store)
    bram, _ = await store.add_partner(made.id, "bram@example.nl", "Bram", "applied", "bram", T0)
    approved = await store.decide_partner(bram.id, "approved", "owner", at(1))
    assert approved is not None and approved.status == "approved"
    assert approved.decided_by == "owner"
    assert_moment(approved.decided_at, at(1))
    again = await store.decide_partner(bram.id, "approved", "other", at(2))
    assert again == approved
    assert (await sent(store))["partner.approved"] == 1
    rejected = await store.decide_partner(bram.id, "rejected", "owner", at(3))
    assert rejected is not None and rejected.status == "rejected"
    assert await store.decide_partner(bram.id + 1000, "approved", "owner", at(3)) is None

    terms = PartnerTerms(rate_bp=1500, basis="every_order", window_days=60)
    with_terms = await store.set_partner_terms(bram.id, terms, "BRAM15")
    assert with_terms is not None and (with_terms.terms, with_terms.coupon_code) == (
        terms,
        "BRAM15",
    )
    assert await store.partner(bram.id) == with_terms
    assert await store.partner_by_code("BRAM15") == with_terms
    # Setting the same code again is fine; someone else's is refused.
    assert await store.set_partner_terms(bram.id, terms, "BRAM15") == with_terms
    cees, _ = await store.add_partner(made.id, "cees@example.nl", "Cees", "invited", "owner", T0)
    with pytest.raises(CodeTaken):
        await store.set_partner_terms(cees.id, PartnerTerms(), "BRAM15")
    cleared = await store.set_partner_terms(bram.id, PartnerTerms(), None)
    assert cleared is not None and (cleared.terms, cleared.coupon_code) == (PartnerTerms(), None)
    assert await store.set_partner_terms(bram.id + cees.id, PartnerTerms(), None) is None


@contract("add_partner_placement", "partner_placements", "record_partner_click", "partner_click")
async def test_placements_are_declared_once_and_clicks_keep_only_declared_ones(
    store: Store,
) -> None:
    made = await programme(store)
    bram, _ = await store.add_partner(made.id, "bram@example.nl", "Bram", "invited", "owner", T0)
    assert await store.partner_placements(bram.id) == []
    await store.add_partner_placement(bram.id, "youtube", "YouTube", T0)
    await store.add_partner_placement(bram.id, "blog", "Blog", T0)
    await store.add_partner_placement(bram.id, "youtube", "YouTube channel", at(1))
    assert [(p.key, p.label) for p in await store.partner_placements(bram.id)] == [
        ("youtube", "YouTube channel"),
        ("blog", "Blog"),
    ]
    assert await store.record_partner_click(bram.id, "blog", "t1", "ip", "desktop", T0) == "t1"
    assert await store.record_partner_click(bram.id, "tiktok", "t2", "ip", "mobile", T0) == "t2"
    assert await store.partner_click("t1") == (bram.id, "blog")
    assert await store.partner_click("t2") == (bram.id, "")
    assert await store.partner_click("t3") is None


@contract(
    "partner_stats",
    "partner_commissions",
    "approve_due_commissions",
    "set_partner_account",
    "partner_account",
    "payable_partners",
)
async def test_a_commission_is_counted_approved_after_its_hold_and_payable(store: Store) -> None:
    made = await programme(store)
    bram, _ = await store.add_partner(made.id, "bram@example.nl", "Bram", "invited", "owner", T0)
    await store.decide_partner(bram.id, "approved", "owner", T0)
    await store.add_partner_placement(bram.id, "blog", "Blog", T0)
    await store.record_partner_click(bram.id, "blog", "t1", "ip", "desktop", T0)
    await store.record_partner_click(bram.id, "blog", "t2", "ip", "bot", T0)
    empty = await store.partner_stats(bram.id)
    assert (empty.currency, empty.total.clicks, empty.total.orders) == ("EUR", 1, 0)
    touch = PartnerTouch(bram.id, "link", "blog", "t1", T0)
    outcome = await store.record_paid_order(
        "msg-p1", paid_order("p1", "friend@example.com", 5000), None, "partner", touch
    )
    assert outcome.status == "recorded", outcome
    [row] = await store.partner_commissions(bram.id)
    assert (row.order_id, row.placement, row.via, row.revenue_minor) == ("p1", "blog", "link", 5000)
    assert (row.rate_bp, row.amount_minor, row.status, row.currency) == (
        1000,
        500,
        "pending",
        "EUR",
    )
    stats = await store.partner_stats(bram.id)
    [blog] = stats.placements
    assert (blog.placement, blog.clicks, blog.orders, blog.revenue_minor, blog.pending_minor) == (
        "blog",
        1,
        1,
        5000,
        500,
    )
    assert stats.total.pending_minor == 500 and stats.total.approved_minor == 0
    assert await store.payable_partners() == []
    assert await store.approve_due_commissions(at(13)) == 0
    assert await store.approve_due_commissions(at(14)) == 1
    assert await store.approve_due_commissions(at(15)) == 0
    [approved] = await store.partner_commissions(bram.id)
    assert approved.status == "approved"
    assert_moment(approved.approved_at, at(14))
    assert (await store.partner_stats(bram.id)).total.approved_minor == 500

    assert await store.partner_account(bram.id) is None
    [payable] = await store.payable_partners()
    assert (payable.partner_id, payable.approved_minor, payable.account) == (bram.id, 500, None)
    await store.set_partner_account(
        bram.id, PayoutAccount("B. Jansen", "DE89370400440532013000"), "bram", T0
    )
    await store.set_partner_account(bram.id, ACCOUNT, "bram", at(1))
    assert await store.partner_account(bram.id) == ACCOUNT
    [payable] = await store.payable_partners()
    assert payable.account == ACCOUNT and payable.owed_minor == 500
    assert await store.partner_account(bram.id + 1000) is None
    assert await store.partner_commissions(bram.id + 1000) == []


@contract("partner_stats")
async def test_an_unknown_partner_has_empty_stats(store: Store) -> None:
    await join(store, await make_campaign(store), "anna@example.nl")
    stats = await store.partner_stats(999_999)
    assert stats.placements == () and stats.total.clicks == 0 and stats.total.orders == 0


@contract("partner_stats", "partner_commissions", "payable_partners")
async def test_a_refund_after_approval_is_clawed_back_in_the_numbers(store: Store) -> None:
    made = await programme(store)
    bram, _ = await store.add_partner(made.id, "bram@example.nl", "Bram", "invited", "owner", T0)
    await store.decide_partner(bram.id, "approved", "owner", T0)
    for order in ("p1", "p2"):
        touch = PartnerTouch(bram.id, "code")
        outcome = await store.record_paid_order(
            f"msg-{order}", paid_order(order, f"{order}@example.com", 5000), None, "partner", touch
        )
        assert outcome.status == "recorded", outcome
    assert await store.approve_due_commissions(at(14)) == 2
    await store.record_refund("msg-r1", "shop", "p1", at(15))
    stats = await store.partner_stats(bram.id)
    assert (stats.total.approved_minor, stats.total.clawed_back_minor) == (1000, 500)
    clawed = [c for c in await store.partner_commissions(bram.id) if c.order_id == "p1"]
    assert [c.clawed_back_minor for c in clawed] == [500]
    [payable] = await store.payable_partners()
    assert (payable.approved_minor, payable.clawed_back_minor, payable.owed_minor) == (
        1000,
        500,
        500,
    )
