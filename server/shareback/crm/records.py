"""The customer record and its service tickets (the contract in notes/crm-contract.md)."""

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


@dataclass(frozen=True)
class Ticket:
    system: str
    external_id: str
    opened_at: datetime
    closed_at: datetime | None
    topic: str | None
    satisfaction: int | None
    nps: int | None
