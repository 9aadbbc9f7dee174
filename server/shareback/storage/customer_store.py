"""The customer verbs of the Store protocol (storage/sql/customers.py implements them)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from shareback.crm.records import Customer, CustomerFacts, CustomerOrder, Ticket


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

    async def iterate_customers(self, after_id: int, limit: int) -> list[Customer]:
        """Keyset pages in id order: `after_id` is the last id of the page before (0 first)."""
        ...
