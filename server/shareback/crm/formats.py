"""The CSV exports people have, by their published column names: which file a header row is,
and which column holds which fact. Pure: crm/rows.py reads a row with one of these.

Column names are matched case- and space-insensitively (Salesforce's Data Loader writes FIRSTNAME,
its Data Export FirstName). A header row is the first format whose identifying columns it has."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

KINDS = ("customers", "orders", "tickets")
# The facts a row can hold, per kind: what a generic file's columns or a --map names.
FIELDS = {
    "customers": (
        "external_id",
        "email",
        "first_name",
        "last_name",
        "name",
        "country",
        "tags",
        "marketing_consent",
        "opted_out",
        "order_count",
        "total_spent",
        "currency",
    ),
    "orders": (
        "email",
        "customer_external_id",
        "order_id",
        "placed_at",
        "total",
        "refunded",
        "currency",
    ),
    "tickets": (
        "email",
        "customer_external_id",
        "ticket_id",
        "opened_at",
        "closed_at",
        "topic",
        "satisfaction",
        "nps",
    ),
}


def fold(header: str) -> str:
    """ "Accepts Email Marketing", "ACCEPTS EMAIL MARKETING", " accepts  email marketing " alike."""
    return " ".join(header.replace("\ufeff", "").split()).casefold()


@dataclass(frozen=True)
class Format:
    name: str
    kind: str
    # Columns that must all be in the header row for a file to be this format.
    identifying: tuple[str, ...]
    # Fact → the columns that may hold it, first found wins.
    columns: Mapping[str, tuple[str, ...]]
    # The external id's system (customer_external_ids.system, customer_orders.source).
    system: str
    # How the consent column reads: "yes_no" (Shopify), "hubspot" (Marketing contact status).
    consent: str = "yes_no"
    # Zendesk's satisfaction is "good" or "bad", not a number.
    satisfaction: str = "number"
    label: str = ""
    mapping: Mapping[str, str] = field(default_factory=dict)

    def find(self, headers: Sequence[str]) -> dict[str, int]:
        """Fact → column index in this header row."""
        folded = [fold(h) for h in headers]
        found: dict[str, int] = {}
        for fact, names in self.columns.items():
            for name in names:
                if fold(name) in folded:
                    found[fact] = folded.index(fold(name))
                    break
        return found


def _f(*names: str) -> tuple[str, ...]:
    return names


FORMATS: tuple[Format, ...] = (
    # Shopify admin → Customers → Export (CSV for Excel or plain CSV); older exports call the
    # consent column "Accepts Marketing" and the country "Country Code".
    Format(
        name="shopify",
        label="Shopify customers export",
        kind="customers",
        # Shopify's exports (old and new) and its import template all have these four.
        identifying=("First Name", "Last Name", "Email", "Tags"),
        columns={
            "external_id": _f("Customer ID"),
            "email": _f("Email"),
            "first_name": _f("First Name"),
            "last_name": _f("Last Name"),
            "country": _f("Default Address Country Code", "Country Code"),
            "tags": _f("Tags"),
            "marketing_consent": _f("Accepts Email Marketing", "Accepts Marketing"),
            "order_count": _f("Total Orders"),
            "total_spent": _f("Total Spent"),
        },
        system="shopify",
    ),
    # HubSpot → Contacts → Export: the properties' labels as column names.
    Format(
        name="hubspot",
        label="HubSpot contacts export",
        kind="customers",
        identifying=("Record ID", "Email"),
        columns={
            "external_id": _f("Record ID"),
            "email": _f("Email"),
            "first_name": _f("First Name"),
            "last_name": _f("Last Name"),
            "country": _f("Country/Region", "Country"),
            "marketing_consent": _f("Marketing contact status"),
            "opted_out": _f("Unsubscribed from all email"),
        },
        system="hubspot",
        consent="hubspot",
    ),
    # Salesforce Contact, as Data Export and Data Loader write it: the fields' API names.
    Format(
        name="salesforce",
        label="Salesforce contacts (Data Export / Data Loader)",
        kind="customers",
        identifying=("Id", "Email", "LastName"),
        columns={
            "external_id": _f("Id"),
            "email": _f("Email"),
            "first_name": _f("FirstName"),
            "last_name": _f("LastName"),
            "country": _f("MailingCountryCode", "MailingCountry"),
            "opted_out": _f("HasOptedOutOfEmail"),
        },
        system="salesforce",
    ),
    # WooCommerce → Analytics → Customers → Download.
    Format(
        name="woocommerce",
        label="WooCommerce customers (Analytics download)",
        kind="customers",
        identifying=("Email", "Orders", "Total Spend"),
        columns={
            "email": _f("Email"),
            "name": _f("Name"),
            "country": _f("Country / Region", "Country/Region", "Country"),
            "order_count": _f("Orders"),
            "total_spent": _f("Total Spend"),
        },
        system="woocommerce",
    ),
    # WooCommerce users as the WordPress user export tools write them (user_email, billing_*).
    Format(
        name="woocommerce_users",
        label="WooCommerce customers (user export)",
        kind="customers",
        identifying=("user_email",),
        columns={
            "external_id": _f("customer_id", "ID"),
            "email": _f("user_email", "billing_email"),
            "first_name": _f("first_name", "billing_first_name"),
            "last_name": _f("last_name", "billing_last_name"),
            "country": _f("billing_country", "shipping_country"),
        },
        system="woocommerce",
    ),
    # Shopify admin → Orders → Export: one row per line item, the order's figures on its first.
    Format(
        name="shopify_orders",
        label="Shopify orders export",
        kind="orders",
        identifying=("Name", "Email", "Financial Status", "Total"),
        columns={
            "order_id": _f("Id"),
            "email": _f("Email"),
            "placed_at": _f("Paid at", "Created at"),
            "total": _f("Total"),
            "refunded": _f("Refunded Amount"),
            "currency": _f("Currency"),
        },
        system="shopify",
    ),
    # Zendesk → Reports → Export (CSV): tickets.
    Format(
        name="zendesk",
        label="Zendesk tickets export",
        kind="tickets",
        identifying=("Id", "Requester email", "Created at"),
        columns={
            "ticket_id": _f("Id"),
            "email": _f("Requester email"),
            "opened_at": _f("Created at"),
            "closed_at": _f("Solved at"),
            "topic": _f("Ticket type", "Subject"),
            "satisfaction": _f("Satisfaction Score"),
        },
        system="zendesk",
        satisfaction="good_bad",
    ),
    # Freshdesk → Tickets → Export.
    Format(
        name="freshdesk",
        label="Freshdesk tickets export",
        kind="tickets",
        identifying=("Ticket ID", "Created time"),
        columns={
            "ticket_id": _f("Ticket ID"),
            "email": _f("Email"),
            "opened_at": _f("Created time"),
            "closed_at": _f("Resolved time", "Closed time"),
            "topic": _f("Type", "Subject"),
            "satisfaction": _f("Customer satisfaction", "Satisfaction rating"),
        },
        system="freshdesk",
    ),
)


def generic(kind: str, mapping: Mapping[str, str] | None = None) -> Format:
    """A file whose columns are named as the facts (email, first_name, …), or a mapping from
    facts to the file's own column names (--map email=E-mail)."""
    columns: dict[str, tuple[str, ...]] = {
        fact: (fact, fact.replace("_", " ")) for fact in FIELDS[kind]
    }
    for fact, column in (mapping or {}).items():
        columns[fact] = (column,)
    identifying = {"customers": "email", "orders": "order_id", "tickets": "ticket_id"}[kind]
    return Format(
        name="generic",
        label="Generic CSV",
        kind=kind,
        identifying=columns[identifying][:1],
        columns=columns,
        system="import",
        mapping=dict(mapping or {}),
    )


