"""The storage's records: what the store's verbs take and return, the same for every engine."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from shareback.attribution import CampaignRules
from shareback.design import DEFAULT as DEFAULT_DESIGN
from shareback.design import Design
from shareback.loyalty.plan import NONE as NO_LOYALTY
from shareback.loyalty.plan import LoyaltyPlan
from shareback.payouts import PayoutAccount
from shareback.rewards import RewardSpec


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
    # The smallest order, in minor units of the campaign's currency, that earns rewards.
    min_order_minor: int = 1
    # The widget's look and texts (the dashboard's designer).
    design: Design = DEFAULT_DESIGN
    # A draft's widget does not load and its orders earn nothing, until the owner says "go live".
    draft: bool = False

    @property
    def currency(self) -> str:
        return self.referrer_reward.currency


@dataclass(frozen=True)
class Campaign(CampaignDraft):
    id: int = 0
    archived_at: datetime | None = None
    created_at: datetime | None = None
    went_live_at: datetime | None = None  # when a draft went live; None: created live
    # The cap, milestones and tiers (loyalty/plan.py); changed by its own verb, as the design is.
    loyalty: LoyaltyPlan = NO_LOYALTY

    @property
    def rules(self) -> CampaignRules:
        return CampaignRules(
            attribution_days=self.attribution_days,
            new_customers_only=self.new_customers_only,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            archived=self.archived_at is not None,
            draft=self.draft,
        )


@dataclass(frozen=True)
class WidgetSighting:
    """The widget loaded on this site (an allowed origin of the campaign): first and last."""

    origin: str
    first_seen_at: datetime
    last_seen_at: datetime


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
    # Chose to be found by name in the checkout's referrer look-up.
    findable: bool = False


@dataclass(frozen=True)
class JoinRequest:
    """A shopper asking for their link (POST /api/v1/advocates), as the API has checked it."""

    campaign_id: int
    email: str
    email_key: str
    name: str | None
    verified: bool  # the shop's signed identity matched the address as given
    code_prefix: str
    at: datetime
    findable: bool | None = None  # None: leave as it is


@dataclass(frozen=True)
class Joined:
    """What a join hands back: the advocate as the answer may show them, and how it went
    ("create", "open" or "new_link": joining.access)."""

    advocate: Advocate
    access: str


@dataclass(frozen=True)
class Forgotten:
    """What one round of forgetting deleted (Store.forget_expired)."""

    ip_salts: int
    login_failures: int
    uncounted_clicks: int
    rate_counts: int = 0  # rate-limit counters two windows old


@dataclass(frozen=True)
class RollupRebuild:
    """What Store.rebuild_rollups did: the zone the daily rollups are now cut in, from which moment
    they were counted again from the raw rows (None: all of them), and how many raw rows it read."""

    zone: str
    previous_zone: str
    recounted_from: datetime | None
    clicks: int
    events: int


@dataclass(frozen=True)
class RolledUp:
    """What one retention round deleted (Store.delete_rolled_up_clicks): raw clicks older than
    `before`, every one already counted in the daily rollups."""

    before: datetime | None
    clicks: int


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
    # The same total in a second currency, when the platform sends one: Shopify's shop or
    # presentment money, Stripe's currency_conversion, /webhooks/orders' data.shop_money.
    other_total_minor: int | None = None
    other_currency: str | None = None
    # Fraud facts the platform may send: its customer id, the buyer's IP (hashed only to compare
    # with the click's, never stored) and device class (visitors.device_class of the user agent).
    customer_id: str | None = None
    ip: str | None = None
    device: str | None = None
    # What the shop says it gave, in minor units of `currency`: the order's value before
    # discounts and the discounts themselves (the friend's checkout discount is recorded as that).
    subtotal_minor: int | None = None
    discount_minor: int | None = None
    credit_minor: int | None = None  # store credit the checkout spent (the webhook's word)


@dataclass(frozen=True)
class OrderVisit:
    """The click an order came through, beside the order's IP hashed with that click's day salt."""

    click_ip_hash: str
    click_device: str
    order_ip_hash: str


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
class Outcome:
    """The answer a webhook gives: recorded, duplicate or ignored, and why."""

    status: str
    reason: str
    referral_id: int | None = None
    revoked: int = 0
    reduced: int = 0
    clawed_back: int = 0
    credit_redeemed: str | None = None  # store credit spent by the order, "5.00"

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
        if self.credit_redeemed is not None:
            body["credit_redeemed"] = self.credit_redeemed
        return body


@dataclass(frozen=True)
class AdminUser:
    id: int
    email: str
    password_hash: str
    created_at: datetime
    last_login_at: datetime | None
    # shareback.auth.roles.Role's value; every user before roles existed is an owner.
    role: str = "owner"
    # Signing in asks for a TOTP code after the password (the secret itself stays in storage).
    two_factor: bool = False
    # The dashboard's language this user chose (i18n.LOCALES); None: their browser's, else the shop's.
    locale: str | None = None


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
    # "read" (GET only) or "full".
    scope: str = "full"


@dataclass(frozen=True)
class TwoFactorState:
    """A user's TOTP secrets: the one in force, and one being enrolled (until a code confirms it)."""

    secret: str | None
    pending_secret: str | None
    recovery_codes_left: int


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
    min_order_minor: int | None = None


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
    # Why the referral earned no rewards (currency_mismatch, below_minimum_order); None: it did.
    no_reward_reason: str | None = None
    refunded_minor: int = 0  # of the order's total: partial refunds, or all of it


