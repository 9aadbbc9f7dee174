"""The advocate's own page in /openapi.json: POST /api/v1/advocates/account and its document."""

from __future__ import annotations

from typing import Any

from shareback.api.owner.schema_kit import (
    COUNT,
    EMAIL,
    INTEGER,
    STRING,
    TIME,
    URL,
    Schema,
    array,
    body,
    enum,
    nullable,
    obj,
    operation,
    ref,
    response,
)
from shareback.api.owner.schemas import SLUG_SCHEMA
from shareback.portal.account import LABELS

WORDED = {**STRING, "description": "in the answer's language"}

SCHEMAS: dict[str, Schema] = {
    "AccountRequest": {
        **obj(
            {
                "campaign": {**SLUG_SCHEMA, "maxLength": 64},
                "email": {**EMAIL, "maxLength": 254},
                "user_hash": {
                    **STRING,
                    "pattern": "^[0-9a-fA-F]{64}$",
                    "description": "the shop's signed identity of `email` (as for joinCampaign)",
                },
                "lang": nullable(enum(["nl", "en"])),
            },
            optional=["campaign", "email", "user_hash", "lang"],
            description="With email and user_hash (and campaign): the shop's signed-in "
            "shopper. Without them: the session the e-mailed link to /advocate started (its "
            "cookie).",
        ),
        "dependentRequired": {
            "email": ["campaign", "user_hash"],
            "user_hash": ["campaign", "email"],
        },
    },
    "AdvocateAccount": obj(
        {
            "campaign": STRING,
            "shop": STRING,
            "lang": STRING,
            "name": nullable({**STRING, "description": "the advocate's first name"}),
            "link": URL,
            "code": STRING,
            "coupon_code": nullable(STRING),
            "link_codes": {**array(STRING), "description": "the advocate's further links' codes"},
            "reward_coupons": {
                **array(STRING),
                "description": "the codes the advocate's rewards were issued as",
            },
            "clicks": array(obj({"channel": STRING, "label": WORDED, "clicks": COUNT})),
            "clicks_total": COUNT,
            "friends": array(
                obj(
                    {
                        "friend": {
                            **STRING,
                            "description": 'masked, never the address: "j***@g***.com"',
                        },
                        "state": enum(["paid", "partly_refunded", "refunded"]),
                        "state_text": WORDED,
                        "day": WORDED,
                        "ordered_at": TIME,
                    }
                )
            ),
            "rewards": array(
                obj(
                    {
                        "id": INTEGER,
                        "kind": {
                            **enum(["referral", "milestone"]),
                            "description": "a friend's order, or a milestone's bonus",
                        },
                        "type": STRING,
                        "amount": nullable({**STRING, "description": "decimal, for money"}),
                        "currency": STRING,
                        "status": enum(["pending", "approved", "fulfilled", "revoked"]),
                        "description": WORDED,
                        "state": WORDED,
                        "when": WORDED,
                        "created_at": TIME,
                    }
                )
            ),
            "credit": nullable(obj({"balance": STRING, "currency": STRING, "text": WORDED})),
            "loyalty": {
                **nullable(ref("LoyaltyState")),
                "description": "the loyalty object of joinCampaign's answer (tier, next_tier, "
                "next_milestone, cap), when the campaign has a loyalty plan",
            },
            "tier_text": nullable(WORDED),
            "progress": {
                **array(STRING),
                "description": 'the way to the next milestone and tier: "Nog 2 vrienden tot € 25"',
            },
            "labels": obj({key: WORDED for key in LABELS}),
            "contest": {
                **nullable(
                    obj(
                        {
                            "title": STRING,
                            "state": STRING,
                            "ends_text": WORDED,
                            "you_text": WORDED,
                            "leaders": array(
                                obj({"rank": INTEGER, "name": STRING, "friends_text": WORDED})
                            ),
                        }
                    )
                ),
                "description": "the campaign's contest on view (docs/contests.md), worded: the "
                "board's masked names and the advocate's own place",
            },
        }
    ),
}


def paths(preflight: Any) -> dict[str, dict[str, Any]]:
    return {
        "/api/v1/advocates/account": {
            "post": operation(
                "showAdvocateAccount",
                "The advocate's own page: link, codes, clicks, friends, rewards, credit, tier",
                "widget",
                {200: response("The advocate's page, worded in `lang`.", ref("AdvocateAccount"))},
                errors=[400, 401, 403, 404, 413, 415, 422, 429],
                request_body=body(ref("AccountRequest")),
                secured=False,
                description="Opened by the shop's signed identity (the widget's account view) "
                "or by the session cookie the e-mailed magic link sets (GET /advocate/open); "
                "an address alone opens nothing. Friends are masked; no answer carries "
                "another person's e-mail address. 404 not_an_advocate when the signed-in "
                "shopper has no link yet; 401 not_signed_in without identity or session.",
            ),
            "options": preflight("preflightAdvocateAccount"),
        }
    }
