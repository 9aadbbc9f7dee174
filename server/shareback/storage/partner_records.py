"""Rows of the partner tables, as the store hands them out (storage/sql/partners.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from shareback.partners.terms import PartnerTerms, ProgrammeSettings
from shareback.payouts import PayoutAccount

STATUSES = ("applied", "invited", "approved", "rejected")
COMMISSION_STATUSES = ("pending", "approved", "paid", "revoked", "refused")


class CodeTaken(Exception):
    """The checkout code is someone else's already (an advocate's, a friend's, a partner's)."""


@dataclass(frozen=True)
class Programme:
    id: int
    slug: str
    campaign_id: int
    settings: ProgrammeSettings
    created_at: datetime


@dataclass(frozen=True)
class Partner:
    id: int
    programme_id: int
    programme_slug: str
    email: str
    email_key: str
    name: str
    website: str | None
    pitch: str | None
    status: str  # STATUSES
    code: str
    coupon_code: str | None
    terms: PartnerTerms
    created_by: str
    created_at: datetime
    decided_by: str | None
    decided_at: datetime | None


@dataclass(frozen=True)
class Placement:
    key: str
    label: str


@dataclass(frozen=True)
class PartnerTouch:
    """What the checkout found of a partner in an order: their link (a click) or their code."""

    partner_id: int
    via: str  # "link" | "code"
    placement: str = ""
    click_token: str | None = None
    clicked_at: datetime | None = None
    position: int = 0  # a code: its place among the order's bare refs and coupon codes


@dataclass(frozen=True)
class PlacementStats:
    """One placement's numbers ('' is the plain link and the typed code), in the programme's
    currency: what commissions are pending, approved (not yet paid), paid, and clawed back."""

    placement: str
    clicks: int = 0
    orders: int = 0
    revenue_minor: int = 0
    pending_minor: int = 0
    approved_minor: int = 0
    paid_minor: int = 0
    clawed_back_minor: int = 0


@dataclass(frozen=True)
class PartnerStats:
    currency: str
    placements: tuple[PlacementStats, ...]
    total: PlacementStats
    refused_orders: int = 0


@dataclass(frozen=True)
class CommissionRow:
    id: int
    partner_id: int
    order_id: str
    placement: str
    via: str
    revenue_minor: int
    kept_minor: int
    currency: str
    rate_bp: int
    amount_minor: int
    clawed_back_minor: int
    status: str
    reason: str | None
    approve_after: datetime
    approved_at: datetime | None
    paid_at: datetime | None
    created_at: datetime


@dataclass(frozen=True)
class PayablePartner:
    """An approved partner's approved commissions not yet in a batch, less unsettled clawbacks."""

    partner_id: int
    code: str
    email: str
    name: str
    currency: str
    approved_minor: int
    clawed_back_minor: int
    account: PayoutAccount | None = field(default=None)

    @property
    def owed_minor(self) -> int:
        return self.approved_minor - self.clawed_back_minor


@dataclass(frozen=True)
class PartnerPayoutItem:
    """A partner's transfer in a payout batch (its account as it was when the batch was made)."""

    payout_id: int
    partner_id: int
    partner_code: str
    email: str
    amount_minor: int
    account: PayoutAccount