class UnknownFormat(ValueError):
    """No format has the columns this header row has."""


def by_name(name: str) -> Format | None:
    return next((f for f in FORMATS if f.name == name), None)


def detect(
    headers: Sequence[str],
    kind: str | None = None,
    name: str | None = None,
    mapping: Mapping[str, str] | None = None,
) -> Format:
    """The format of a file from its header row: the named one, else the first that fits, else
    the generic CSV of `kind` when the row names its identifying fact."""
    folded = {fold(h) for h in headers}
    if mapping:
        unknown = set(mapping) - set(FIELDS[kind or "customers"])
        if unknown:
            raise UnknownFormat(f"unknown fields in the mapping: {', '.join(sorted(unknown))}")
        missing = [c for c in mapping.values() if fold(c) not in folded]
        if missing:
            raise UnknownFormat(f"columns not in the file: {', '.join(missing)}")
        return generic(kind or "customers", mapping)
    if name and name != "generic":
        chosen = by_name(name)
        if chosen is None:
            raise UnknownFormat(f"unknown format {name!r}")
        candidates: Sequence[Format] = (chosen,)
    else:
        candidates = () if name == "generic" else FORMATS
    for candidate in candidates:
        if kind is not None and candidate.kind != kind:
            continue
        if all(fold(c) in folded for c in candidate.identifying):
            return candidate
    for option in (kind,) if kind else KINDS:
        plain = generic(option)
        if all(fold(c) in folded for c in plain.identifying):
            return plain
    raise UnknownFormat(
        "the header row is none of the known exports (Shopify, HubSpot, Salesforce, WooCommerce, "
        "Zendesk, Freshdesk) and names no e-mail, order_id or ticket_id column"
    )
