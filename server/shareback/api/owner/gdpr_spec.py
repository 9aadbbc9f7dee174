"""A person's data requests (GDPR export and erasure) in /openapi.json."""

from __future__ import annotations

from typing import Any

from shareback.api.owner.schema_kit import (
    COUNT,
    EMAIL,
    STRING,
    Schema,
    array,
    body,
    obj,
    operation,
    param,
    ref,
    response,
)

SECTIONS = (
    "advocates",
    "links",
    "clicks",
    "uncounted_clicks",
    "events",
    "friend_codes",
    "referrals_as_advocate",
    "referrals_as_friend",
    "orders",
    "rewards",
    "fraud_decisions",
    "outgoing_events",
    "mail",
    "mail_language",
    "payout_accounts",
    "payouts",
    "credit",
    "experiments",
    "milestones",
)
ERASED = (
    "advocates",
    "links",
    "uncounted_clicks",
    "fraud_decisions",
    "orders",
    "referrals_as_friend",
    "rewards",
    "outgoing_events",
    "mail",
    "payout_accounts",
    "credit",
)
ROW: Schema = {"type": "object", "description": "the stored fields (PRIVACY.md lists them)"}

SCHEMAS: dict[str, Schema] = {
    "PersonData": obj(
        {
            "email": EMAIL,
            "note": STRING,
            **{name: array(ROW) for name in SECTIONS},
        },
        description="Everything kept about one person, found by their inbox key (case, +tags "
        "and Gmail's dots aside), in every campaign. Times are RFC 3339 UTC.",
    ),
    "PersonErasure": obj({"email": {**EMAIL, "maxLength": 254}}),
    "PersonErased": obj(
        {
            "email": EMAIL,
            "erased": obj(
                {name: {**COUNT, "description": "rows anonymised"} for name in ERASED},
                description="Rows are anonymised, not deleted (further links are): every "
                "statistic stays as it was.",
            ),
        }
    ),
}


def paths() -> dict[str, dict[str, Any]]:
    return {
        "/api/v1/gdpr/export": {
            "get": operation(
                "exportPersonData",
                "Everything kept about a person (GDPR article 15)",
                "privacy",
                {200: response("The person's data.", ref("PersonData"))},
                errors=[400],
                parameters=[
                    param(
                        "email",
                        "query",
                        {**EMAIL, "maxLength": 254},
                        "The person's e-mail address.",
                        required=True,
                    )
                ],
            )
        },
        "/api/v1/gdpr/delete": {
            "post": operation(
                "erasePersonData",
                "Erase a person's personal data (GDPR article 17); statistics stay the same",
                "privacy",
                {200: response("What was anonymised.", ref("PersonErased"))},
                errors=[400, 413, 415, 422],
                request_body=body(ref("PersonErasure")),
                description="Idempotent: a second call finds nothing more to erase. Their "
                "referral links stop working; their orders, referrals and rewards keep their "
                "amounts without their address or name.",
            )
        },
    }
