"""The events Shareback POSTs to webhook endpoints, as /openapi.json's `webhooks` (OpenAPI 3.1):
one schema per payload builder of outgoing/events.py, in the envelope outgoing/worker.py sends."""

from __future__ import annotations

from typing import Any

from shareback.api.owner.schema_kit import (
    BOOLEAN,
    EMAIL,
    ID,
    STRING,
    TIME,
    URL,
    Schema,
    array,
    body,
    enum,
    nullable,
    obj,
    ref,
    response,
)
from shareback.fulfilment import METHODS
from shareback.outgoing.retry import EVENT_TYPES
from shareback.rewards import REWARD_TYPES, STATUSES

MONEY = nullable({**STRING, "description": 'in major units, e.g. "59.90"; null if not money'})
DESCRIPTIONS = obj({"en": STRING, "nl": STRING}, description="The reward worded for people.")
# After a person's data is erased (GDPR), events still waiting to be sent carry null in place of
# their code and address, and no link.
ADVOCATE_FIELDS: dict[str, Schema] = {
    "code": nullable({**STRING, "description": "null once the advocate's data is erased"}),
    "coupon_code": nullable({**STRING, "description": "the advocate's personal checkout code"}),
    "email": nullable({**EMAIL, "description": "null once the advocate's data is erased"}),
    "name": nullable(STRING),
    "link": {**URL, "description": "the advocate's referral link"},
}

SCHEMAS: dict[str, Schema] = {
    "EventAdvocate": obj(ADVOCATE_FIELDS, optional=["link"]),
    "AdvocateEventData": obj(
        {
            "campaign": STRING,
            "advocate": obj({**ADVOCATE_FIELDS, "verified": BOOLEAN}, optional=["link"]),
        }
    ),
    "ReferralEventData": obj(
        {
            "campaign": STRING,
            "referral": obj({"id": ID, "via": enum(["link", "code"])}),
            "advocate": ref("EventAdvocate"),
            "friend": obj({"email": nullable(EMAIL), "name": nullable(STRING)}),
            "order": obj({"id": STRING, "source": STRING, "total": STRING, "currency": STRING}),
        }
    ),
    "EventReward": obj(
        {
            "id": ID,
            "side": enum(["referrer", "friend"]),
            "status": enum(STATUSES),
            "recipient": obj({"email": nullable(EMAIL), "name": nullable(STRING)}),
            "type": enum(REWARD_TYPES),
            "value": STRING,
            "currency": STRING,
            "amount": MONEY,
            "description": DESCRIPTIONS,
            "approve_after": TIME,
            "revoke_reason": nullable(STRING),
            "fulfilment": {
                **enum(METHODS),
                "description": "how it reaches its person: checkout (the friend's discount, "
                "given by the checkout itself), payout (a bank transfer in a payout batch), "
                "credit (the store-credit ledger), coupon (a single-use code), shop (the shop "
                "fulfils it and says so)",
            },
            "fulfilled_at": nullable({**TIME, "description": "when it was issued or paid"}),
            "coupon_code": nullable(
                {
                    **STRING,
                    "description": "a coupon reward's single-use code, once issued: create it "
                    "in the checkout (reward.fulfilled)",
                }
            ),
            "kind": {
                **enum(["referral", "milestone"]),
                "description": "referral: the reward of one friend's order; milestone: a "
                "campaign milestone's (the n-th successful friend; docs/milestones-and-tiers.md)",
            },
        }
    ),
    "FriendCodeEventData": obj(
        {
            "campaign": STRING,
            "friend_code": obj(
                {
                    "code": STRING,
                    "single_use": {"const": True},
                    "issued_at": TIME,
                    "reward": obj(
                        {
                            "type": enum(REWARD_TYPES),
                            "value": STRING,
                            "currency": STRING,
                            "description": DESCRIPTIONS,
                        }
                    ),
                }
            ),
            "advocate": ref("EventAdvocate"),
        }
    ),
    "PoolExhaustedEventData": obj(
        {
            "campaign": STRING,
            "remaining": {"const": 0},
            "fallback_code": nullable({**STRING, "description": "the campaign's friend_code"}),
        }
    ),
}
TIER = obj({"key": STRING, "name": STRING})
SCHEMAS["TierChangedEventData"] = obj(
    {
        "campaign": STRING,
        "advocate": obj({**ADVOCATE_FIELDS, "verified": BOOLEAN}, optional=["link"]),
        "tier": nullable({**TIER, "description": "the tier now; null: none"}),
        "previous_tier": nullable({**TIER, "description": "the tier before; null: none"}),
        "direction": enum(["promoted", "demoted"]),
        "friends_converted": {"type": "integer", "minimum": 0},
        "changed_at": TIME,
    }
)
SCHEMAS["PayoutBatchEventData"] = obj(
    {
        "payout_batch": obj(
            {
                "id": ID,
                "status": enum(["open", "paid"]),
                "currency": STRING,
                "total": STRING,
                "transfers": {"type": "integer", "minimum": 1},
                "created_at": TIME,
                "paid_at": nullable(TIME),
            }
        ),
        "rewards": array(
            obj(
                {
                    "id": ID,
                    "advocate_code": nullable(STRING),
                    "email": nullable(EMAIL),
                    "amount": STRING,
                }
            )
        ),
    },
    description="Who is paid what; account numbers never leave Shareback.",
)
REFERRAL_FIELDS: dict[str, Schema] = SCHEMAS["ReferralEventData"]["properties"]
SCHEMAS["RewardEventData"] = obj({**REFERRAL_FIELDS, "reward": ref("EventReward")})
SCHEMAS["ClawbackEventData"] = obj(
    {
        **REFERRAL_FIELDS,
        "reward": ref("EventReward"),
        "clawback": obj({"reason": STRING, "amount": MONEY}),
    }
)

