"""The Store protocol: its methods are domain verbs, the same for SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta, tzinfo
from typing import Any, Protocol

from shareback.attribution import Candidate
from shareback.credit import Redemption
from shareback.design import Design
from shareback.fraud import FraudRules
from shareback.kpis import RawStats
from shareback.loyalty.plan import LoyaltyPlan
from shareback.partners.terms import PartnerTerms, ProgrammeSettings
from shareback.payouts import PayoutAccount
from shareback.people_search import SearchTerms
from shareback.storage.contest_records import Contest, ContestEntries, NewContest
from shareback.storage.customer_store import CustomerStore, ImportStore
from shareback.storage.experiment_records import (
    Experiment,
    ExperimentChange,
    ExperimentNumbers,
    NewExperiment,
)
from shareback.storage.partner_records import (
    CommissionRow,
    Partner,
    PartnerStats,
    PartnerTouch,
    PayablePartner,
    Placement,
    Programme,
)
from shareback.storage.records import (
    ActivityItem,
    AdminSession,
    AdminUser,
    Advocate,
    AdvocatePage,
    AdvocateProfile,
    AdvocateSummary,
    ApiKey,
    BatchRefusal,
    Campaign,
    CampaignChanges,
    CampaignDraft,
    ClickLimit,
    CodeOwner,
    CreditBalance,
    DeliveryAttempt,
    DeliveryRow,
    DueDelivery,
    DueMail,
    DueValidation,
    Forgotten,
    FraudReview,
    Hits,
    Joined,
    JoinRequest,
    LeaderRow,
    LoyaltyStanding,
    MailAttempt,
    MailRow,
    MailSettings,
    MailTemplate,
    Outcome,
    PaidOrder,
    PartialRefund,
    PayableReward,
    PayoutBatch,
    PoolStatus,
    PoolUpload,
    RateCount,
    ReferralSummary,
    Referrer,
    RefundPart,
    RewardChange,
    RewardSummary,
    RolledUp,
    RollupRebuild,
    TwoFactorState,
    WebhookEndpoint,
    WidgetSighting,
)
from shareback.storage.score_store import ScoreStore
from shareback.storage.segment_records import SegmentStore, TargetingStore

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
    "Forgotten",
    "FraudReview",
    "FraudStore",
    "JoinRequest",
    "Joined",
    "LeaderRow",
    "OutboxStore",
    "Outcome",
    "OwnerStore",
    "PaidOrder",
    "PartialRefund",
    "PayoutStore",
    "PeopleStore",
    "PoolStatus",
    "PoolUpload",
    "PrivacyStore",
    "ReferralSummary",
    "Referrer",
    "RefundPart",
    "ReportingStore",
    "RewardChange",
    "RewardSummary",
    "RolledUp",
    "RollupRebuild",
    "Store",
    "ValidationStore",
    "WebhookEndpoint",
    "WidgetSighting",
]


class AdminStore(Protocol):
    """Admin users, their sessions and failed logins, and API keys."""

    async def create_admin_user(
        self, email: str, password_hash: str, at: datetime, role: str = "owner"
    ) -> AdminUser | None:
        """None when the e-mail address already has an account."""
        ...

    async def set_admin_role(self, user_id: int, role: str) -> bool: ...

    async def set_admin_locale(self, user_id: int, locale: str | None) -> bool:
        """The dashboard's language the user chose; None goes back to the browser's."""
        ...

    async def set_admin_password(self, email: str, password_hash: str) -> bool: ...

    async def admin_user(self, email: str) -> AdminUser | None: ...

    async def admin_user_by_id(self, user_id: int) -> AdminUser | None: ...

    async def admin_users(self) -> list[AdminUser]: ...

    async def delete_admin_user(self, user_id: int) -> bool: ...

    async def start_session(
        self, token_hash: str, user_id: int, csrf_token: str, at: datetime, expires_at: datetime
    ) -> None: ...

    async def session(self, token_hash: str, now: datetime) -> AdminSession | None: ...

    async def end_session(self, token_hash: str) -> None: ...

    async def count_login_attempt(
        self, keys: Sequence[str], since: datetime, at: datetime, limit: int
    ) -> bool:
        """Counts a sign-in attempt under each key, unless one already has `limit` attempts since
        `since` (then False, and nothing counted): atomic, checked before any password is."""
        ...

    async def clear_login_failures(self, key: str) -> None: ...

    async def create_api_key(
        self, name: str, prefix: str, key_hash: str, at: datetime, scope: str = "full"
    ) -> ApiKey: ...

    async def api_key(self, key_hash: str, at: datetime) -> ApiKey | None:
        """The active key with this hash, its last use stamped; None if unknown or revoked."""
        ...

    async def api_keys(self) -> list[ApiKey]: ...

    async def revoke_api_key(self, key_id: int, at: datetime) -> bool: ...


class TwoFactorStore(Protocol):
    """TOTP two-factor sign-in: enrolment, codes used once, recovery codes used once."""

    async def two_factor_state(self, user_id: int) -> TwoFactorState | None: ...

    async def begin_two_factor(self, user_id: int, pending_secret: str) -> bool: ...

    async def confirm_two_factor(
        self,
        user_id: int,
        pending_secret: str,
        step: int,
        recovery_hashes: Sequence[str],
        at: datetime,
    ) -> bool: ...

    async def replace_recovery_codes(
        self, user_id: int, recovery_hashes: Sequence[str], at: datetime
    ) -> bool: ...

    async def use_totp_step(self, user_id: int, step: int) -> bool:
        """True once per user and time step: a replayed or older code is refused."""
        ...

    async def use_recovery_code(self, user_id: int, code_hash: str, at: datetime) -> bool: ...

    async def reset_two_factor(self, user_id: int) -> bool: ...


class OwnerStore(Protocol):
    """What the owner's API and dashboard read and change. Lists page by id, newest first:
    pass the last id of a page as `before` to get the next one."""

    async def campaigns(self, include_archived: bool = False) -> list[Campaign]: ...

    async def create_campaign(self, draft: CampaignDraft) -> Campaign | None:
        """None when the slug is taken."""
        ...

    async def update_campaign(self, slug: str, changes: CampaignChanges) -> Campaign | None: ...

    async def archive_campaign(self, slug: str, at: datetime) -> Campaign | None: ...

    async def update_campaign_design(self, slug: str, look: Design) -> Campaign | None: ...

    async def update_campaign_loyalty(self, slug: str, loyalty: LoyaltyPlan) -> Campaign | None:
        """The campaign's cap, milestones and tiers (loyalty/plan.py)."""
        ...

    async def loyalty_standing(self, advocate_id: int) -> LoyaltyStanding | None:
        """The advocate's successful referrals, their friends' spend, tier and milestone awards."""
        ...

    async def go_live(self, slug: str, at: datetime) -> Campaign | None:
        """A draft goes live; a campaign already live is left as it is."""
        ...

    async def widget_sightings(self, campaign_id: int) -> list[WidgetSighting]:
        """Each site the widget loaded on, most recently seen first."""
        ...

    async def campaign_labels(self, campaign_id: int, lang: str) -> dict[str, str]:
        """The owner's own wording of the widget's labels in one language, by key."""
        ...

    async def set_campaign_labels(
        self, campaign_id: int, lang: str, labels: Mapping[str, str], at: datetime
    ) -> None:
        """Replaces the language's own labels; a key left out is the catalogue's again."""
        ...

    async def list_advocates(
        self,
        *,
        campaign_id: int | None = None,
        search: str | None = None,
        before: int | None = None,
        limit: int = 50,
    ) -> list[AdvocateSummary]:
        """Newest first; `search` as people_search.py has it (the start of an e-mail address or
        a code, any part of a name), the same search as find_advocates'."""
        ...

    async def list_referrals(
        self,
        *,
        campaign_id: int | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        before: int | None = None,
        limit: int = 50,
        advocate_id: int | None = None,
        status: str | None = None,
        channel: str | None = None,
        search: str | None = None,
    ) -> list[ReferralSummary]:
        """Newest first. `status`: one of people_search.ORDER_STATES; `channel`: the clicked
        link's channel, or "code" for a code typed at the checkout; `search`: the advocate (as
        list_advocates finds them), the start of the friend's e-mail address, or the order number."""
        ...

    async def list_rewards(
        self,
        *,
        status: str | None = None,
        side: str | None = None,
        campaign_id: int | None = None,
        before: int | None = None,
        limit: int = 50,
        advocate_id: int | None = None,
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


class PeopleStore(Protocol):
    """The dashboard's advocates list and profiles."""

    async def find_advocates(
        self,
        *,
        campaign_id: int | None = None,
        search: SearchTerms | None = None,
        sort: str = "newest",
        offset: int = 0,
        limit: int = 50,
    ) -> AdvocatePage:
        """`sort`: "newest", or "referred" (most referred orders first, only advocates with
        one). A search finds at most people_search.MAX_MATCHES people per way of matching; the
        page says when it found that many (capped)."""
        ...

    async def advocate_profile(self, advocate_id: int) -> AdvocateProfile | None: ...

    async def advocate_by_email(self, campaign_id: int, email_key: str) -> Advocate | None:
        """The campaign's advocate with this address (emails.email_key), as stored; None if
        the address never joined. Creates nothing (the advocate's page asks)."""
        ...


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
    # The shop's time zone the store was opened in (open_store's zone): its days are shop days.
    zone: tzinfo

    async def campaign_stats(self, campaign_id: int, start: datetime, end: datetime) -> RawStats:
        """Counts for [start, end); the day-by-day series by shop day. A range whose both ends
        are shop midnights reads the daily rollups; any other counts the raw rows."""
        ...

    async def rollups_zone(self) -> str:
        """The zone the daily rollups are cut in (UTC for rollups built before migration 0020)."""
        ...

    async def rebuild_rollups(self) -> RollupRebuild:
        """Recounts the daily rollups (click_days, event_days, visit_days and their counts,
        advocate_click_days) from the raw rows, cut in the store's zone, in one transaction.
        Rollup days whose raw clicks the retention setting already deleted keep the days they
        were counted in."""
        ...

    async def ensure_rollups_zone(self) -> RollupRebuild | None:
        """rebuild_rollups when the rollups were cut in another zone than the store's (the shop
        changed SHAREBACK_TIMEZONE); None when they already match. One process rebuilds."""
        ...

    async def delete_rolled_up_clicks(self, keep_days: int, now: datetime) -> RolledUp:
        """Deletes the raw clicks older than keep_days shop days (retention.oldest_click_day):
        never one inside the longest live attribution window, nor one a referral points to.
        Every such click is already in the daily rollups, so no number the owner sees changes."""
        ...


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
        verdict: str,  # "approved" | "fulfilled" (approved and given) | "revoked" | "retry"
        reason: str | None,
        retry_at: datetime | None,
        now: datetime,
    ) -> bool:
        """False when the lease was lost or the reward is no longer pending (refunded, decided)."""
        ...


