"""The customer record, its orders and tickets, as the store hands them to every adapter (the
contract between the crm, score and segments helpers: names fixed, fields only added)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Customer:
    id: int
    email: str
    email_key: str
    first_name: str | None
    last_name: str | None
    country: str | None
    tags: tuple[str, ...]
    first_order_at: datetime | None
    last_order_at: datetime | None
    order_count: int
    revenue_minor: int
    currency: str | None
    marketing_consent: bool | None
    consent_source: str | None
    consent_at: datetime | None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    # (system, external id) pairs: ("shopify", "7075945660648"), ("salesforce", "003…").
    external_ids: tuple[tuple[str, str], ...] = ()

    @property
    def name(self) -> str | None:
        return " ".join(p for p in (self.first_name, self.last_name) if p) or None


@dataclass(frozen=True)
class Ticket:
    system: str
    external_id: str
    opened_at: datetime
    closed_at: datetime | None
    topic: str | None
    satisfaction: int | None
    nps: int | None


@dataclass(frozen=True)
class CustomerOrder:
    source: str
    order_id: str
    placed_at: datetime
    total_minor: int
    refunded_minor: int
    currency: str
    other_total_minor: int | None = None
    other_currency: str | None = None


@dataclass(frozen=True)
class ImportedTotals:
    """What a platform had counted when it exported the customer (Shopify's Total Orders and
    Total Spent): orders placed after `at` are added to it (crm/rollup.py)."""

    order_count: int
    revenue_minor: int
    currency: str
    at: datetime


@dataclass(frozen=True)
class CustomerFacts:
    """What one source says about a customer. None (and an empty tuple): the source does not
    say, and what is kept stays as it is. Tags are added, never removed."""

    email: str | None
    first_name: str | None = None
    last_name: str | None = None
    country: str | None = None
    tags: tuple[str, ...] = ()
    marketing_consent: bool | None = None
    consent_source: str | None = None
    consent_at: datetime | None = None
    external_ids: tuple[tuple[str, str], ...] = ()
    imported: ImportedTotals | None = None


@dataclass(frozen=True)
class NewTicket:
    """A ticket row as an import reads it: the customer by e-mail address or external id."""

    email: str | None
    customer_ref: tuple[str, str] | None  # (system, external id) of the customer
    ticket: Ticket


@dataclass(frozen=True)
class NewOrder:
    """An order row as an import reads it."""

    email: str | None
    customer_ref: tuple[str, str] | None
    order: CustomerOrder


@dataclass(frozen=True)
class ImportReport:
    """An import as it stands: its progress while it runs, its outcome once done."""

    id: int
    kind: str
    format: str
    filename: str | None
    status: str  # running | done | failed
    rows_read: int
    rows_imported: int
    rows_rejected: int
    started_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    error: str | None
    actor: str