DATA: dict[str, tuple[str, str]] = {
    "advocate.created": ("AdvocateEventData", "A shopper became an advocate."),
    "advocate.updated": ("AdvocateEventData", "An advocate got a coupon code later."),
    "advocate.tier_changed": (
        "TierChangedEventData",
        "An advocate was promoted or demoted to another loyalty tier.",
    ),
    "referral.converted": ("ReferralEventData", "A friend's order was credited to an advocate."),
    "reward.created": ("RewardEventData", "A reward is pending (one per side of a referral)."),
    "reward.approved": ("RewardEventData", "A reward's hold ended or the owner approved it."),
    "reward.fulfilled": (
        "RewardEventData",
        "A reward reached its person: the friend's discount at the checkout, a payout paid, "
        "credit added, a coupon code issued, or the shop's word.",
    ),
    "reward.revoked": ("RewardEventData", "A reward was revoked (a refund, or the owner)."),
    "reward.clawed_back": (
        "ClawbackEventData",
        "An approved reward's order was refunded or charged back: what is owed back.",
    ),
    "friend_code.issued": ("FriendCodeEventData", "A friend was given a code to create."),
    "friend_code.pool_exhausted": (
        "PoolExhaustedEventData",
        "The last code of the campaign's pool went; friends get the fallback code now.",
    ),
    "payout_batch.created": (
        "PayoutBatchEventData",
        "The owner made a payout batch of approved cash rewards (to export and pay).",
    ),
    "payout_batch.paid": (
        "PayoutBatchEventData",
        "A payout batch was marked paid: its rewards are fulfilled (reward.fulfilled each).",
    ),
    "experiment.started": ("ExperimentEventData", "An A/B experiment started."),
    "experiment.concluded": (
        "ExperimentEventData",
        "An A/B experiment was stopped: its winner, whether it was rolled out, and its result.",
    ),
}
assert set(DATA) == set(EVENT_TYPES), "every event type needs its schema"


def event_name(event_type: str) -> str:
    """reward.clawed_back -> RewardClawedBackEvent"""
    words = event_type.replace(".", "_").split("_")
    return "".join(word.capitalize() for word in words) + "Event"


SCHEMAS.update(
    {
        event_name(event_type): obj(
            {"type": {"const": event_type}, "timestamp": TIME, "data": ref(data)},
            description=meaning,
        )
        for event_type, (data, meaning) in DATA.items()
    }
)

SIGNATURE_HEADERS = [
    {"name": name, "in": "header", "required": True, "schema": STRING, "description": meaning}
    for name, meaning in (
        ("webhook-id", "The message's id (msg_…): the same on every retry, so dedupe on it."),
        ("webhook-timestamp", "Unix seconds of this attempt."),
        ("webhook-signature", "v1,<base64 HMAC-SHA256> under the endpoint's whsec_ secret."),
    )
]


def webhooks() -> dict[str, dict[str, Any]]:
    """One entry per event type: the POST Shareback makes to each endpoint that wants it."""
    return {
        event_type: {
            "post": {
                "operationId": f"on{event_name(event_type)}",
                "summary": meaning,
                "tags": ["outgoing webhooks"],
                "description": "Signed per Standard Webhooks; retried with backoff until a 2xx, "
                "so the same webhook-id can arrive more than once.",
                "parameters": SIGNATURE_HEADERS,
                "requestBody": body(ref(event_name(event_type))),
                "responses": {
                    "2XX": response("Received; any 2xx stops the retries."),
                    "default": response("Anything else is retried later.", None),
                },
            }
        }
        for event_type, (_, meaning) in DATA.items()
    }