class PrivacyStore(Protocol):
    """What keeps personal data short-lived: daily click-IP salts and forgetting what expired."""

    async def ip_salt_on(self, day: date) -> str | None:
        """The salt the clicks of that shop day were hashed with; None once it is deleted (no rule
        needs it any more: see retention.oldest_salt_day) or when that day had no click."""
        ...

    async def ip_salt_for(self, day: date) -> str:
        """The salt to hash a click of that shop day with, made the first time a day needs one."""
        ...

    async def forget_expired(self, now: datetime) -> Forgotten:
        """Deletes old salts and failed sign-ins past the throttle window; safe in every process."""
        ...

    async def person_data(self, email_key: str) -> dict[str, list[dict[str, Any]]]:
        """Everything kept about the person with this inbox key, section by section (rows as
        column → value, times as datetimes): for gdpr.export_document."""
        ...

    async def erase_person(self, email_key: str, at: datetime) -> dict[str, int]:
        """Anonymises every personal field of the person in one transaction (gdpr.py): no row
        is deleted but their further links, so every count the owner reads stays the same.
        Returns how many rows of each kind were changed."""


class SharedStateStore(Protocol):
    """What several processes on several machines share: rate-limit counters and the leases of
    the loops only one of them may run at a time."""

    async def count_hits(self, hits: Sequence[Hits]) -> list[RateCount]:
        """Adds the hits (one entry per name and key) and returns each key's counts after them.
        A hit past its key's window starts the next one (the stored count becoming the previous
        window's), or, two windows on, a window of its own with nothing before it."""
        ...

    async def busy_counts(
        self, name: str, now: int, window_seconds: int, limit: int
    ) -> list[RateCount]:
        """The keys of `name` whose count in their window and the one before may reach `limit`
        at `now`: those a limiter must refuse without counting a hit."""
        ...

    async def take_lease(self, name: str, holder: str, now: datetime, until: datetime) -> bool:
        """The lease is `holder`'s until `until` if it was free, lapsed (before `now`) or
        already theirs; False while someone else holds it."""
        ...

    async def release_lease(self, name: str, holder: str) -> None:
        """Gives the lease up (only the holder's own): another process may take it at once."""
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


