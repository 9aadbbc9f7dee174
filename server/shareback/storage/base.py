"""The storage interface: row types and the Store protocol whose methods are domain verbs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

from shareback.attribution import CampaignRules, Candidate
from shareback.kpis import RawStats
from shareback.rewards import RewardSpec


def to_db_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def from_db_time(text: str | None) -> datetime | None:
    if text is None:
        return None
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def db_time(text: str) -> datetime:
    """A NOT NULL time column."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@dataclass(frozen=True)
class CampaignDraft:
    slug: str
    name: str
    shop_name: str
    landing_url: str
    allowed_origins: tuple[str, ...]
    referrer_reward: RewardSpec
    friend_reward: RewardSpec
    attribution_days: int = 30
    hold_days: int = 14
    new_customers_only: bool = True
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    # How the friend gets their discount: "link", "shared_code", "pool" or "generated".
    friend_fulfilment: str = "link"
    friend_code: str | None = None  # the one code of "shared_code"; the fallback of the others
    friend_code_prefix: str = "WELCOME"  # "generated" codes look like WELCOME-7KQ2XM
    # The shop's endpoint that decides each due reward; its whsec_ secret signs what we send.
    validation_url: str | None = None
    validation_secret: str | None = None


@dataclass(frozen=True)
class Campaign(CampaignDraft):
    id: int = 0
    archived_at: datetime | None = None
    created_at: datetime | None = None

    @property
    def rules(self) -> CampaignRules:
        return CampaignRules(
            attribution_days=self.attribution_days,
            new_customers_only=self.new_customers_only,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            archived=self.archived_at is not None,
        )


@dataclass(frozen=True)
class Advocate:
    id: int
    campaign_id: int
    email: str
    email_key: str
    name: str | None
    code: str
    verified: bool
    created_at: datetime
    coupon_code: str | None = None


@dataclass(frozen=True)
class PaidOrder:
    source: str
    order_id: str
    email: str | None
    email_key: str | None
    total_minor: int
    currency: str
    paid_at: datetime
    name: str | None = None


@dataclass(frozen=True)
class RefundPart:
    """One refund of part of an order; `key` is the platform's own id for it, so it counts once."""

    key: str
    amount: Decimal  # in major units of the refund's currency: Decimal("10.00")


@dataclass(frozen=True)
class PartialRefund:
    """Money returned on part of an order. Refunds adding up to the whole total refund the order."""

    source: str
    order_id: str
    parts: tuple[RefundPart, ...]
    currency: str | None  # None: the order's own currency
    at: datetime
    # Each part's amount is everything refunded so far (Stripe's amount_refunded), not one refund.
    cumulative: bool = False


@dataclass(frozen=True)
class RewardRow:
    id: int
    side: str
    email: str
    type: str
    value: str
    currency: str
    amount_minor: int | None
    status: str
    approve_after: datetime
    revoke_reason: str | None = None


@dataclass(frozen=True)
class ReferralRow:
    id: int
    campaign_id: int
    advocate_id: int
    advocate_code: str
    order_id: str
    source: str
    via: str
    click_id: int | None
    rewards: tuple[RewardRow, ...] = field(default=())


@dataclass(frozen=True)
class Outcome:
    """The answer a webhook gives: recorded, duplicate or ignored, and why."""

    status: str
    reason: str
    referral_id: int | None = None
    revoked: int = 0
    reduced: int = 0
    clawed_back: int = 0

    def as_dict(self) -> dict[str, object]:
        body: dict[str, object] = {"status": self.status, "reason": self.reason}
        if self.referral_id is not None:
            body["referral_id"] = self.referral_id
        if self.revoked:
            body["rewards_revoked"] = self.revoked
        if self.reduced:
            body["rewards_reduced"] = self.reduced
        if self.clawed_back:
            body["rewards_clawed_back"] = self.clawed_back
        return body


@dataclass(frozen=True)
class AdminUser:
    id: int
    email: str
    password_hash: str
    created_at: datetime
    last_login_at: datetime | None


@dataclass(frozen=True)
class AdminSession:
    user: AdminUser
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True)
class ApiKey:
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


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


@dataclass(frozen=True)
class CampaignChanges:
    """Fields to change on a campaign; None leaves a field as it is."""

    name: str | None = None
    shop_name: str | None = None
    landing_url: str | None = None
    allowed_origins: tuple[str, ...] | None = None
    referrer_reward: RewardSpec | None = None
    friend_reward: RewardSpec | None = None
    attribution_days: int | None = None
    hold_days: int | None = None
    new_customers_only: bool | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    clear_starts_at: bool = False
    clear_ends_at: bool = False
    friend_fulfilment: str | None = None
    friend_code: str | None = None
    clear_friend_code: bool = False
    friend_code_prefix: str | None = None
    validation_url: str | None = None
    clear_validation_url: bool = False
    validation_secret: str | None = None  # kept if the campaign has one already


