"""Customer CSVs shaped for re-import into Salesforce, HubSpot and Shopify: their own column
names, plus the referral facts, so the shop's CRM learns who its ambassadors are. The dashboard
and the owner API both stream `customer_lines` (the same bytes from both).

- Salesforce (Data Loader, Contact upsert): the fields' API names; the referral facts go into
  custom fields named Shareback_…__c (create them once, as Number or Text fields). Id is the
  contact's Salesforce id when an import brought it, so an upsert on Id updates the contact.
- HubSpot (contacts import): the property labels; "Record ID" matches existing contacts; the
  referral facts as custom properties "Shareback …" (HubSpot offers to create them on import).
- Shopify (customers import): Shopify's column names; Shopify has no custom columns, so an
  advocate gets the tag "shareback-advocate" too, and the facts stay in the last columns
  (Shopify ignores unknown columns)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from functools import cache

from babel import Locale

from shareback.api.owner.exports import BOM, Cell, csv_line
from shareback.crm.records import NO_REFERRALS, Customer, ReferralFacts
from shareback.storage.base import Store

PAGE = 500
ADVOCATE_TAG = "shareback-advocate"


def external(customer: Customer, system: str) -> str | None:
    return next((i for s, i in customer.external_ids if s == system), None)


@cache
def country_names() -> dict[str, str]:
    return {str(code): str(name) for code, name in Locale.parse("en").territories.items()}


def country_name(code: str | None) -> str | None:
    return None if code is None else country_names().get(code, code)


def yes_no(value: bool | None) -> str | None:
    return None if value is None else ("yes" if value else "no")


def salesforce_cells(c: Customer, f: ReferralFacts) -> Sequence[Cell]:
    return (
        external(c, "salesforce"),
        c.first_name,
        c.last_name or c.email,  # LastName is required on a Contact
        c.email,
        country_name(c.country),
        c.country,
        None if c.marketing_consent is None else not c.marketing_consent,
        f.advocate_code,
        f.shares,
        f.clicks,
        f.friends_converted,
        f.rewards_earned,
        f.rewards_earned_amount,
    )


def hubspot_cells(c: Customer, f: ReferralFacts) -> Sequence[Cell]:
    return (
        external(c, "hubspot"),
        c.email,
        c.first_name,
        c.last_name,
        country_name(c.country),
        f.advocate_code,
        f.shares,
        f.clicks,
        f.friends_converted,
        f.rewards_earned,
        f.rewards_earned_amount,
    )


def shopify_cells(c: Customer, f: ReferralFacts) -> Sequence[Cell]:
    tags = list(c.tags) + ([ADVOCATE_TAG] if f.advocate_code and ADVOCATE_TAG not in c.tags else [])
    return (
        external(c, "shopify"),
        c.first_name,
        c.last_name,
        c.email,
        yes_no(c.marketing_consent),
        c.country,
        ", ".join(tags),
        f.advocate_code,
        f.shares,
        f.clicks,
        f.friends_converted,
        f.rewards_earned,
        f.rewards_earned_amount,
    )


@dataclass(frozen=True)
class ExportFormat:
    name: str
    columns: tuple[str, ...]
    cells: Callable[[Customer, ReferralFacts], Sequence[Cell]]


EXPORTS: dict[str, ExportFormat] = {
    "salesforce": ExportFormat(
        "salesforce",
        (
            "Id",
            "FirstName",
            "LastName",
            "Email",
            "MailingCountry",
            "MailingCountryCode",
            "HasOptedOutOfEmail",
            "Shareback_Code__c",
            "Shareback_Shares__c",
            "Shareback_Clicks__c",
            "Shareback_Friends_Converted__c",
            "Shareback_Rewards_Earned__c",
            "Shareback_Rewards_Value__c",
        ),
        salesforce_cells,
    ),
    "hubspot": ExportFormat(
        "hubspot",
        (
            "Record ID",
            "Email",
            "First Name",
            "Last Name",
            "Country/Region",
            "Shareback referral code",
            "Shareback shares",
            "Shareback clicks",
            "Shareback friends converted",
            "Shareback rewards earned",
            "Shareback rewards value",
        ),
        hubspot_cells,
    ),
    "shopify": ExportFormat(
        "shopify",
        (
            "Customer ID",
            "First Name",
            "Last Name",
            "Email",
            "Accepts Email Marketing",
            "Default Address Country Code",
            "Tags",
            "Shareback Code",
            "Shareback Shares",
            "Shareback Clicks",
            "Shareback Friends Converted",
            "Shareback Rewards Earned",
            "Shareback Rewards Value",
        ),
        shopify_cells,
    ),
}


async def customer_lines(store: Store, name: str) -> AsyncIterator[str]:
    """The header, then every customer in id order, a page at a time (memory stays flat)."""
    export = EXPORTS[name]
    yield BOM + csv_line(export.columns)
    after = 0
    while True:
        page = await store.iterate_customers(after, PAGE)
        if not page:
            return
        facts = await store.referral_facts([c.id for c in page])
        for customer in page:
            yield csv_line(export.cells(customer, facts.get(customer.id, NO_REFERRALS)))
        after = page[-1].id