class PayoutStore(Protocol):
    """Cash rewards paid by bank transfer: advocates' accounts, payout batches, paid batches."""

    async def set_payout_account(
        self, advocate_id: int, account: PayoutAccount, actor: str, at: datetime
    ) -> None: ...

    async def payout_account(self, advocate_id: int) -> PayoutAccount | None: ...

    async def payable_rewards(self, campaign_id: int | None = None) -> list[PayableReward]:
        """Approved cash rewards in no batch that still owe something, oldest approval first."""
        ...

    async def create_payout_batch(
        self,
        reward_ids: Sequence[int],
        actor: str,
        at: datetime,
        partner_ids: Sequence[int] = (),
    ) -> tuple[PayoutBatch | None, list[BatchRefusal]]:
        """A batch of the rewards (and partners' approved commissions) that can be paid; a reward
        or a commission is in at most one batch, ever, whoever makes batches at the same time.
        None (and every reason) when none can."""
        ...

    async def payable_partners(self) -> list[PayablePartner]: ...

    async def payout_batches(
        self, *, before: int | None = None, limit: int = 50
    ) -> list[PayoutBatch]: ...

    async def payout_batch(self, batch_id: int) -> PayoutBatch | None: ...

    async def mark_payout_batch_paid(
        self, batch_id: int, actor: str, at: datetime
    ) -> PayoutBatch | None:
        """Its rewards fulfilled, audited and announced, once; None unless the batch was open."""
        ...


