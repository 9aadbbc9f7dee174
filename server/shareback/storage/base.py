"""The Store protocol: its methods are domain verbs, the same for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Protocol

from shareback.attribution import Candidate
from shareback.fraud import FraudRules
from shareback.kpis import RawStats
from shareback.storage.records import (
    ActivityItem,
    AdminSession,
    AdminUser,
    Advocate,
    AdvocateSummary,
    ApiKey,
    Campaign,
    CampaignChanges,
    CampaignDraft,
    CodeOwner,
    DeliveryAttempt,
    DeliveryRow,
    DueDelivery,
    DueValidation,
    FraudReview,
    LeaderRow,
    Outcome,
    PaidOrder,
    PartialRefund,
    PoolStatus,
    PoolUpload,
    ReferralSummary,
    Referrer,
    RefundPart,
    RewardChange,
    RewardSummary,
    WebhookEndpoint,
)

# Re-exported while the adapters move their imports to storage.records.
__all__ = [
    "ActivityItem",
    "AdminSession",
    "AdminStore",
    "AdminUser",
    "Advocate",
    "AdvocateSummary",
    "ApiKey",
    "Campaign",
    "CampaignChanges",
    "CampaignDraft",
    "CodeOwner",
    "CodeStore",
    "DeliveryAttempt",
    "DeliveryRow",
    "DueDelivery",
    "DueValidation",
    "FraudReview",
    "FraudStore",
    "LeaderRow",
    "OutboxStore",
    "Outcome",
    "OwnerStore",
    "PaidOrder",
    "PartialRefund",
    "PoolStatus",
    "PoolUpload",
    "ReferralSummary",
    "Referrer",
    "RefundPart",
    "ReportingStore",
    "RewardChange",
    "RewardSummary",
    "Store",
    "ValidationStore",
    "WebhookEndpoint",
]


class AdminStore(Protocol):
    """Admin users, their sessions and failed logins, and API keys."""

    async def create_admin_user(
        self, email: str, password_hash: str, at: datetime
    ) -> AdminUser | None:
        """None when the e-mail address already has an account."""
        ...

    async def set_admin_password(self, email: str, password_hash: str) -> bool: ...

    async def admin_user(self, email: str) -> AdminUser | None: ...

    async def admin_users(self) -> list[AdminUser]: ...

    async def delete_admin_user(self, user_id: int) -> bool: ...

    async def start_session(
        self, token_hash: str, user_id: int, csrf_token: str, at: datetime, expires_at: datetime
    ) -> None: ...

    async def session(self, token_hash: str, now: datetime) -> AdminSession | None: ...

    async def end_session(self, token_hash: str) -> None: ...

    async def record_login_failure(self, key: str, at: datetime) -> None: ...

    async def login_failures_since(self, key: str, since: datetime) -> int: ...

    async def clear_login_failures(self, key: str) -> None: ...

    async def create_api_key(
        self, name: str, prefix: str, key_hash: str, at: datetime
    ) -> ApiKey: ...

    async def api_key(self, key_hash: str, at: datetime) -> ApiKey | None:
        """The active key with this hash, its last use stamped; None if unknown or revoked."""
        ...

    async def api_keys(self) -> list[ApiKey]: ...

    async def revoke_api_key(self, key_id: int, at: datetime) -> bool: ...


class OwnerStore(Protocol):
    """What the owner's API and dashboard read and change. Lists page by id, newest first:
    pass the last id of a page as `before` to get the next one."""

    async def campaigns(self, include_archived: bool = False) -> list[Campaign]: ...

    async def create_campaign(self, draft: CampaignDraft) -> Campaign | None:
        """None when the slug is taken."""
        ...

    async def update_campaign(self, slug: str, changes: CampaignChanges) -> Campaign | None: ...

    async def archive_campaign(self, slug: str, at: datetime) -> Campaign | None: ...

    async def list_advocates(
        self,
        *,
        campaign_id: int | None = None,
        search: str | None = None,
        before: int | None = None,
        limit: int = 50,
    ) -> list[AdvocateSummary]: ...

    async def list_referrals(
        self,
        *,
        campaign_id: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        before: int | None = None,
        limit: int = 50,
    ) -> list[ReferralSummary]: ...

    async def list_rewards(
        self,
        *,
        status: str | None = None,
        side: str | None = None,
        campaign_id: int | None = None,
        before: int | None = None,
        limit: int = 50,
    ) -> list[RewardSummary]: ...

    async def reward(self, reward_id: int) -> RewardSummary | None: ...

    async def reward_history(self, reward_id: int) -> list[RewardChange]: ...

    async def change_rewards(
        self, reward_ids: list[int], to_status: str, reason: str | None, actor: str, at: datetime
    ) -> tuple[list[RewardSummary], list[int]]:
        """Moves each reward that may make the move (pending → approved/revoked), recording who and
        why, in one transaction. Returns (changed rewards, ids that could not move)."""
        ...

    async def leaderboard(
        self, campaign_id: int, start: datetime, end: datetime, limit: int = 10
    ) -> list[LeaderRow]: ...

    async def activity(self, campaign_id: int | None, limit: int = 30) -> list[ActivityItem]: ...


class OutboxStore(Protocol):
    """Outgoing webhooks. Events themselves are written by the other methods, in their transactions."""

    async def create_endpoint(
        self, url: str, events: tuple[str, ...], secret: str, description: str, at: datetime
    ) -> WebhookEndpoint: ...

    async def endpoints(self) -> list[WebhookEndpoint]: ...

    async def disable_endpoint(self, endpoint_id: int, at: datetime) -> bool: ...

    async def claim_deliveries(
        self, worker: str, now: datetime, lease: timedelta, limit: int
    ) -> list[DueDelivery]: ...

    async def finish_delivery(
        self,
        delivery_id: int,
        worker: str,
        *,
        delivered: bool,
        status_code: int | None,
        error: str | None,
        duration_ms: int,
        retry_at: datetime | None,
        now: datetime,
    ) -> bool: ...

    async def list_deliveries(
        self,
        *,
        status: str | None = None,
        endpoint_id: int | None = None,
        before: int | None = None,
        limit: int = 50,
    ) -> list[DeliveryRow]: ...

    async def delivery_attempts(self, delivery_id: int) -> list[DeliveryAttempt]: ...

    async def redeliver(self, delivery_id: int, now: datetime) -> bool: ...

    async def queue_sizes(self) -> dict[tuple[str, str], int]: ...


class ReportingStore(Protocol):
    async def campaign_stats(
        self, campaign_id: int, start: datetime, end: datetime
    ) -> RawStats: ...


class CodeStore(Protocol):
    """Codes typed at checkouts: advocates' coupon codes, friends' codes, the referrer look-up."""

    async def code_owner(self, code: str) -> CodeOwner | None:
        """`code` as normalised by codes.normalize_code or codes.normalize_coupon."""
        ...

    async def find_referrers(self, campaign_id: int, query: str, limit: int) -> list[Referrer]:
        """Exact codes first, then name prefixes of advocates who have shared or been clicked."""
        ...

    async def friend_code_for_click(self, click_token: str) -> str | None: ...

    async def issue_friend_code(
        self, campaign: Campaign, advocate_id: int, click_token: str, at: datetime
    ) -> str | None:
        """The click's code, drawn from the pool or generated once; None when the pool is empty."""
        ...

    async def add_pool_codes(
        self, campaign_id: int, codes: list[str], at: datetime
    ) -> PoolUpload: ...

    async def pool_status(self, campaign_id: int) -> PoolStatus: ...


