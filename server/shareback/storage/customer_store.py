"""The customer verbs of the Store protocol (storage/sql/customers.py implements them)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol

from shareback.crm.records import (
    Customer,
    CustomerFacts,
    CustomerLinks,
    CustomerOrder,
    ImportReport,
    ReferralFacts,
    Ticket,
)
from shareback.crm.rows import Rejection, Row
from shareback.people_search import SearchTerms


class CustomerStore(Protocol):
    async def customer(self, customer_id: int) -> Customer | None: ...

    async def customer_by_email(self, email: str) -> Customer | None:
        """By the address's e-mail key (emails.email_key): any spelling of the same inbox."""
        ...

    async def customer_orders(self, customer_id: int) -> list[CustomerOrder]:
        """Newest first."""
        ...

    async def customer_tickets(self, customer_id: int) -> list[Ticket]:
        """Newest first."""
        ...

    async def upsert_customer(self, facts: CustomerFacts, at: datetime) -> Customer:
        """Created or updated, found by an external id first, else by e-mail key; raises
        storage.sql.customers.CustomerRejected when the facts cannot be kept."""
        ...

    async def referral_facts(self, customer_ids: Sequence[int]) -> dict[int, ReferralFacts]:
        """What each customer did as an advocate; customers who never joined are left out."""
        ...

    async def sync_customer_facts(self, since: datetime | None, now: datetime) -> int:
        """One round of customer.updated events: one per customer whose referral facts changed
        since the last one sent; `since` is when the previous round began."""
        ...

    async def find_customers(
        self, search: SearchTerms | None, offset: int, limit: int
    ) -> list[Customer]:
        """Newest first; a search matches the start of an e-mail address or a name."""
        ...

    async def customer_links(self, customer_id: int) -> CustomerLinks:
        """Their own advocates and the advocates who referred them."""
        ...

    async def iterate_customers(self, after_id: int, limit: int) -> list[Customer]:
        """Keyset pages in id order: `after_id` is the last id of the page before (0 first)."""
        ...


class ImportStore(Protocol):
    async def start_import(
        self, kind: str, format: str, filename: str | None, actor: str, at: datetime
    ) -> int: ...

    async def import_rows(
        self,
        import_id: int,
        rows: Sequence[Row],
        read: int,
        at: datetime,
        columns: Mapping[str, str] | None = None,
    ) -> tuple[int, int]:
        """One batch in one transaction: (imported, rejected); `read` is the rows read so far;
        `columns` names the column a rejection the store makes is about (reason → column)."""
        ...

    async def finish_import(
        self, import_id: int, status: str, at: datetime, error: str | None = None
    ) -> None: ...

    async def import_report(self, import_id: int) -> ImportReport | None: ...

    async def recent_imports(self, limit: int) -> list[ImportReport]: ...

    async def import_rejections(
        self, import_id: int, after_line: int, limit: int
    ) -> list[Rejection]:
        """In line order, from after `after_line`."""
        ...