class PartnerStore(Protocol):
    """Partner programmes (storage/sql/partners.py): programmes, partners, placements, clicks,
    commissions' numbers, approvals, payout accounts."""

    async def partner_programme(self, slug: str) -> Programme | None: ...

    async def partner_programme_by_id(self, programme_id: int) -> Programme | None: ...

    async def partner_programmes(self) -> list[Programme]: ...

    async def save_partner_programme(
        self,
        slug: str,
        campaign_id: int,
        settings: ProgrammeSettings,
        at: datetime,
        *,
        only_new: bool = False,
    ) -> Programme: ...

    async def add_partner(
        self,
        programme_id: int,
        email: str,
        name: str,
        status: str,
        actor: str,
        at: datetime,
        *,
        website: str | None = None,
        pitch: str | None = None,
    ) -> tuple[Partner, bool]: ...

    async def partner(self, partner_id: int) -> Partner | None: ...

    async def partner_by_code(self, code: str) -> Partner | None: ...

    async def partners_by_email(self, email_key: str) -> list[Partner]: ...

    async def list_partners(
        self, programme_id: int | None = None, status: str | None = None
    ) -> list[Partner]: ...

    async def decide_partner(
        self, partner_id: int, status: str, actor: str, at: datetime
    ) -> Partner | None: ...

    async def set_partner_terms(
        self, partner_id: int, terms: PartnerTerms, coupon_code: str | None
    ) -> Partner | None: ...

    async def add_partner_placement(
        self, partner_id: int, key: str, label: str, at: datetime
    ) -> None: ...

    async def partner_placements(self, partner_id: int) -> list[Placement]: ...

    async def record_partner_click(
        self,
        partner_id: int,
        placement: str,
        token: str,
        ip_hash: str,
        device: str,
        at: datetime,
    ) -> str: ...

    async def partner_click(self, token: str) -> tuple[int, str] | None: ...

    async def partner_stats(self, partner_id: int) -> PartnerStats: ...

    async def partner_commissions(
        self, partner_id: int, limit: int = 200
    ) -> list[CommissionRow]: ...

    async def approve_due_commissions(self, now: datetime) -> int: ...

    async def set_partner_account(
        self, partner_id: int, account: PayoutAccount, actor: str, at: datetime
    ) -> None: ...

    async def partner_account(self, partner_id: int) -> PayoutAccount | None: ...