class ValidationStore(Protocol):
    """The reward validation callback's queue: due pending rewards of campaigns that have one."""

    async def claim_validations(
        self, worker: str, now: datetime, lease: timedelta, limit: int
    ) -> list[DueValidation]: ...

    async def finish_validation(
        self,
        reward_id: int,
        worker: str,
        *,
        verdict: str,  # "approved" | "revoked" | "retry"
        reason: str | None,
        retry_at: datetime | None,
        now: datetime,
    ) -> bool:
        """False when the lease was lost or the reward is no longer pending (refunded, decided)."""
        ...


class FraudStore(Protocol):
    """Each campaign's fraud rules, their verdicts, and the review queue of doubtful referrals."""

    async def fraud_rules(self, campaign_id: int) -> FraudRules: ...

    async def set_fraud_rules(self, campaign_id: int, rules: FraudRules, at: datetime) -> None: ...

    async def fraud_decisions(
        self,
        *,
        campaign_id: int | None = None,
        verdict: str | None = None,
        awaiting_review: bool = False,
        reviewed: bool = False,
        before: int | None = None,
        limit: int = 50,
    ) -> list[FraudReview]:
        """Newest first; awaiting_review: the doubtful referrals nobody has decided yet;
        reviewed: those somebody has."""
        ...

    async def fraud_decision(self, decision_id: int) -> FraudReview | None: ...

    async def review_referral(
        self, decision_id: int, verdict: str, note: str | None, actor: str, at: datetime
    ) -> FraudReview | None:
        """verdict "approved" or "rejected" (its pending rewards revoked), recorded with who and
        why; None unless the decision is a doubtful referral still waiting."""
        ...


