"""The owner API's operations in /openapi.json; their schemas are in schemas.py."""

from __future__ import annotations

from typing import Any

from shareback.api.owner.filters import SIDES
from shareback.api.owner.paging import DEFAULT_LIMIT, MAX_LIMIT, cursor_pattern
from shareback.api.owner.schema_kit import (
    BOOLEAN,
    DATE,
    ID,
    STRING,
    TIME,
    YEAR_1970_TO_9998,
    Schema,
    body,
    enum,
    operation,
    param,
    ref,
    response,
)
from shareback.api.owner.schemas import SLUG_SCHEMA
from shareback.channels import CHANNELS
from shareback.people_search import ORDER_STATES
from shareback.rewards import STATUSES

SLUG_PATH = param("slug", "path", SLUG_SCHEMA, "The campaign's slug.")
REWARD_PATH = param("reward_id", "path", ID, "The reward's id.")
CAMPAIGN_QUERY = param("campaign", "query", SLUG_SCHEMA, "Only this campaign (archived ones too).")


def paging(kind: str) -> list[dict[str, Any]]:
    """?cursor= and ?limit= of the list `kind` (its cursors name it: see paging.cursor_pattern)."""
    return [
        param(
            "cursor",
            "query",
            {"type": "string", "pattern": cursor_pattern(kind)},
            "next_cursor of the previous page, as it came.",
        ),
        param(
            "limit",
            "query",
            {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
            "Rows per page.",
        ),
    ]


MOMENT: Schema = {
    "anyOf": [
        {**DATE, "pattern": YEAR_1970_TO_9998},
        {**TIME, "pattern": YEAR_1970_TO_9998},
    ]
}
SINCE_UNTIL = [
    param("since", "query", MOMENT, "ISO 8601 date or time, inclusive (UTC if no offset)."),
    param("until", "query", MOMENT, "ISO 8601 time, exclusive; a bare date includes that day."),
]
SEARCH_DOC = (
    "The start of an e-mail address or of a referral, coupon or friend's code, or any part "
    "of a name; case and accents do not matter. Finds at most 1,000 people each way."
)
REFERRAL_QUERY = [
    CAMPAIGN_QUERY,
    *SINCE_UNTIL,
    param(
        "status",
        "query",
        enum(ORDER_STATES),
        "Only referrals whose order is paid, partly refunded or refunded.",
    ),
    param(
        "channel",
        "query",
        enum(sorted(CHANNELS)),
        "Only referrals through a link shared this way (code: a code typed at the checkout).",
    ),
    param(
        "search",
        "query",
        {"type": "string", "maxLength": 200},
        "The advocate (as the advocates' search finds them), the start of the friend's e-mail "
        "address, or the order number.",
    ),
]
REWARD_QUERY = [
    param("status", "query", enum(STATUSES), "Only rewards in this status."),
    param("side", "query", enum(SIDES), "Only the referrer's or the friend's rewards."),
    CAMPAIGN_QUERY,
]
ADVOCATE_QUERY = [
    CAMPAIGN_QUERY,
    param("search", "query", {"type": "string", "maxLength": 200}, SEARCH_DOC),
]
CSV = {
    "type": "string",
    "description": "UTF-8 CSV with a byte-order mark and a header row, every cell quoted; a "
    "quote goes before anything a spreadsheet would run as a formula (= + - @) at the start of "
    "a cell or after any list separator (, ; tab |), so the file stays data in every locale.",
}


def csv_export(name: str, operation_id: str, parameters: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "get": operation(
            operation_id,
            f"Export {name} as CSV (streamed, newest first)",
            "exports",
            {200: response(f"Every {name[:-1]} matching the filters.", CSV, media_type="text/csv")},
            errors=[400, 404],
            parameters=parameters,
        )
    }


def paths() -> dict[str, dict[str, Any]]:
    ok = response
    return {
        "/api/v1/campaigns": {
            "get": operation(
                "listCampaigns",
                "List campaigns",
                "campaigns",
                {200: ok("The campaigns, oldest first.", ref("CampaignList"))},
                errors=[400],
                parameters=[param("include_archived", "query", BOOLEAN, "Include archived ones.")],
            ),
            "post": operation(
                "createCampaign",
                "Create a campaign",
                "campaigns",
                {201: ok("Created.", ref("Campaign"), headers={"Location": {"schema": STRING}})},
                errors=[400, 409, 413, 415, 422],
                request_body=body(ref("CampaignInput")),
            ),
        },
        "/api/v1/campaigns/{slug}": {
            "get": operation(
                "getCampaign",
                "Get a campaign",
                "campaigns",
                {200: ok("The campaign.", ref("Campaign"))},
                errors=[404],
                parameters=[SLUG_PATH],
            ),
            "patch": operation(
                "updateCampaign",
                "Change a campaign",
                "campaigns",
                {200: ok("The campaign as changed.", ref("Campaign"))},
                errors=[400, 404, 409, 413, 415, 422],
                parameters=[SLUG_PATH],
                request_body=body(ref("CampaignChanges")),
            ),
        },
        "/api/v1/campaigns/{slug}/archive": {
            "post": operation(
                "archiveCampaign",
                "Archive a campaign (its links stop working; idempotent)",
                "campaigns",
                {200: ok("The archived campaign.", ref("Campaign"))},
                errors=[404],
                parameters=[SLUG_PATH],
            )
        },
        "/api/v1/campaigns/{slug}/go-live": {
            "post": operation(
                "goLive",
                "Make a draft campaign live (its widget loads, its orders earn; idempotent)",
                "campaigns",
                {200: ok("The live campaign.", ref("Campaign"))},
                errors=[404, 409],
                parameters=[SLUG_PATH],
            )
        },
        "/api/v1/campaigns/{slug}/stats": {
            "get": operation(
                "getCampaignStats",
                "Counts, KPIs, funnel and daily series of a campaign",
                "stats",
                {200: ok("The numbers.", ref("CampaignStats"))},
                errors=[400, 404],
                parameters=[
                    SLUG_PATH,
                    param(
                        "from",
                        "query",
                        DATE,
                        "First shop day (SHAREBACK_TIMEZONE; default: 29 days before to).",
                    ),
                    param(
                        "to",
                        "query",
                        DATE,
                        "Last shop day, included (default: the shop's today); at most 366 days.",
                    ),
                ],
            )
        },
        "/api/v1/advocates": {
            "get": operation(
                "listAdvocates",
                "List advocates",
                "advocates",
                {200: ok("A page of advocates.", ref("AdvocatePage"))},
                errors=[400, 404],
                parameters=[*ADVOCATE_QUERY, *paging("advocates")],
            )
        },
        "/api/v1/referrals": {
            "get": operation(
                "listReferrals",
                "List referrals (friends' orders credited to an advocate)",
                "referrals",
                {200: ok("A page of referrals.", ref("ReferralPage"))},
                errors=[400, 404],
                parameters=[*REFERRAL_QUERY, *paging("referrals")],
            )
        },
        "/api/v1/rewards": {
            "get": operation(
                "listRewards",
                "List rewards",
                "rewards",
                {200: ok("A page of rewards.", ref("RewardPage"))},
                errors=[400, 404],
                parameters=[*REWARD_QUERY, *paging("rewards")],
            )
        },
        "/api/v1/rewards/bulk": {
            "post": operation(
                "decideRewardsInBulk",
                "Approve, revoke or fulfil many rewards at once",
                "rewards",
                {200: ok("What changed and what was skipped, and why.", ref("BulkRewardResult"))},
                errors=[400, 413, 415, 422],
                request_body=body(ref("BulkRewardDecision")),
            )
        },
        "/api/v1/rewards/{reward_id}": {
            "get": operation(
                "getReward",
                "Get a reward with its history",
                "rewards",
                {200: ok("The reward.", ref("RewardWithHistory"))},
                errors=[404],
                parameters=[REWARD_PATH],
            )
        },
        "/api/v1/rewards/{reward_id}/approve": {
            "post": operation(
                "approveReward",
                "Approve a pending reward now",
                "rewards",
                {
                    200: ok(
                        "The approved reward (also when it already was).", ref("RewardWithHistory")
                    )
                },
                errors=[400, 404, 409, 413, 415, 422],
                parameters=[REWARD_PATH],
                request_body=body(ref("ApproveReward"), "Optional.", required=False),
                description="409 reward_already_revoked when the reward was revoked.",
            )
        },
        "/api/v1/rewards/{reward_id}/revoke": {
            "post": operation(
                "revokeReward",
                "Revoke a pending reward, saying why",
                "rewards",
                {
                    200: ok(
                        "The revoked reward (also when it already was).", ref("RewardWithHistory")
                    )
                },
                errors=[400, 404, 409, 413, 415, 422],
                parameters=[REWARD_PATH],
                request_body=body(ref("RevokeReward")),
                description="409 reward_already_approved when the reward was approved.",
            )
        },
        "/api/v1/rewards/{reward_id}/fulfil": {
            "post": operation(
                "fulfilReward",
                "Say that the shop gave an approved reward it fulfils itself (custom, points)",
                "rewards",
                {
                    200: ok(
                        "The fulfilled reward (also when it already was).",
                        ref("RewardWithHistory"),
                    )
                },
                errors=[400, 404, 409, 413, 415, 422],
                parameters=[REWARD_PATH],
                request_body=body(ref("ApproveReward"), "Optional.", required=False),
                description="409 reward_already_pending when it is not approved yet; "
                "409 reward_not_fulfilled_by_shop for rewards Shareback fulfils (the friend's "
                "checkout discount, payouts, credit, coupons).",
            )
        },
        "/api/v1/exports/advocates.csv": csv_export("advocates", "exportAdvocates", ADVOCATE_QUERY),
        "/api/v1/exports/referrals.csv": csv_export("referrals", "exportReferrals", REFERRAL_QUERY),
        "/api/v1/exports/rewards.csv": csv_export("rewards", "exportRewards", REWARD_QUERY),
    }