@dataclass(frozen=True)
class AdvocateRow:
    """One advocate in the dashboard's list, with what they did."""

    id: int
    campaign_id: int
    campaign_slug: str
    email: str
    name: str | None
    code: str
    coupon_code: str | None
    created_at: datetime
    shares: int
    clicks: int
    referrals: int  # referred orders
    rewards: int  # the advocate's own rewards, revoked ones not counted
    rewards_minor: int  # their amounts, in the campaign's currency
    currency: str
    tier: str | None = None  # their loyalty tier's key (loyalty/tiers.py)


@dataclass(frozen=True)
class AdvocatePage:
    rows: list[AdvocateRow]
    # The search found more people than it shows (people_search.MAX_MATCHES per way of matching).
    capped: bool = False
    # A name's middle was looked for among the newest people_search.NAME_SCAN advocates only.
    names_in_part: bool = False


@dataclass(frozen=True)
class AdvocateProfile:
    """What an advocate's page shows beside their referrals and rewards (listed on their own)."""

    advocate: Advocate
    campaign_slug: str
    link_codes: tuple[str, ...]  # further links (advocate_links)
    friend_codes: tuple[str, ...]  # friends' codes issued through their link
    clicks_by_channel: tuple[tuple[str, int], ...]  # most first; bots not counted
    shares_by_channel: tuple[tuple[str, int], ...]
    mails: tuple[MailRow, ...]  # newest first


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
    # How it reaches its person (fulfilment.METHODS), when it did, and with what.
    fulfilment: str = "shop"
    fulfilled_at: datetime | None = None
    fulfilled_ref: str | None = None
    kind: str = "referral"  # or "milestone" (loyalty/milestones.py)


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


@dataclass(frozen=True)
class DueValidation:
    """A due reward a worker holds the lease on: what to ask the shop, where, signed with what."""

    reward_id: int
    attempts: int
    url: str
    secret: str
    payload: dict[str, Any]


@dataclass(frozen=True)
class RewardFacts:
    """One reward with its referral, order and advocate: everything an event about it tells."""

    reward_id: int
    side: str
    status: str
    recipient_email: str
    type: str
    value: str
    currency: str
    amount_minor: int | None
    approve_after: datetime
    revoke_reason: str | None
    referral_id: int
    via: str
    campaign_slug: str
    advocate_code: str
    advocate_coupon_code: str | None
    advocate_email: str
    advocate_name: str | None
    friend_email: str | None
    friend_name: str | None
    order_id: str
    order_source: str
    order_total_minor: int
    order_currency: str
    fulfilment: str = "shop"
    fulfilled_at: datetime | None = None
    fulfilled_ref: str | None = None
    kind: str = "referral"  # or "milestone" (loyalty/milestones.py)


@dataclass(frozen=True)
class FraudReview:
    """One verdict of the fraud rules on a referral, and the review queue's answer to it."""

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
    referral_id: int | None  # None when refused: no referral was recorded
    verdict: str  # "paid" | "review" | "refused"
    reasons: tuple[str, ...]
    decided_at: datetime
    review_verdict: str | None = None  # "approved" | "rejected", by reviewed_by
    reviewed_by: str | None = None
    review_note: str | None = None
    reviewed_at: datetime | None = None


@dataclass(frozen=True)
class Hits:
    """Hits to count under one rate limit's key at the moment `at` (Unix seconds)."""

    name: str
    key: str
    at: int
    window_seconds: int
    hits: int


@dataclass(frozen=True)
class RateCount:
    """A key's count as the database holds it after a round: `hits` in the window starting at
    `window_start` (Unix seconds; a key's windows follow each other from its first hit),
    `prev_hits` in the window just before it."""

    name: str
    key: str
    window_start: int
    hits: int
    prev_hits: int