class Store(
    AdminStore,
    ReportingStore,
    OwnerStore,
    OutboxStore,
    CodeStore,
    ValidationStore,
    FraudStore,
    Protocol,
):
    async def close(self) -> None: ...

    async def migrate(self) -> list[str]: ...

    async def ping(self) -> None: ...

    async def keep_secrets(self, generated: Mapping[str, str]) -> dict[str, str]:
        """Stores the generated values of secrets not yet kept and returns the kept ones."""
        ...

    async def ip_salt_on(self, day: date) -> str | None:
        """The salt of the click-IP hashes made on `day`; None once it is deleted."""
        ...

    async def ensure_campaign(self, draft: CampaignDraft) -> Campaign: ...

    async def configure_campaign(
        self,
        slug: str,
        *,
        landing_url: str | None = None,
        allowed_origins: tuple[str, ...] | None = None,
        shop_name: str | None = None,
    ) -> None:
        """Sets the given fields of a campaign; None leaves a field as it is."""
        ...

    async def campaign(self, slug: str) -> Campaign | None: ...

    async def campaign_by_id(self, campaign_id: int) -> Campaign | None: ...

    async def embed_origins(self) -> frozenset[str]: ...

    async def advocate_for(
        self,
        campaign_id: int,
        email: str,
        email_key: str,
        name: str | None,
        verified: bool,
        code_prefix: str,
        at: datetime,
    ) -> tuple[Advocate, bool]: ...

    async def advocate_by_code(self, code: str) -> Advocate | None: ...

    async def record_click(
        self,
        advocate_id: int,
        token: str,
        channel: str,
        ip_hash: str,
        device: str,
        at: datetime,
        *,
        visitor: str | None = None,
        counted: bool = True,
    ) -> str:
        """The token the visitor's ref carries: `token`, or for a visitor who clicked this link
        already today, that first click's (counted once). Uncounted clicks are kept apart, only
        for the fraud rules to compare an order with."""
        ...

    async def record_event(
        self,
        campaign_id: int,
        advocate_id: int | None,
        type: str,
        channel: str | None,
        at: datetime,
    ) -> None: ...

    async def record_paid_order(
        self,
        message_id: str,
        order: PaidOrder,
        candidate: Candidate | None,
        no_candidate_reason: str,
    ) -> Outcome: ...

    async def record_refund(
        self, message_id: str, source: str, order_id: str, at: datetime, reason: str = "refund"
    ) -> Outcome:
        """The whole order is lost (reason "refund" or "chargeback"): its pending rewards are
        revoked, its approved ones get a clawback."""
        ...

    async def record_partial_refund(self, message_id: str, refund: PartialRefund) -> Outcome:
        """Pending rewards worth a share of the order shrink to the share not refunded."""
        ...

    async def approve_due_rewards(self, now: datetime) -> int: ...
