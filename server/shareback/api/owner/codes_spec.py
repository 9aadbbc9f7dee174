"""Codes in /openapi.json: the checkout's referrer look-up and the owner's pool of friends' codes."""

from __future__ import annotations

from typing import Any

from shareback.api.owner.schema_kit import (
    COUNT,
    STRING,
    Schema,
    array,
    enum,
    nullable,
    obj,
    operation,
    param,
    ref,
    response,
)
from shareback.api.owner.schemas import SLUG_SCHEMA
from shareback.api.referrers import MAX_QUERY, MAX_RESULTS, MIN_QUERY
from shareback.campaigns import FULFILMENTS
from shareback.code_pool import MAX_BYTES, MAX_CODES

SLUG_PATH = param("slug", "path", SLUG_SCHEMA, "The campaign's slug.")
POOL_FIELDS: dict[str, Schema] = {
    "campaign": STRING,
    "friend_fulfilment": enum(FULFILMENTS),
    "remaining": {**COUNT, "description": "codes not yet given to a friend"},
    "issued": {**COUNT, "description": "codes given to friends"},
}

SCHEMAS: dict[str, Schema] = {
    "ReferrerMatches": obj(
        {
            "data": array(
                obj(
                    {
                        "code": {**STRING, "description": "send it as the order's ref"},
                        "display_name": nullable(
                            {**STRING, "description": 'e.g. "Anna d. V."; null without a name'}
                        ),
                    }
                ),
                maxItems=MAX_RESULTS,
            )
        },
        description="Exact codes first, then names starting with q among advocates who have "
        "shared or whose link was followed. Never an e-mail address.",
    ),
    "CodePool": obj(POOL_FIELDS),
    "CodePoolUpload": obj(
        {
            **POOL_FIELDS,
            "added": COUNT,
            "duplicates": {**COUNT, "description": "already in a pool, or twice in the file"},
            "conflicts": {
                **COUNT,
                "description": "an advocate's own code or a campaign's friend_code: left out",
            },
        }
    ),
}


def paths() -> dict[str, dict[str, Any]]:
    return {
        "/api/v1/campaigns/{slug}/referrers": {
            "get": operation(
                "findReferrers",
                'The checkout\'s "referred by a friend?" look-up by name or code',
                "widget",
                {200: response("At most five matches.", ref("ReferrerMatches"))},
                errors=[403, 404, 422, 429],
                parameters=[
                    SLUG_PATH,
                    param(
                        "q",
                        "query",
                        {"type": "string", "minLength": MIN_QUERY, "maxLength": MAX_QUERY},
                        "What the friend typed: the referrer's name or code.",
                        required=True,
                    ),
                    param(
                        "lang",
                        "query",
                        {"type": "string", "maxLength": 16},
                        "nl or en (default): the language of error messages.",
                    ),
                ],
                secured=False,
                description="CORS for the campaign's allowed origins; 20 look-ups a minute per "
                "address (429 rate_limited); 422 query_too_short under three characters.",
            ),
            "options": operation(
                "preflightReferrers",
                "CORS preflight (origins some active campaign allows)",
                "widget",
                {204: response("Allowed; Access-Control-Allow-* headers say what.")},
                errors=[403],
                parameters=[SLUG_PATH],
                secured=False,
            ),
        },
        "/api/v1/campaigns/{slug}/code-pool": {
            "get": operation(
                "getCodePool",
                "How many of the campaign's pool codes are left",
                "campaigns",
                {200: response("The pool's counts.", ref("CodePool"))},
                errors=[404],
                parameters=[SLUG_PATH],
            ),
            "post": operation(
                "uploadCodePool",
                "Add friends' codes to the campaign's pool (CSV)",
                "campaigns",
                {200: response("What was added, and what is left.", ref("CodePoolUpload"))},
                errors=[404, 413, 415, 422],
                parameters=[SLUG_PATH],
                request_body={
                    "required": True,
                    "content": {
                        "text/csv": {
                            "schema": {
                                "type": "string",
                                "description": "UTF-8; one code per line, or a header row with "
                                "a code column. Codes are 3 to 64 letters, digits, - or _.",
                            }
                        }
                    },
                },
                description=f"At most {MAX_CODES} codes and {MAX_BYTES // 1024 // 1024} MiB per "
                "upload. A file with a bad line adds nothing (422 invalid_csv names the lines).",
            ),
        },
    }
