"""Who gets credit for an order: pure rules over facts the store gathers inside one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Candidate:
    """The advocate an order points at, and how (a signed link or a typed code)."""

    advocate_id: int
    advocate_email_key: str
    campaign_id: int
    via: str  # "link" | "code"
    click_token: str | None = None
    issued_at: datetime | None = None


@dataclass(frozen=True)
class CampaignRules:
    attribution_days: int
    new_customers_only: bool
    starts_at: datetime | None
    ends_at: datetime | None
    archived: bool
    draft: bool = False


@dataclass(frozen=True)
class Facts:
    friend_email_key: str | None
    paid_at: datetime
    friend_has_prior_orders: bool
    friend_already_referred: bool


@dataclass(frozen=True)
class Decision:
    status: str  # "recorded" | "ignored"
    reason: str

    @property
    def credited(self) -> bool:
        return self.status == "recorded"


def decide(candidate: Candidate, rules: CampaignRules, facts: Facts) -> Decision:
    def ignored(reason: str) -> Decision:
        return Decision("ignored", reason)

    if rules.archived:
        return ignored("campaign_archived")
    if rules.draft:
        return ignored("campaign_draft")
    if (rules.starts_at and facts.paid_at < rules.starts_at) or (
        rules.ends_at and facts.paid_at > rules.ends_at
    ):
        return ignored("campaign_inactive")
    if candidate.issued_at is not None and facts.paid_at - candidate.issued_at > timedelta(
        days=rules.attribution_days
    ):
        return ignored("ref_expired")
    if facts.friend_email_key is None:
        return ignored("missing_email")
    if facts.friend_email_key == candidate.advocate_email_key:
        return ignored("self_referral")
    if rules.new_customers_only and facts.friend_has_prior_orders:
        return ignored("repeat_customer")
    if facts.friend_already_referred:
        return ignored("already_referred")
    return Decision("recorded", "referral" if candidate.via == "link" else "referral_code")
