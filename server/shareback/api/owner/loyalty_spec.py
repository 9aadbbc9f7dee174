"""Loyalty in /openapi.json: the campaign's plan (cap, milestones, tiers), an advocate's standing,
and the `loyalty` object of the widget's answer (loyalty/progress.py)."""

from __future__ import annotations

from typing import Any

from shareback.api.owner.schema_kit import (
    COUNT,
    ID,
    STRING,
    TIME,
    Schema,
    array,
    body,
    enum,
    nullable,
    obj,
    operation,
    param,
    ref,
    response,
)
from shareback.api.owner.schemas import SLUG_SCHEMA
from shareback.loyalty import plan
from shareback.rewards import REWARD_TYPES, STATUSES

TAG = "loyalty"
DOC = "docs/milestones-and-tiers.md"


def offer(kinds: tuple[str, ...]) -> Schema:
    return obj({"type": enum(kinds), "value": STRING})


AMOUNT = obj({"amount": STRING, "currency": STRING})
PROGRESS_REWARD = obj(
    {
        "type": enum(REWARD_TYPES),
        "amount": {**STRING, "description": 'money as "25.00"; points or a gift as given'},
        "currency": STRING,
    }
)
NAMED = obj({"key": STRING, "name": STRING})
LEVEL = obj(
    {
        "key": {**STRING, "pattern": plan.TIER_KEY.pattern},
        "name": {**STRING, "maxLength": plan.MAX_TIER_NAME},
        "from": {
            "anyOf": [
                {"type": "integer", "minimum": 0, "maximum": plan.MAX_CAP},
                {"type": "string", "pattern": r"^[0-9]+(\.[0-9]+)?$"},
            ],
            "description": "the threshold: successful friends (basis referrals, a whole number) "
            'or what the friends spent net of refunds (basis spend, an amount such as "250.00")',
        },
        "referrer_reward": nullable(
            {
                **offer(REWARD_TYPES),
                "description": "the tier's per-friend reward (null: the campaign's)",
            }
        ),
        "friend_reward": nullable(
            {
                **offer(tuple(k for k in REWARD_TYPES if k != "cash")),
                "description": "the offer for this tier's friends (null: the campaign's)",
            }
        ),
    },
    optional=["referrer_reward", "friend_reward"],
)
SCHEMAS: dict[str, Schema] = {
    "LoyaltyPlan": obj(
        {
            "cap": nullable(
                {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": plan.MAX_CAP,
                    "description": "no per-friend referrer reward past this many successful "
                    "friends (the friend still gets their offer); null: no cap",
                }
            ),
            "milestones": {
                **array(
                    obj(
                        {
                            "friends": {
                                "type": "integer",
                                "minimum": 1,
                                "description": "awarded at the n-th successful friend (at most "
                                "the cap)",
                            },
                            "reward": offer(plan.MILESTONE_TYPES),
                        }
                    ),
                    maxItems=plan.MAX_MILESTONES,
                ),
                "description": "each awarded once per advocate; withdrawn (revoked, or clawed "
                "back once if approved) when a refund takes the count below it",
            },
            "tiers": obj(
                {
                    "basis": enum(plan.BASES),
                    "demotion": {
                        **enum(plan.DEMOTIONS),
                        "description": "promotion is at once; on_refund: a refund below the "
                        "threshold demotes at once; never: a tier once reached is kept",
                    },
                    "levels": {
                        **array(LEVEL, maxItems=plan.MAX_TIERS),
                        "description": "from the lowest up, each starting above the one before",
                    },
                },
                optional=["basis", "demotion", "levels"],
            ),
        },
        optional=["cap", "milestones", "tiers"],
        description=f"A campaign's loyalty plan ({DOC}).",
    ),
    "LoyaltyState": obj(
        {
            "friends_converted": {**COUNT, "description": "successful referrals so far"},
            "tier": nullable(NAMED),
            "next_tier": nullable(
                obj(
                    {
                        "key": STRING,
                        "name": STRING,
                        "friends_needed": nullable(
                            {**COUNT, "description": "null when tiers go by spend"}
                        ),
                        "spend_needed": {**AMOUNT, "description": "when tiers go by spend"},
                    },
                    optional=["spend_needed"],
                )
            ),
            "next_milestone": nullable(
                obj(
                    {"friends_needed": {"type": "integer", "minimum": 1}, "reward": PROGRESS_REWARD}
                )
            ),
            "cap": nullable({"type": "integer", "minimum": 1}),
        },
        description="The advocate's loyalty state; the widget words it (\"nog 2 vrienden tot "
        '€ 25").',
    ),
}
SCHEMAS["AdvocateLoyalty"] = obj(
    {
        **SCHEMAS["LoyaltyState"]["properties"],
        "spend": AMOUNT,
        "tier_changed_at": nullable(TIME),
        "milestones": array(
            obj(
                {
                    "friends": {"type": "integer", "minimum": 1},
                    "reward_id": ID,
                    "referral_id": ID,
                    "reward": PROGRESS_REWARD,
                    "reward_status": enum(STATUSES),
                    "awarded_at": TIME,
                    "withdrawn_at": nullable(TIME),
                    "withdrawn_reason": nullable(enum(["revoked", "clawed_back"])),
                }
            )
        ),
    },
    description="An advocate's standing: the widget's loyalty object, their friends' spend, "
    "and every milestone award, withdrawn ones too, oldest first.",
)


def paths() -> dict[str, dict[str, Any]]:
    slug = param("slug", "path", SLUG_SCHEMA, "The campaign's slug.")
    advocate = param("advocate_id", "path", ID, "The advocate's id.")
    return {
        "/api/v1/campaigns/{slug}/loyalty": {
            "get": operation(
                "getLoyaltyPlan",
                "A campaign's cap, milestones and tiers",
                TAG,
                {200: response("The plan.", ref("LoyaltyPlan"))},
                errors=[404],
                parameters=[slug],
            ),
            "put": operation(
                "setLoyaltyPlan",
                "Set a campaign's cap, milestones and tiers ({} clears them)",
                TAG,
                {200: response("The plan as stored.", ref("LoyaltyPlan"))},
                errors=[400, 404, 413, 415, 422],
                parameters=[slug],
                request_body=body(ref("LoyaltyPlan")),
                description="What advocates earned stays: a new milestone is awarded with the "
                "next friend's order, a tier follows the next order or refund.",
            ),
        },
        "/api/v1/advocates/{advocate_id}/loyalty": {
            "get": operation(
                "getAdvocateLoyalty",
                "An advocate's successful friends, tier, progress and milestone awards",
                TAG,
                {200: response("The standing.", ref("AdvocateLoyalty"))},
                errors=[404],
                parameters=[advocate],
            )
        },
    }
