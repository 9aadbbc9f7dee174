"""Contests in /openapi.json: a campaign's contests, one's leaderboard, a new one, cancelling."""

from __future__ import annotations

from typing import Any

from shareback.api.owner.schema_kit import (
    ID,
    NOT_BLANK_NO_NUL,
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
from shareback.contests import MAX_NAME, MAX_PRIZES

TAG = "contests"
PRIZE_TYPES = ["credit", "coupon", "points", "cash", "custom"]
COUNT: Schema = {"type": "integer", "minimum": 0}
PRIZE = obj(
    {
        "rank": {"type": "integer", "minimum": 1},
        "type": enum(PRIZE_TYPES),
        "value": STRING,
        "currency": STRING,
    }
)
CONTEST = obj(
    {
        "id": ID,
        "campaign": STRING,
        "name": STRING,
        "starts_at": TIME,
        "ends_at": TIME,
        "state": {
            **enum(["upcoming", "running", "counting", "settled", "cancelled"]),
            "description": "counting: ended, its friends' orders still inside the campaign's "
            "hold period (a refund still moves the leaderboard); settled: prizes given",
        },
        "settled_at": nullable(TIME),
        "prizes": array(PRIZE),
        "entrants": COUNT,
        "leaders": {
            **array(
                obj({"rank": {"type": "integer", "minimum": 1}, "name": STRING, "friends": COUNT})
            ),
            "description": "most successful friends first (a tie: who got there first); names "
            "masked: the advocate's nickname, else first name and initial — never an e-mail",
        },
        "you": {
            **nullable(obj({"rank": {"type": "integer", "minimum": 1}, "friends": COUNT})),
            "description": "the shopper's own place (widget answers with the shop's signed "
            "identity only); null when not on the board",
        },
    },
    optional=["you"],
)
SCHEMAS: dict[str, Schema] = {
    "Contest": CONTEST,
    "ContestList": obj({"data": array(ref("Contest"))}),
    "ContestInput": obj(
        {
            "name": {**STRING, "maxLength": MAX_NAME, "pattern": NOT_BLANK_NO_NUL},
            "starts_at": {**TIME, "description": "with a time zone"},
            "ends_at": {**TIME, "description": "after starts_at, at most 366 days later"},
            "prizes": {
                **array(
                    obj({"type": enum(PRIZE_TYPES), "value": STRING}),
                    minItems=1,
                    maxItems=MAX_PRIZES,
                ),
                "description": "the first place's prize first; in the campaign's currency",
            },
        }
    ),
}


def paths() -> dict[str, dict[str, Any]]:
    slug = param("slug", "path", SLUG_SCHEMA, "The campaign's slug.")
    contest = param("contest_id", "path", ID, "The contest's id.")
    return {
        "/api/v1/campaigns/{slug}/contests": {
            "get": operation(
                "listContests",
                "A campaign's contests, latest first, each with its top ten",
                TAG,
                {200: response("The contests.", ref("ContestList"))},
                errors=[404],
                parameters=[slug],
            ),
            "post": operation(
                "createContest",
                "Plan a time-boxed contest with prizes for the top places",
                TAG,
                {201: response("The contest.", ref("Contest"))},
                errors=[400, 404, 413, 415, 422],
                parameters=[slug],
                request_body=body(ref("ContestInput")),
                description="Counted: each advocate's successful friends (orders not refunded, "
                "not rejected by the fraud review) referred between starts_at and ends_at. The "
                "prizes are given once the campaign's hold period after ends_at has passed.",
            ),
        },
        "/api/v1/campaigns/{slug}/contests/{contest_id}": {
            "get": operation(
                "getContest",
                "One contest with its top hundred",
                TAG,
                {200: response("The contest.", ref("Contest"))},
                errors=[404],
                parameters=[slug, contest],
            )
        },
        "/api/v1/campaigns/{slug}/contests/{contest_id}/cancel": {
            "post": operation(
                "cancelContest",
                "Cancel a contest whose prizes are not given yet",
                TAG,
                {200: response("The contest.", ref("Contest"))},
                errors=[404, 409],
                parameters=[slug, contest],
                description="409 contest_settled once its prizes are given.",
            )
        },
    }
