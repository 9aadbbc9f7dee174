"""Contract: joins that may not open a record, daily IP salts, forgetting, GDPR export/erasure."""

from __future__ import annotations

from datetime import date, timedelta

from shareback.storage.base import Store
from shareback.storage.records import JoinRequest
from store_contract import T0, at, candidate, contract, join, make_campaign, paid_order


def asking(campaign_id: int, email: str, *, verified: bool, name: str | None = None) -> JoinRequest:
    return JoinRequest(
        campaign_id, email, email.lower().replace("+me", ""), name, verified, "FRIEND", T0
    )


@contract("join_campaign")
async def test_a_join_opens_a_record_only_for_the_signed_address_itself(store: Store) -> None:
    campaign = await make_campaign(store)
    created = await store.join_campaign(asking(campaign.id, "Anna@x.nl", verified=True, name="A"))
    assert created.access == "create" and created.advocate.verified is True
    opened = await store.join_campaign(asking(campaign.id, "anna@X.NL", verified=True))
    assert opened.access == "open" and opened.advocate == created.advocate
    for request in (
        asking(campaign.id, "anna@x.nl", verified=False, name="Eve"),
        asking(campaign.id, "anna+me@x.nl", verified=True, name="Eve"),
    ):
        link = await store.join_campaign(request)
        assert link.access == "new_link"
        shown = link.advocate
        assert (shown.id, shown.name, shown.coupon_code, shown.verified) == (
            created.advocate.id,
            "Eve",
            None,
            False,
        )
        assert shown.code != created.advocate.code and shown.code.startswith("FRIEND-")
        # The further link leads to the advocate, shown as the link shows them: with the name
        # its own join typed, as a new advocate's link would be.
        found = await store.advocate_by_code(shown.code)
        assert found is not None and (found.id, found.name, found.code) == (
            created.advocate.id,
            "Eve",
            shown.code,
        )
        owner = await store.code_owner(shown.code)
        assert owner is not None and owner.advocate.id == created.advocate.id
    stored = await store.advocate_by_code(created.advocate.code)
    assert stored == created.advocate  # nothing changed by the others


@contract("ip_salt_on", "ip_salt_for")
async def test_one_salt_per_day_made_once(store: Store) -> None:
    day = date(2025, 6, 1)
    assert await store.ip_salt_on(day) is None
    salt = await store.ip_salt_for(day)
    assert len(salt) >= 32 and await store.ip_salt_for(day) == salt
    assert await store.ip_salt_on(day) == salt
    assert await store.ip_salt_for(day + timedelta(days=1)) != salt


@contract("forget_expired")
async def test_forgetting_keeps_the_salts_a_live_window_needs(store: Store) -> None:
    campaign = await make_campaign(store, attribution_days=10)
    today = T0.date()
    for back in range(15):
        await store.ip_salt_for(today - timedelta(days=back))
    week = T0 - timedelta(days=7)
    assert await store.count_login_attempt(["ip:203.0.113.9"], week, T0, 10)
    assert await store.count_login_attempt(["ip:203.0.113.9"], week, T0 - timedelta(hours=2), 10)
    anna = await join(store, campaign, "anna@example.nl", "Anna")
    for back, token in ((12, "old"), (11, "kept"), (0, "today")):
        moment = T0 - timedelta(days=back)
        await store.record_click(anna.id, token, "link", "h" * 32, "mobile", moment, counted=False)
    forgotten = await store.forget_expired(T0)
    assert (forgotten.ip_salts, forgotten.login_failures) == (3, 1)
    # An uncounted click goes with its day's salt: its hash can never be compared again.
    assert forgotten.uncounted_clicks == 1
    left = await store.person_data("anna@example.nl")
    assert [row["created_at"].date() for row in left["uncounted_clicks"]] == [
        (T0 - timedelta(days=11)).date(),
        T0.date(),
    ]
    kept = [await store.ip_salt_on(today - timedelta(days=back)) is not None for back in range(15)]
    assert kept == [True] * 12 + [False] * 3  # today, then 10 days + 1
    # One attempt is left: with a limit of one, the next is refused.
    assert not await store.count_login_attempt(["ip:203.0.113.9"], week, T0, 1)


@contract("person_data", "erase_person")
async def test_a_person_is_exported_whole_and_erased_without_changing_the_counts(
    store: Store,
) -> None:
    campaign = await make_campaign(store)
    anna = await join(store, campaign, "anna@example.nl", "Anna")
    await store.record_click(anna.id, "t1", "whatsapp", "h" * 32, "mobile", T0)
    order = paid_order("1001", "bram@example.nl")
    outcome = await store.record_paid_order(
        "m1", order, candidate(campaign, anna, click_token="t1"), "no_ref"
    )
    assert outcome.status == "recorded"
    await store.record_click(anna.id, "t2", "link", "u" * 32, "desktop", T0, counted=False)
    held = await store.record_paid_order(
        "m2", paid_order("1002", "bram@mailinator.com"), candidate(campaign, anna), ""
    )
    assert held.reason == "held_for_review"
    [waiting] = await store.fraud_decisions(awaiting_review=True)
    note = "Bram van Dijk said on the phone it is his second mailbox"
    assert await store.review_referral(waiting.id, "rejected", note, "owner@x", at(1))
    data = await store.person_data("anna@example.nl")
    assert [a["name"] for a in data["advocates"]] == ["Anna"]
    assert [k["ip_hash"] for k in data["clicks"]] == ["h" * 32]
    assert [k["ip_hash"] for k in data["uncounted_clicks"]] == ["u" * 32]
    assert [(d["order_id"], d["verdict"]) for d in data["fraud_decisions"]] == [
        ("1001", "paid"),
        ("1002", "review"),
    ]
    assert data["fraud_decisions"][1]["review_note"] == note
    assert sorted(r["side"] for r in data["rewards"]) == ["referrer", "referrer"]
    friend = await store.person_data("bram@example.nl")
    assert [o["order_id"] for o in friend["orders"]] == ["1001"]
    assert [d["order_id"] for d in friend["fraud_decisions"]] == ["1001"]
    before = await store.campaign_stats(campaign.id, at(-1), at(1))
    erased = await store.erase_person("anna@example.nl", T0)
    assert (erased["advocates"], erased["rewards"], erased["uncounted_clicks"]) == (1, 2, 1)
    assert erased["fraud_decisions"] == 2
    assert (await store.erase_person("bram@example.nl", T0))["orders"] == 1
    assert await store.campaign_stats(campaign.id, at(-1), at(1)) == before
    assert await store.advocate_by_code(anna.code) is None
    for key in ("anna@example.nl", "bram@example.nl"):
        left = await store.person_data(key)
        assert all(rows == [] for rows in left.values()), left
    # The verdicts stay (why a referral was refused is the shop's record), the note does not.
    kept = await store.fraud_decisions()
    assert [(d.order_id, d.verdict, d.review_note) for d in kept] == [
        ("1002", "review", None),
        ("1001", "paid", None),
    ]
