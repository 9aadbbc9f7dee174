"""Contract: campaign segments and their audited changes, customers' targeting facts and the
targeting overview's numbers."""

from __future__ import annotations

from shareback.crm.records import CustomerFacts, ImportedTotals
from shareback.crm.segment_report import Participation
from shareback.crm.segments import Segment, SegmentFacts
from shareback.storage.base import Store
from store_contract import T0, assert_moment, at, contract, join, make_campaign, refer

DUTCH = Segment(countries=("NL", "BE"), tags=("vip",), min_spend_minor=5000, spend_currency="EUR")


@contract("set_campaign_segment", "campaign_segment", "campaign_segments", "segment_changes")
async def test_a_segment_is_set_once_changed_and_removed_with_each_change_recorded(
    store: Store,
) -> None:
    spring = await make_campaign(store)
    summer = await make_campaign(store, slug="summer")
    assert await store.campaign_segment(spring.id) is None
    assert await store.campaign_segments() == {}
    assert await store.set_campaign_segment(spring.id, DUTCH, "set", "ann@shop", T0) is True
    assert await store.set_campaign_segment(spring.id, DUTCH, "set", "ann@shop", at(1)) is False
    assert await store.campaign_segment(spring.id) == DUTCH
    assert await store.campaign_segment(summer.id) is None
    assert await store.campaign_segments() == {spring.id: DUTCH}
    wide = DUTCH.without_countries()
    assert await store.set_campaign_segment(spring.id, wide, "widen", "bob@shop", at(2)) is True
    assert await store.campaign_segment(spring.id) == wide
    # An empty segment is none at all.
    assert await store.set_campaign_segment(spring.id, Segment(), "remove", "key:ci", at(3))
    assert await store.set_campaign_segment(spring.id, None, "remove", "key:ci", at(4)) is False
    assert await store.campaign_segment(spring.id) is None
    assert await store.campaign_segments() == {}
    changes = await store.segment_changes(spring.id)
    assert [(c.campaign_id, c.action, c.actor) for c in changes] == [
        (spring.id, "remove", "key:ci"),
        (spring.id, "widen", "bob@shop"),
        (spring.id, "set", "ann@shop"),
    ]
    assert changes[2].before is None and changes[2].after is not None
    assert changes[2].after["countries"] == ["NL", "BE"]
    assert changes[1].after is not None and changes[1].after["countries"] == []
    assert changes[0].after is None
    assert_moment(changes[2].at, T0)
    assert_moment(changes[0].at, at(3))
    assert await store.segment_changes(summer.id) == []


@contract("segment_facts", "segment_facts_page")
async def test_a_customers_targeting_facts_are_read_one_by_one_and_in_pages(store: Store) -> None:
    anna = await store.upsert_customer(
        CustomerFacts(
            "anna@example.nl",
            country="NL",
            tags=("vip", "beans"),
            imported=ImportedTotals(3, 12000, "EUR", T0),
        ),
        T0,
    )
    bram = await store.upsert_customer(CustomerFacts("bram@example.nl"), T0)
    cees = await store.upsert_customer(CustomerFacts("cees@example.nl", country="BE"), T0)
    expected_anna = SegmentFacts(
        country="NL", tags=("beans", "vip"), order_count=3, revenue_minor=12000, currency="EUR"
    )
    assert await store.segment_facts("anna@example.nl") == expected_anna
    assert await store.segment_facts("bram@example.nl") == SegmentFacts()
    assert await store.segment_facts("nobody@example.nl") is None
    first = await store.segment_facts_page(0, 2)
    assert first == [(anna.id, expected_anna), (bram.id, SegmentFacts())]
    rest = await store.segment_facts_page(bram.id, 2)
    assert rest == [(cees.id, SegmentFacts(country="BE"))]
    assert await store.segment_facts_page(cees.id, 2) == []


@contract("targeting_numbers")
async def test_targeting_numbers_count_sharers_and_friends_orders_by_campaign_and_country(
    store: Store,
) -> None:
    campaign = await make_campaign(store)
    await store.upsert_customer(CustomerFacts("anna@example.nl", country="NL"), T0)
    await store.upsert_customer(CustomerFacts("bram@example.nl"), T0)
    anna = await join(store, campaign, "anna@example.nl", "Anna")
    bram = await join(store, campaign, "bram@example.nl", "Bram")
    await store.record_event(campaign.id, anna.id, "share", "whatsapp", at(1))
    await store.record_event(campaign.id, anna.id, "share", "email", at(1))
    await store.record_event(campaign.id, bram.id, "open", None, at(1))
    await store.record_event(campaign.id, bram.id, "share", "email", at(20))  # after the period
    await refer(store, campaign, anna, "o1", "f1@example.com", paid_at=at(2))
    await refer(store, campaign, anna, "o2", "f2@example.com", paid_at=at(3))
    numbers = await store.targeting_numbers(at(0), at(10))
    assert numbers.by_campaign == {campaign.id: Participation(sharers=1, friends_orders=2)}
    assert numbers.by_country == {"NL": Participation(sharers=1, friends_orders=2)}
    # Every customer record, by country ('' unknown): Bram and the two friends (customers from their orders) have none.
    assert numbers.customers_by_country["NL"] == 1
    assert numbers.customers_by_country == {"NL": 1, "": 3}
    assert (await store.targeting_numbers(at(30), at(40))).by_campaign == {}
