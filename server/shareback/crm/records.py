"""The customer record, its orders and tickets, as the store hands them to every adapter (the
contract between the crm, score and segments helpers: names fixed, fields only added)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shareback import money


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


@dataclass(frozen=True)
class ReferralFacts:
    """What a customer did as an advocate, over all their campaigns."""

    advocate_code: str | None
    shares: int
    clicks: int
    friends_converted: int
    rewards_earned: int  # referrer rewards not revoked
    rewards_earned_minor: int  # their value, in `currency`, for money rewards
    currency: str | None

    @property
    def rewards_earned_amount(self) -> str | None:
        if self.currency is None:
            return None
        return money.from_minor(self.rewards_earned_minor, self.currency)

    def as_dict(self) -> dict[str, Any]:
        return {
            "advocate_code": self.advocate_code,
            "shares": self.shares,
            "clicks": self.clicks,
            "friends_converted": self.friends_converted,
            "rewards_earned": self.rewards_earned,
            "rewards_earned_amount": self.rewards_earned_amount,
            "currency": self.currency,
        }


NO_REFERRALS = ReferralFacts(None, 0, 0, 0, 0, 0, None)


@dataclass(frozen=True)
class LinkedAdvocate:
    advocate_id: int
    code: str
    campaign_name: str


@dataclass(frozen=True)
class CustomerLinks:
    advocates: tuple[LinkedAdvocate, ...]  # the customer's own, one per campaign joined
    referred_by: tuple[LinkedAdvocate, ...]  # who referred them, as a friend
