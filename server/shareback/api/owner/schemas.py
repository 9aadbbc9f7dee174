"""The schemas of the owner API's documents, for /openapi.json."""

from __future__ import annotations

from shareback.api.owner.filters import SIDES
from shareback.api.owner.rewards import MAX_BULK, MAX_REASON
from shareback.api.owner.schema_kit import (
    BOOLEAN,
    COUNT,
    DATE,
    EMAIL,
    ID,
    INTEGER,
    NOT_BLANK,
    STRING,
    TIME,
    URL,
    Schema,
    array,
    enum,
    nullable,
    obj,
    page_of,
    ref,
)
from shareback.campaigns import (
    ATTRIBUTION_DAYS,
    DEFAULT_CURRENCY,
    DEFAULT_FULFILMENT,
    DEFAULT_PREFIX,
    FULFILMENTS,
    HOLD_DAYS,
    MAX_ORIGINS,
    MAX_TEXT,
    SLUG_PATTERN,
)
from shareback.code_pool import POOL_CODE
from shareback.fulfilment import METHODS
from shareback.order_value import NO_REWARD_REASONS
from shareback.rewards import REWARD_TYPES, STATUSES

CURRENCY: Schema = {"type": "string", "pattern": "^[A-Z]{3}$", "description": "ISO 4217"}
SLUG_SCHEMA: Schema = {"type": "string", "pattern": SLUG_PATTERN.pattern}
RATE = nullable({"type": "number", "description": "null when there is nothing to divide by"})
DECIMAL: Schema = {"type": "string", "pattern": r"^[0-9]+(\.[0-9]+)?$"}

MONEY = obj(
    {
        "amount_minor": {**COUNT, "description": "in the currency's minor unit (cents)"},
        "amount": {**DECIMAL, "description": 'a decimal string, e.g. "59.90"'},
        "currency": CURRENCY,
    },
    description="An amount of money, exact.",
)
SIGNED_MONEY = obj(
    {
        "amount_minor": {"type": "integer", "description": "in the currency's minor unit"},
        "amount": {"type": "string", "pattern": r"^-?[0-9]+(\.[0-9]+)?$"},
        "currency": CURRENCY,
    },
    description="An amount of money that may be below zero: a balance owing.",
)
REWARD_OFFER = obj(
    {"type": enum(REWARD_TYPES), "value": {**DECIMAL, "description": '"10" for 10 %, "5.00" for 5'}}
)
REWARD_INPUT = obj(
    {
        "type": enum(REWARD_TYPES),
        "value": {"type": ["string", "integer"], "description": 'a decimal string such as "5.00"'},
        "currency": {**CURRENCY, "description": "if given, the campaign's currency"},
    },
    optional=["currency"],
)
ORIGIN: Schema = {
    "type": "string",
    "description": "scheme://host[:port]",
    "examples": ["https://shop.example"],
}
CAMPAIGN_FIELDS: dict[str, Schema] = {
    "slug": {**SLUG_SCHEMA, "description": "data-campaign of the script tag; never changes"},
    "name": {"type": "string", "maxLength": MAX_TEXT},
    "shop_name": {"type": "string", "maxLength": MAX_TEXT},
    "landing_url": {**URL, "description": "http:// or https://; where referral links land"},
    "allowed_origins": array(ORIGIN, maxItems=MAX_ORIGINS),
    "currency": CURRENCY,
    "referrer_reward": ref("RewardInput"),
    "friend_reward": ref("RewardInput"),
    "attribution_days": {
        "type": "integer",
        "minimum": ATTRIBUTION_DAYS.lowest,
        "maximum": ATTRIBUTION_DAYS.highest,
    },
    "hold_days": {"type": "integer", "minimum": HOLD_DAYS.lowest, "maximum": HOLD_DAYS.highest},
    "min_order": {
        "type": ["string", "integer"],
        "description": "the smallest order, in the campaign's currency, that earns rewards "
        '(default: its smallest unit, "0.01" for EUR, so a zero-value order earns nothing; '
        '"0": every order earns); kept as the same amount, rounded up, when currency changes',
    },
    "new_customers_only": BOOLEAN,
    "starts_at": nullable(TIME),
    "ends_at": nullable({**TIME, "description": "after starts_at"}),
    "friend_fulfilment": {
        **enum(FULFILMENTS),
        "description": "how the friend gets their discount: link (through the ref), shared_code "
        "(friend_code for everyone), pool (an uploaded code each), generated (a new code each, "
        "announced as friend_code.issued)",
    },
    "friend_code": nullable(
        {
            "type": "string",
            "pattern": POOL_CODE.pattern,
            "description": "the code of shared_code; with pool or generated, the stand-in "
            "when no code can be issued",
        }
    ),
    "friend_code_prefix": {
        "type": "string",
        "pattern": "^[A-Za-z][A-Za-z0-9]{0,11}$",
        "description": "generated codes look like PREFIX-7KQ2XM (stored upper case)",
    },
    "validation_url": nullable(
        {
            **URL,
            "description": "the shop's endpoint that decides each due reward (2xx approve, 4xx "
            "revoke); null approves when the hold period ends",
        }
    ),
}
REWARD_FIELDS: dict[str, Schema] = {
    "id": ID,
    "campaign": STRING,
    "referral_id": ID,
    "order_id": STRING,
    "advocate_code": STRING,
    "side": enum(SIDES),
    "email": EMAIL,
    "type": enum(REWARD_TYPES),
    "value": DECIMAL,
    "amount": nullable(ref("Money")),
    "status": enum(STATUSES),
    "approve_after": TIME,
    "approved_at": nullable(TIME),
    "revoked_at": nullable(TIME),
    "revoke_reason": nullable(STRING),
    "clawed_back": {
        **nullable(ref("Money")),
        "description": "owed back after a refund or chargeback of an approved or fulfilled "
        "reward's order (never for the friend's checkout discount)",
    },
    "fulfilment": {
        **enum(METHODS),
        "description": "checkout: the friend's discount, fulfilled by the checkout itself; "
        "payout: cash in a payout batch; credit: the store-credit ledger; coupon: a single-use "
        "code; shop: the shop fulfils it (POST /api/v1/rewards/{id}/fulfil)",
    },
    "fulfilled_at": nullable(TIME),
    "created_at": TIME,
    "kind": {
        **enum(["referral", "milestone"]),
        "description": "referral: one friend's reward; milestone: the reward of a campaign "
        "milestone, booked on the referral that reached it (docs/milestones-and-tiers.md)",
    },
}
REASON: Schema = {"type": "string", "maxLength": MAX_REASON}
# Any whole number: one that is no reward's id is skipped (unknown_reward), not refused.
BULK_ID: Schema = {**INTEGER, "description": "a reward's id"}
DAILY = obj(
    {
        "date": DATE,
        "opens": COUNT,
        "shares": COUNT,
        "clicks": COUNT,
        "conversions": COUNT,
        "revenue": ref("Money"),
    }
)
CHANNEL_COUNTS: Schema = {"type": "object", "additionalProperties": COUNT}

