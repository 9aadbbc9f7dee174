"""Contract: customers (upserts, orders from paid orders and their refunds, keyset pages, the
search, links to advocates, referral facts and their customer.updated rounds) and imports."""

from __future__ import annotations

from shareback.crm.records import CustomerFacts, ImportedTotals, NewTicket, Ticket
from shareback.crm.rows import CustomerRow, Rejection, Row, TicketRow
from shareback.people_search import search_terms
from shareback.storage.base import Store
from store_contract import (
    T0,
    assert_moment,
    at,
    candidate,
    contract,
    join,
    make_campaign,
    paid_order,
)


@contract("upsert_customer", "customer", "customer_by_email", "iterate_customers", "find_customers")
async def test_customers_are_upserted_found_paged_and_searched(store: Store) -> None:
    anna = await store.upsert_customer(
        CustomerFacts(
            "Anna@Example.nl",
            first_name="Anna",
            last_name="de Vries",
            country="NL",
            tags=("VIP",),
            marketing_consent=True,
            consent_source="hubspot",
            consent_at=T0,
            external_ids=(("hubspot", "51"),),
            imported=ImportedTotals(3, 12000, "EUR", T0),
        ),
        at(1),
    )
    assert (anna.order_count, anna.revenue_minor, anna.currency) == (3, 12000, "EUR")
    assert_moment(anna.consent_at, T0)
    assert await store.customer(anna.id) == anna
    assert await store.customer_by_email("anna@example.nl") == anna
    bram = await store.upsert_customer(CustomerFacts("bram@example.nl", first_name="Bram"), at(2))
    assert [c.id for c in await store.iterate_customers(0, 1)] == [anna.id]
    assert [c.id for c in await store.iterate_customers(anna.id, 5)] == [bram.id]
    assert [c.id for c in await store.find_customers(None, 0, 10)] == [bram.id, anna.id]
    assert [c.id for c in await store.find_customers(search_terms("anna de"), 0, 10)] == [anna.id]
    assert [c.id for c in await store.find_customers(search_terms("bram@"), 0, 10)] == [bram.id]
    assert await store.customer(999) is None


@contract("customer_orders", "customer_links", "referral_facts", "sync_customer_facts")
async def test_paid_orders_make_customers_and_referral_facts_are_sent_once(store: Store) -> None:
    campaign = await make_campaign(store)
    advocate = await join(store, campaign, "anna@example.nl", "Anna")
    await store.record_paid_order("m0", paid_order("A0", "anna@example.nl"), None, "no_ref")
    friend = paid_order("A1", "femke@example.com", 4000, at(1))
    await store.record_paid_order("m1", friend, candidate(campaign, advocate), "referral")
    femke = await store.customer_by_email("femke@example.com")
    anna = await store.customer_by_email("anna@example.nl")
    assert femke is not None and anna is not None
    [order] = await store.customer_orders(femke.id)
    assert (order.order_id, order.total_minor, order.refunded_minor) == ("A1", 4000, 0)
    links = await store.customer_links(anna.id)
    assert [a.advocate_id for a in links.advocates] == [advocate.id]
    assert [a.advocate_id for a in (await store.customer_links(femke.id)).referred_by] == [
        advocate.id
    ]
    facts = await store.referral_facts([anna.id, femke.id])
    assert set(facts) == {anna.id}
    assert (facts[anna.id].advocate_code, facts[anna.id].friends_converted) == (advocate.code, 1)
    assert await store.sync_customer_facts(None, at(2)) == 1
    assert await store.sync_customer_facts(at(2), at(3)) == 0
    await store.record_refund("r1", "shop", "A1", at(4))
    refunded = await store.customer_by_email("femke@example.com")
    assert refunded is not None and refunded.revenue_minor == 0 and refunded.order_count == 1


@contract(
    "start_import",
    "import_rows",
    "finish_import",
    "import_report",
    "recent_imports",
    "import_rejections",
    "customer_tickets",
)
async def test_an_import_writes_its_rows_and_keeps_its_rejections(store: Store) -> None:
    import_id = await store.start_import("customers", "generic", "x.csv", "cli", T0)
    rows: list[Row] = [
        CustomerRow(2, CustomerFacts("kim@example.nl", first_name="Kim")),
        Rejection(3, "invalid_email", "email"),
        CustomerRow(4, CustomerFacts(None, external_ids=(("import", "9"),))),
        TicketRow(
            5,
            NewTicket(
                "kim@example.nl", None, Ticket("zendesk", "77", at(1), None, "Complaint", None, 3)
            ),
        ),
    ]
    assert await store.import_rows(import_id, rows, 4, at(1), {"missing_email": "email"}) == (2, 2)
    await store.finish_import(import_id, "done", at(2))
    report = await store.import_report(import_id)
    assert report is not None and (report.status, report.rows_read) == ("done", 4)
    assert (report.rows_imported, report.rows_rejected) == (2, 2)
    assert [r.id for r in await store.recent_imports(5)] == [import_id]
    assert await store.import_rejections(import_id, 0, 10) == [
        Rejection(3, "invalid_email", "email"),
        Rejection(4, "missing_email", "email"),
    ]
    assert await store.import_rejections(import_id, 3, 10) == [
        Rejection(4, "missing_email", "email")
    ]
    kim = await store.customer_by_email("kim@example.nl")
    assert kim is not None
    [ticket] = await store.customer_tickets(kim.id)
    assert (ticket.external_id, ticket.topic, ticket.nps, ticket.closed_at) == (
        "77",
        "Complaint",
        3,
        None,
    )
    assert await store.import_report(999) is None