class IssuingStore(Protocol):
    """Rewards issued on approval: each person's store-credit ledger, spent by the checkout, and
    the referrers' coupon codes."""

    async def credit_balance(self, email_key: str, currency: str) -> CreditBalance: ...

    async def redeem_credit(
        self,
        email_key: str,
        currency: str,
        amount_minor: int,
        idempotency_key: str,
        order_ref: str | None,
        actor: str,
        at: datetime,
        *,
        up_to_balance: bool = False,
    ) -> Redemption:
        """Spends credit once per key, never below a zero balance, under concurrent checkouts;
        up_to_balance: what the balance holds of the amount (a checkout that took it already)."""
        ...

    async def add_reward_codes(
        self, campaign_id: int, codes: list[str], at: datetime
    ) -> PoolUpload: ...

    async def reward_coupons(self, advocate_id: int) -> list[str]: ...


class MailStore(Protocol):
    """E-mails Shareback sends itself (mail/): settings, templates, the outbox, suppressions."""

    async def mail_settings(self, campaign_id: int) -> MailSettings: ...

    async def set_mail_settings(self, settings: MailSettings, at: datetime) -> None: ...

    async def mail_templates(self, campaign_id: int) -> list[MailTemplate]: ...

    async def set_mail_template(
        self, campaign_id: int, template: MailTemplate | None, journey: str, lang: str, at: datetime
    ) -> None:
        """Keeps the owner's template; None goes back to the default wording."""
        ...

    async def remember_mail_lang(self, email_key: str, lang: str, at: datetime) -> None: ...

    async def plan_mail(
        self,
        campaign_id: int,
        journey: str,
        dedupe_key: str,
        recipient: str,
        email_key: str,
        name: str | None,
        facts: dict[str, Any],
        at: datetime,
    ) -> bool:
        """A message to send; False when planned before (same key) or the journey is off."""
        ...

    async def plan_mail_reminders(self, now: datetime) -> int:
        """The one reminder to every advocate due one; how many were planned."""
        ...

    async def plan_mail_summaries(self, now: datetime) -> int:
        """Last week's summary to every owner, for campaigns that send it; how many planned."""
        ...

    async def claim_mail(
        self, worker: str, now: datetime, lease: timedelta, limit: int
    ) -> list[DueMail]: ...

    async def finish_mail(
        self,
        mail_id: int,
        worker: str,
        *,
        status: str,
        error: str | None,
        duration_ms: int,
        now: datetime,
        retry_at: datetime | None = None,
        message_id: str | None = None,
        subject: str | None = None,
        lang: str | None = None,
    ) -> bool: ...

    async def list_mail(
        self, *, status: str | None = None, before: int | None = None, limit: int = 50
    ) -> list[MailRow]: ...

    async def mail_attempts(self, mail_id: int) -> list[MailAttempt]: ...

    async def resend_mail(self, mail_id: int, now: datetime) -> bool: ...

    async def mail_counts(self) -> dict[str, int]: ...

    async def suppress_address(self, address_hash: str, reason: str, at: datetime) -> bool: ...

    async def is_suppressed(self, address_hash: str) -> bool: ...