@dataclass(frozen=True)
class PayableReward:
    """An approved cash reward in no payout batch yet: what it still owes, and where to."""

    reward_id: int
    campaign_slug: str
    advocate_id: int
    advocate_code: str
    email: str
    currency: str
    amount_minor: int | None
    clawed_back_minor: int
    approved_at: datetime | None
    account: PayoutAccount | None  # None: the owner has not entered the advocate's account yet


@dataclass(frozen=True)
class PayoutItem:
    reward_id: int
    advocate_code: str
    email: str
    amount_minor: int
    account: PayoutAccount


@dataclass(frozen=True)
class PayoutBatch:
    id: int
    currency: str
    total_minor: int
    status: str  # "open" (made, maybe exported) | "paid" (its rewards fulfilled)
    created_by: str
    created_at: datetime
    paid_by: str | None
    paid_at: datetime | None
    items: tuple[PayoutItem, ...] = ()


@dataclass(frozen=True)
class BatchRefusal:
    """A reward the batch could not take, and why (payouts.REFUSALS)."""

    reward_id: int
    reason: str


@dataclass(frozen=True)
class CreditEntry:
    id: int
    amount_minor: int  # positive: a reward's credit; negative: spent at a checkout
    kind: str  # "reward" | "redemption" | "clawback" (a clawed-back reward's credit, negative)
    reward_id: int | None
    idempotency_key: str | None
    order_ref: str | None
    created_at: datetime


@dataclass(frozen=True)
class CreditBalance:
    email_key: str
    currency: str
    balance_minor: int
    entries: tuple[CreditEntry, ...]


@dataclass(frozen=True)
class ClickLimit:
    """A rate limit a referral click is counted under in its own transaction (the per-address
    click limit): the click is a hit on `key` (a keyed hash, ratelimit.keyed) of the limit
    `name`, and is counted as a click while the key's sliding count, with it, is within `limit`
    hits per `window_seconds`."""

    name: str
    key: str
    window_seconds: int
    limit: int


@dataclass(frozen=True)
class NewClick:
    """One referral click on its way into a group-committed batch (storage/sql/clicks.py)."""

    advocate_id: int
    token: str
    channel: str
    ip_hash: str
    device: str
    at: datetime
    visitor: str | None
    counted: bool
    limit: ClickLimit | None = None


@dataclass(frozen=True)
class MailSettings:
    """A campaign's e-mail settings (mail/); a campaign without a row has journeys.defaults()."""

    campaign_id: int
    sender: str | None  # 'Shop <hello@shop.example>'; None: SHAREBACK_EMAIL_FROM
    lang: str  # the language when the shopper's is unknown
    journeys: tuple[str, ...]  # the journeys this campaign sends
    reminder_days: int  # days after joining before the one reminder to share


@dataclass(frozen=True)
class MailTemplate:
    """The owner's wording of one journey in one language (Jinja2 in a sandbox)."""

    journey: str
    lang: str
    subject: str
    text_body: str
    html_body: str


@dataclass(frozen=True)
class DueMail:
    """A planned message a sender has claimed: who, which journey, and the facts to show."""

    id: int
    campaign_id: int
    journey: str
    recipient: str
    email_key: str
    name: str | None
    facts: dict[str, Any]
    attempts: int
    created_at: datetime
    contact_lang: str | None  # the shopper's language, when the widget has seen it


@dataclass(frozen=True)
class MailRow:
    """One message in the dashboard's mail log."""

    id: int
    campaign_id: int
    journey: str
    recipient: str
    status: str  # pending, sent, dead, suppressed, skipped
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    message_id: str | None
    subject: str | None
    lang: str | None
    sent_at: datetime | None
    created_at: datetime


@dataclass(frozen=True)
class MailAttempt:
    at: datetime
    error: str | None
    duration_ms: int


@dataclass(frozen=True)
class MilestoneAward:
    """A milestone an advocate reached (`friends`: the n-th successful friend) and its reward;
    withdrawn when a refund took the count below it ("revoked" or "clawed_back")."""

    friends: int
    reward_id: int
    referral_id: int
    awarded_at: datetime
    withdrawn_at: datetime | None
    withdrawn_reason: str | None
    reward_status: str
    reward_type: str
    reward_value: str
    currency: str


@dataclass(frozen=True)
class LoyaltyStanding:
    """An advocate's loyalty facts (loyalty/progress.py makes the widget's object of them)."""

    campaign_id: int
    friends_converted: int
    spend_minor: int
    tier: str | None
    tier_changed_at: datetime | None
    milestones: tuple[MilestoneAward, ...]