SCHEMAS: dict[str, Schema] = {
    "Money": MONEY,
    "SignedMoney": SIGNED_MONEY,
    "RewardOffer": REWARD_OFFER,
    "RewardInput": REWARD_INPUT,
    "Campaign": obj(
        {
            "id": ID,
            **CAMPAIGN_FIELDS,
            "referrer_reward": ref("RewardOffer"),
            "friend_reward": ref("RewardOffer"),
            "min_order": {**DECIMAL, "description": "smallest order that earns rewards"},
            "archived_at": nullable(TIME),
            "created_at": nullable(TIME),
            "draft": {
                "type": "boolean",
                "description": "a draft's widget does not load and its orders earn nothing "
                "until it goes live in the dashboard",
            },
            "went_live_at": nullable(TIME),
            "validation_secret": nullable(
                {
                    **STRING,
                    "description": "whsec_…: verify the validation requests with it (null "
                    "without validation_url)",
                }
            ),
        }
    ),
    "CampaignList": obj({"data": array(ref("Campaign"))}),
    "CampaignInput": obj(
        {
            **CAMPAIGN_FIELDS,
            "draft": {
                **BOOLEAN,
                "description": "true: a draft, live after POST /api/v1/campaigns/{slug}/go-live",
            },
        },
        optional=[
            "draft",
            "shop_name",
            "allowed_origins",
            "currency",
            "attribution_days",
            "hold_days",
            "min_order",
            "new_customers_only",
            "starts_at",
            "ends_at",
            "friend_fulfilment",
            "friend_code",
            "friend_code_prefix",
            "validation_url",
        ],
        description=f"Defaults: currency {DEFAULT_CURRENCY}, allowed_origins the landing URL's "
        f"origin, attribution_days {ATTRIBUTION_DAYS.default}, hold_days {HOLD_DAYS.default}, "
        f"new_customers_only true, friend_fulfilment {DEFAULT_FULFILMENT}, friend_code_prefix "
        f"{DEFAULT_PREFIX}.",
    ),
    "CampaignChanges": obj(
        CAMPAIGN_FIELDS,
        optional=list(CAMPAIGN_FIELDS),
        description="Only the fields given change; starts_at, ends_at, friend_code and "
        "validation_url may be null to clear them. Changing currency applies to both rewards.",
    ),
    "CampaignStats": obj(
        {
            "campaign": STRING,
            "from": DATE,
            "to": DATE,
            "currency": CURRENCY,
            "counts": obj(
                {
                    "opens": COUNT,
                    "shares": COUNT,
                    "shares_by_channel": CHANNEL_COUNTS,
                    "clicks": COUNT,
                    "clicks_by_channel": CHANNEL_COUNTS,
                    "bot_clicks": COUNT,
                    "unique_visitors": COUNT,
                    "new_advocates": COUNT,
                    "sharing_advocates": COUNT,
                    "conversions": {
                        **COUNT,
                        "description": "referred orders kept: the same number as "
                        "referred_orders; fully refunded ones are refunded_conversions",
                    },
                    "refunded_conversions": COUNT,
                    "cohort_conversions": {
                        **COUNT,
                        "description": "conversions credited to the advocates who joined in "
                        "the range: k_factor is this per new advocate",
                    },
                    "referred_orders": COUNT,
                    "all_orders": COUNT,
                    "pending_rewards": COUNT,
                    "approved_rewards": COUNT,
                    "fulfilled_rewards": {
                        **COUNT,
                        "description": "rewards that reached their person: issued, credited, "
                        "paid, or given at the checkout",
                    },
                    "revoked_rewards": COUNT,
                }
            ),
            "money": obj(
                {
                    "revenue": ref("Money"),
                    "reward_cost": ref("Money"),
                    "referred_order_total": ref("Money"),
                    "all_order_total": ref("Money"),
                }
            ),
            "kpis": obj(
                {
                    "conversion_rate": RATE,
                    "share_rate": RATE,
                    "click_through": RATE,
                    "return_on_reward_spend": RATE,
                    "k_factor": {
                        **RATE,
                        "description": "the viral coefficient of the range's cohort: "
                        "cohort_conversions per new advocate (invitations per advocate times "
                        "conversions per invitation)",
                    },
                    "aov_referred": nullable(ref("Money")),
                    "aov_all": nullable(ref("Money")),
                }
            ),
            "funnel": array(
                obj({"step": enum(["opens", "shares", "clicks", "orders"]), "count": COUNT})
            ),
            "daily": array(DAILY, description="every day from..to, zeros included"),
        },
        description="Whole shop days from..to, both included: days cut at the shop's midnight "
        "(SHAREBACK_TIMEZONE, default UTC), the same days as the dashboard's, 23 or 25 hours "
        "long when the clocks change. Clicks are human clicks; link previews count as "
        "bot_clicks.",
    ),
    "Advocate": obj(
        {
            "id": ID,
            "campaign": STRING,
            "email": EMAIL,
            "name": nullable(STRING),
            "code": STRING,
            "coupon_code": nullable(
                {**STRING, "description": "the personal code for checkouts, e.g. ANNA10"}
            ),
            "link": URL,
            "verified": BOOLEAN,
            "clicks": COUNT,
            "referrals": COUNT,
            "created_at": TIME,
        }
    ),
    "AdvocatePage": page_of("Advocate"),
    "Referral": obj(
        {
            "id": ID,
            "campaign": STRING,
            "advocate": obj({"id": ID, "code": STRING, "email": EMAIL}),
            "friend_email": nullable(EMAIL),
            "order": obj(
                {
                    "source": STRING,
                    "id": STRING,
                    "total": ref("Money"),
                    "status": STRING,
                }
            ),
            "via": enum(["link", "code"]),
            "channel": nullable(STRING),
            "no_reward_reason": {
                **nullable(enum(NO_REWARD_REASONS)),
                "description": "why the referral earned no rewards: its order has no amount in "
                "the campaign's currency, or is below the campaign's min_order; null: it did",
            },
            "created_at": TIME,
        }
    ),
    "ReferralPage": page_of("Referral"),
    "Reward": obj(REWARD_FIELDS),
    "RewardChange": obj(
        {
            "from_status": enum(STATUSES),
            "to_status": enum(STATUSES),
            "reason": nullable(STRING),
            "actor": {**STRING, "description": "the API key (name and prefix) or dashboard user"},
            "at": TIME,
        }
    ),
    "RewardWithHistory": obj({**REWARD_FIELDS, "history": array(ref("RewardChange"))}),
    "RewardPage": page_of("Reward"),
    "ApproveReward": obj({"reason": nullable(REASON)}, optional=["reason"]),
    "RevokeReward": obj({"reason": {**REASON, "pattern": NOT_BLANK}}),
    "BulkRewardDecision": {
        "oneOf": [
            obj(
                {
                    "ids": array(BULK_ID, minItems=1, maxItems=MAX_BULK),
                    "action": {"const": "approve"},
                    "reason": nullable(REASON),
                },
                optional=["reason"],
            ),
            obj(
                {
                    "ids": array(BULK_ID, minItems=1, maxItems=MAX_BULK),
                    "action": {"const": "revoke"},
                    "reason": {**REASON, "pattern": NOT_BLANK, "description": "required to revoke"},
                }
            ),
            obj(
                {
                    "ids": array(BULK_ID, minItems=1, maxItems=MAX_BULK),
                    "action": {"const": "fulfil"},
                    "reason": nullable(REASON),
                },
                optional=["reason"],
            ),
        ]
    },
    "BulkRewardResult": obj(
        {
            "changed": array(ref("Reward")),
            "skipped": array(
                obj(
                    {
                        "id": INTEGER,
                        "code": enum(
                            [
                                "unknown_reward",
                                "reward_already_pending",
                                "reward_already_approved",
                                "reward_already_fulfilled",
                                "reward_already_revoked",
                                "reward_not_fulfilled_by_shop",
                            ]
                        ),
                        "message": STRING,
                    }
                )
            ),
        }
    ),
}