class ExperimentStore(Protocol):
    """A/B experiments on a campaign (storage/sql/experiments.py)."""

    async def create_experiment(self, new: NewExperiment) -> Experiment:
        """A draft; ExperimentConflict when the campaign has one that is not stopped."""
        ...

    async def experiment(self, experiment_id: int) -> Experiment | None: ...

    async def experiments(self, campaign_id: int) -> list[Experiment]:
        """Newest first, stopped ones included."""
        ...

    async def current_experiment(self, campaign_id: int) -> Experiment | None: ...

    async def experiment_changes(self, experiment_id: int) -> list[ExperimentChange]: ...

    async def change_experiment(
        self,
        experiment_id: int,
        to_status: str,
        actor: str,
        at: datetime,
        *,
        result: dict[str, Any] | None = None,
        winner: str | None = None,
        roll_out: bool = False,
    ) -> Experiment:
        """Audited, with experiment.started / experiment.concluded; ExperimentTransition when
        the move is not allowed (nothing written)."""
        ...

    async def expose(
        self, experiment_id: int, advocate_id: int, variant: str, at: datetime
    ) -> None: ...

    async def exposure(self, experiment_id: int, advocate_id: int) -> str | None: ...

    async def campaign_copy(self, campaign_id: int) -> dict[str, Any]: ...

    async def experiment_numbers(self, experiment: Experiment) -> ExperimentNumbers: ...


class ContestStore(Protocol):
    """Contests (storage/sql/contests.py): entries counted from the referrals, prizes given once."""

    async def create_contest(self, new: NewContest, hold_days: int) -> Contest: ...

    async def contest(self, contest_id: int) -> Contest | None: ...

    async def contests(self, campaign_id: int) -> list[Contest]: ...

    async def current_contest(self, campaign_id: int, at: datetime) -> Contest | None: ...

    async def cancel_contest(self, contest_id: int, at: datetime) -> Contest | None:
        """None when it is settled already (or unknown)."""
        ...

    async def contest_entries(self, contest: Contest) -> ContestEntries: ...

    async def settle_due_contests(self, now: datetime) -> list[int]:
        """Gives the prizes of every contest past its hold period, once; the rewards made."""
        ...

    async def advocate_nickname(self, advocate_id: int) -> str | None: ...

    async def set_nickname(self, advocate_id: int, nickname: str | None) -> bool: ...


class Store(
    ScoreStore,
    CustomerStore,
    ImportStore,
    PartnerStore,
    ExperimentStore,
    ContestStore,
    IssuingStore,
    PayoutStore,
    AdminStore,
    MailStore,
    TwoFactorStore,
    ReportingStore,
    OwnerStore,
    PeopleStore,
    OutboxStore,
    CodeStore,
    ValidationStore,
    PrivacyStore,
    FraudStore,
    SharedStateStore,
    SegmentStore,
    TargetingStore,
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

    async def record_widget_seen(self, campaign_id: int, origin: str, at: datetime) -> None:
        """The snippet check: the first sighting is kept, the last moves on about hourly."""
        ...

    async def advocate_for(
        self,
        campaign_id: int,
        email: str,
        email_key: str,
        name: str | None,
        verified: bool,
        code_prefix: str,
        at: datetime,
        *,
        findable: bool | None = None,
    ) -> tuple[Advocate, bool]:
        """For trusted callers (demo data, tools): the address's advocate, opened or created;
        shoppers' joins go through join_campaign."""
        ...

    async def join_campaign(self, request: JoinRequest) -> Joined:
        """A shopper's join, by the rule of joining.access: their record created or opened, or a
        further link of the address's advocate that shows nothing stored."""
        ...

    async def advocate_by_code(self, code: str) -> Advocate | None:
        """Through a further link (joining.py): the advocate as that link shows them."""
        ...

    def clear_lookups(self) -> None:
        """Forgets the look-ups kept for a few seconds (advocate_by_code, campaign_by_id: see
        storage/lookups.py): the next call reads the database. The store's own writes do this;
        call it when another process changed a campaign or an advocate."""
        ...

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
        limit: ClickLimit | None = None,
    ) -> str:
        """The token the visitor's ref carries: `token`, or for a visitor who clicked this link
        already today, that first click's (counted once). Uncounted clicks are kept apart, only
        for the fraud rules to compare an order with. With a `limit`, the click is a hit under
        it, counted in the click's own transaction, and uncounted past it."""
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
        partner: PartnerTouch | None = None,
    ) -> Outcome:
        """partner: the partner the order is credited to (partners/attribution.py chose it over
        any customer referral); candidate is then None."""
        ...

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