@dataclass(frozen=True)
class AdvocateSummary:
    id: int
    campaign_id: int
    campaign_slug: str
    email: str
    name: str | None
    code: str
    verified: bool
    created_at: datetime
    clicks: int
    referrals: int
    coupon_code: str | None = None


@dataclass(frozen=True)
class ReferralSummary:
    id: int
    campaign_id: int
    campaign_slug: str
    advocate_id: int
    advocate_code: str
    advocate_email: str
    friend_email: str | None
    order_source: str
    order_id: str
    order_total_minor: int
    currency: str
    order_status: str
    via: str
    channel: str | None
    created_at: datetime


@dataclass(frozen=True)
class RewardSummary:
    id: int
    referral_id: int
    campaign_id: int
    campaign_slug: str
    side: str
    email: str
    advocate_code: str
    order_id: str
    type: str
    value: str
    currency: str
    amount_minor: int | None
    status: str
    approve_after: datetime
    approved_at: datetime | None
    revoked_at: datetime | None
    revoke_reason: str | None
    created_at: datetime
    # Approved rewards whose order was refunded or charged back afterwards: minor units owed back
    # (None: nothing clawed back; for points and coupons, the whole reward, shown as 0).
    clawed_back_minor: int | None = None


@dataclass(frozen=True)
class RewardChange:
    reward_id: int
    from_status: str
    to_status: str
    reason: str | None
    actor: str
    at: datetime


@dataclass(frozen=True)
class LeaderRow:
    advocate_id: int
    code: str
    name: str | None
    email: str
    clicks: int
    conversions: int
    revenue_minor: int


@dataclass(frozen=True)
class ActivityItem:
    """One line of the live-ish feed: what happened, when, to whom (kind: joined, click, referral, reward)."""

    kind: str
    at: datetime
    advocate_code: str | None
    detail: str


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


@dataclass(frozen=True)
class WebhookEndpoint:
    id: int
    url: str
    events: tuple[str, ...]
    secret: str
    description: str
    created_at: datetime
    disabled_at: datetime | None


@dataclass(frozen=True)
class DueDelivery:
    """A delivery a worker holds the lease on: where to send what."""

    id: int
    attempts: int
    created_at: datetime
    message_id: str
    type: str
    payload: dict[str, Any]
    event_at: datetime
    url: str
    secret: str


@dataclass(frozen=True)
class DeliveryRow:
    id: int
    endpoint_id: int
    url: str
    message_id: str
    type: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime


@dataclass(frozen=True)
class DeliveryAttempt:
    at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int


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


@dataclass(frozen=True)
class CodeOwner:
    """Whose code an order carries: an advocate's referral or coupon code, or a friend's code
    (then the click the friend came through)."""

    advocate: Advocate
    kind: str  # "referral" | "coupon" | "friend"
    click_token: str | None = None


@dataclass(frozen=True)
class Referrer:
    """A match of the checkout's look-up: never more than the code and the name."""

    code: str
    name: str | None
    exact: bool


@dataclass(frozen=True)
class PoolUpload:
    added: int
    duplicates: int  # already in a pool, or twice in the upload
    conflicts: int  # an advocate's coupon code or a campaign's shared code: never a friend's
    remaining: int


@dataclass(frozen=True)
class PoolStatus:
    remaining: int
    issued: int


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


@dataclass(frozen=True)
class DueValidation:
    """A due reward a worker holds the lease on: what to ask the shop, where, signed with what."""

    reward_id: int
    attempts: int
    url: str
    secret: str
    payload: dict[str, Any]


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


class Store(
    AdminStore, ReportingStore, OwnerStore, OutboxStore, CodeStore, ValidationStore, Protocol
):
    async def close(self) -> None: ...

    async def migrate(self) -> list[str]: ...

    async def ping(self) -> None: ...

    async def keep_secrets(self, generated: Mapping[str, str]) -> dict[str, str]:
        """Stores the generated values of secrets not yet kept and returns the kept ones."""
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
        self, advocate_id: int, token: str, channel: str, ip_hash: str, device: str, at: datetime
    ) -> None: ...

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

    async def referral_for_order(self, source: str, order_id: str) -> ReferralRow | None: ...
