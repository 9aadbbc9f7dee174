"""Fraud rules, their verdicts and the review queue in /openapi.json."""

from __future__ import annotations

from typing import Any

from shareback import fraud
from shareback.api.owner.fraud import MAX_NOTE
from shareback.api.owner.schema_kit import (
    BOOLEAN,
    EMAIL,
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
    page_of,
    param,
    ref,
    response,
)
from shareback.api.owner.schemas import MONEY, SLUG_SCHEMA
from shareback.api.owner.spec import CAMPAIGN_QUERY, paging

SLUG_PATH = param("slug", "path", SLUG_SCHEMA, "The campaign's slug.")
DECISION_PATH = param("decision_id", "path", ID, "The fraud decision's id.")
ACTION = enum(fraud.ACTIONS, description="allow: the rule is off; review: held for a person")
RULES: dict[str, Schema] = {
    "similar_email": {
        **ACTION,
        "description": "the friend's mailbox looks like the advocate's "
        "(NFKC, Unicode confusables, +tags and Gmail dots)",
    },
    "same_customer": {
        **ACTION,
        "description": "the order's customer id is on the advocate's own orders",
    },
    "same_ip_device": {
        **ACTION,
        "description": "the order's IP (hashed) and device match the click's",
    },
    "disposable_email": {**ACTION, "description": "the friend's domain is a throwaway one"},
    "velocity": {**ACTION, "description": "the advocate's referrals today reach daily_limit"},
    "daily_limit": {
        "type": "integer",
        "minimum": 0,
        "maximum": fraud.MAX_DAILY_LIMIT,
        "description": "0: no limit",
    },
    "reward_cap": {
        "type": "integer",
        "minimum": 0,
        "maximum": fraud.MAX_REWARD_CAP,
        "description": "rewarded referrals per advocate, past which a referral is refused; 0: none",
    },
}
REASONS = enum(
    ["passed", "self_referral", *fraud.REASONS.values(), "reward_cap"],
    description="the rules that fired, refusing ones first",
)

SCHEMAS: dict[str, Schema] = {
    "FraudRules": obj({"campaign": STRING, **RULES}),
    "FraudRulesChanges": obj(RULES, optional=RULES),
    "FraudDecision": obj(
        {
            "id": ID,
            "campaign": STRING,
            "advocate": obj({"id": ID, "code": STRING, "email": EMAIL}),
            "friend_email": nullable(EMAIL),
            "order": obj({"source": STRING, "id": STRING, "total": MONEY}),
            "referral_id": nullable({**ID, "description": "null when refused"}),
            "verdict": enum(fraud.VERDICTS),
            "reasons": array(REASONS),
            "decided_at": TIME,
            "awaiting_review": BOOLEAN,
            "review": nullable(
                obj(
                    {
                        "verdict": enum(fraud.REVIEW_VERDICTS),
                        "by": STRING,
                        "note": nullable(STRING),
                        "at": TIME,
                    }
                )
            ),
        }
    ),
    "FraudDecisionPage": page_of("FraudDecision"),
    "FraudReviewInput": obj(
        {
            "verdict": enum(fraud.REVIEW_VERDICTS),
            "note": {**STRING, "maxLength": MAX_NOTE, "description": "required to reject"},
        },
        optional=["note"],
    ),
}


def paths() -> dict[str, dict[str, Any]]:
    return {
        "/api/v1/campaigns/{slug}/fraud-rules": {
            "get": operation(
                "getFraudRules",
                "The campaign's fraud rules",
                "fraud",
                {200: response("The rules in force.", ref("FraudRules"))},
                errors=[404],
                parameters=[SLUG_PATH],
            ),
            "patch": operation(
                "changeFraudRules",
                "Change the campaign's fraud rules (the fields given)",
                "fraud",
                {200: response("The rules as changed.", ref("FraudRules"))},
                errors=[400, 404, 413, 415, 422],
                parameters=[SLUG_PATH],
                request_body=body(ref("FraudRulesChanges")),
            ),
        },
        "/api/v1/fraud-decisions": {
            "get": operation(
                "listFraudDecisions",
                "Every verdict of the fraud rules, newest first",
                "fraud",
                {200: response("A page of decisions.", ref("FraudDecisionPage"))},
                errors=[400, 404],
                parameters=[
                    CAMPAIGN_QUERY,
                    param("verdict", "query", enum(fraud.VERDICTS), "Only this verdict."),
                    param(
                        "awaiting_review",
                        "query",
                        BOOLEAN,
                        "Only the review queue: doubtful referrals nobody has decided.",
                    ),
                    *paging("fraud-decisions"),
                ],
            )
        },
        "/api/v1/fraud-decisions/{decision_id}": {
            "get": operation(
                "getFraudDecision",
                "One verdict with its reasons and review",
                "fraud",
                {200: response("The decision.", ref("FraudDecision"))},
                errors=[404],
                parameters=[DECISION_PATH],
            )
        },
        "/api/v1/fraud-decisions/{decision_id}/review": {
            "post": operation(
                "reviewFraudDecision",
                "Approve or reject a doubtful referral, saying why",
                "fraud",
                {200: response("The decision with its review.", ref("FraudDecision"))},
                errors=[400, 404, 409, 413, 415, 422],
                parameters=[DECISION_PATH],
                request_body=body(ref("FraudReviewInput")),
                description="Approved: its rewards wait out the hold as usual. Rejected: its "
                "pending rewards are revoked (reason fraud_review). 409 not_awaiting_review "
                "once decided.",
            )
        },
    }
