"""Who the ambassadors list shows: its filters, parsed once for the dashboard and the owner API
(score band, country, tag, consent, minimum orders), and the ranked row the store returns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from shareback.crm.score import BANDS, Reason

MAX_TAG = 100
MAX_MIN_ORDERS = 1_000_000
CONSENT_CHOICES = ("yes", "no", "unknown")


@dataclass(frozen=True)
class RankingFilter:
    band: str | None = None  # a key of crm/score.BANDS
    country: str | None = None  # ISO 3166-1 alpha-2, upper case
    tag: str | None = None  # folded to lower case
    consent: str | None = None  # "yes", "no", "unknown"
    min_orders: int = 0
    include_excluded: bool = True

    def query(self) -> dict[str, str]:
        """The filter as query parameters (for links: the pager, the form's values)."""
        found = {
            "band": self.band,
            "country": self.country,
            "tag": self.tag,
            "consent": self.consent,
            "min_orders": str(self.min_orders) if self.min_orders else None,
        }
        return {k: v for k, v in found.items() if v}


class FilterError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def parse_filter(query: Mapping[str, str]) -> RankingFilter:
    """The filter from query parameters (empty ones ignored); FilterError names the bad one.
    Messages are in English: each adapter words its own."""
    band = (query.get("band") or "").strip().lower() or None
    if band is not None and band not in BANDS:
        raise FilterError("band", f"band must be one of {', '.join(BANDS)}")
    country = (query.get("country") or "").strip().upper() or None
    if country is not None and not (len(country) == 2 and country.isascii() and country.isalpha()):
        raise FilterError("country", "country must be a two-letter ISO 3166-1 code, such as NL")
    raw_tag = query.get("tag") or ""
    if len(raw_tag) > MAX_TAG:
        raise FilterError("tag", f"tag must be at most {MAX_TAG} characters")
    tag = " ".join(raw_tag.split()).lower() or None
    consent = (query.get("consent") or "").strip().lower() or None
    if consent is not None and consent not in CONSENT_CHOICES:
        raise FilterError("consent", f"consent must be one of {', '.join(CONSENT_CHOICES)}")
    raw = (query.get("min_orders") or "").strip()
    if raw and not (raw.isascii() and raw.isdigit() and int(raw) <= MAX_MIN_ORDERS):
        raise FilterError("min_orders", f"min_orders must be a whole number up to {MAX_MIN_ORDERS}")
    return RankingFilter(band, country, tag, consent, int(raw) if raw else 0)


@dataclass(frozen=True)
class RankedCustomer:
    customer_id: int
    email: str
    email_key: str
    first_name: str | None
    last_name: str | None
    country: str | None
    order_count: int
    marketing_consent: bool | None
    points: int
    excluded: bool
    reasons: tuple[Reason, ...]
    scored_at: datetime
    invited_at: datetime | None  # into the campaign asked about; None: not invited (or no campaign)

    @property
    def name(self) -> str | None:
        return " ".join(p for p in (self.first_name, self.last_name) if p) or None


@dataclass(frozen=True)
class CustomerInvitation:
    """One "invite these" of the customer: into which campaign, with which score and decile."""

    campaign_slug: str
    campaign_name: str
    points: int
    decile: int
    invited_by: str | None
    invited_at: datetime


@dataclass(frozen=True)
class InviteReport:
    """What "invite these" did: invitations planned, already sent before, and each refusal."""

    invited: int = 0
    already: int = 0
    refused: Mapping[str, int] | None = None
    unknown: int = 0  # ids that are no customer (or have no score yet)

    @property
    def refused_total(self) -> int:
        return sum((self.refused or {}).values())
