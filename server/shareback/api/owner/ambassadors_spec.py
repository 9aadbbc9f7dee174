"""The ambassador scores' operations and schemas in /openapi.json (api/owner/ambassadors.py)."""

from __future__ import annotations

from typing import Any

from shareback.api.owner.ambassadors import KIND, MAX_OFFSET
from shareback.api.owner.paging import DEFAULT_LIMIT, MAX_LIMIT, cursor_pattern
from shareback.api.owner.schema_kit import (
    BOOLEAN,
    COUNT,
    EMAIL,
    ID,
    NOT_BLANK,
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
from shareback.crm import invitations
from shareback.crm.ranking import CONSENT_CHOICES, MAX_MIN_ORDERS, MAX_TAG
from shareback.crm.score import BANDS, DECILES, REFUSALS

REASON_KINDS = (
    "no_orders",
    "orders_undated",
    "orders_in_window",
    "last_order",
    "revenue",
    "nps",
    "satisfaction",
    "friends_converted",
    "clicks",
    "shares",
    "no_open_tickets",
    "open_tickets",
    "recent_complaint",
)
RATE = nullable({"type": "number", "minimum": 0, "maximum": 1})
CAMPAIGN = param("campaign", "query", SLUG_SCHEMA, "The campaign invitations are counted in.")

SCHEMAS: dict[str, Schema] = {
    "AmbassadorReason": obj(
        {
            "kind": {
                "type": "string",
                "description": f"One of {', '.join(REASON_KINDS)} (more may come: show text).",
            },
            "count": {"type": "integer", "description": "orders, NPS, friends, tickets…"},
            "days": {"type": "integer", "description": "the window, or how long ago"},
            "amount_minor": {"type": "integer", "description": "revenue: net, minor units"},
            "currency": nullable(STRING),
            "points": {"type": "integer", "description": "what it added (negative: took away)"},
            "text": {"type": "string", "description": "the reason in words, in lang"},
        }
    ),
    "Ambassador": obj(
        {
            "customer_id": ID,
            "email": EMAIL,
            "name": nullable(STRING),
            "country": nullable(STRING),
            "order_count": COUNT,
            "marketing_consent": nullable(BOOLEAN),
            "score": {"type": "integer", "minimum": 0, "maximum": 100},
            "band": enum(BANDS),
            "excluded": {
                **BOOLEAN,
                "description": "an unresolved recent complaint: not invited while it lasts",
            },
            "reasons": array(ref("AmbassadorReason")),
            "summary": {"type": "string", "description": "the reasons in one line, in lang"},
            "scored_at": TIME,
            "invited_at": {
                **nullable(TIME),
                "description": "when invited into ?campaign= (null: not, or no campaign asked)",
            },
        }
    ),
    "AmbassadorPage": obj(
        {
            "data": array(ref("Ambassador")),
            "next_cursor": nullable(
                {"type": "string", "description": "Pass as ?cursor= for the next page."}
            ),
        },
        description="One page, highest score first (those excluded for now last).",
    ),
    "AmbassadorInvitationInput": obj(
        {
            "campaign": SLUG_SCHEMA,
            "customer_ids": array(ID, minItems=1, maxItems=invitations.MAX_INVITE),
        }
    ),
    "AmbassadorInvitationReport": obj(
        {
            "campaign": SLUG_SCHEMA,
            "invited": COUNT,
            "already_invited": COUNT,
            "refused": obj({why: COUNT for why in REFUSALS}),
            "unknown": {**COUNT, "description": "ids that are no scored customer"},
        }
    ),
    "AmbassadorDeciles": obj(
        {
            "campaign": nullable(SLUG_SCHEMA),
            "deciles": array(
                obj(
                    {
                        "decile": {"type": "integer", "minimum": 1, "maximum": DECILES},
                        "invited": COUNT,
                        "shared": COUNT,
                        "converted": COUNT,
                        "friend_orders": COUNT,
                        "share_rate": RATE,
                        "conversion_rate": RATE,
                    }
                ),
                minItems=DECILES,
                maxItems=DECILES,
            ),
        }
    ),
}


def paths() -> dict[str, dict[str, Any]]:
    return {
        "/api/v1/ambassadors": {
            "get": operation(
                "listAmbassadors",
                "Customers ranked by ambassador score, with its reasons",
                "ambassadors",
                {200: response("A page of customers.", ref("AmbassadorPage"))},
                errors=[400, 404],
                parameters=[
                    param("band", "query", enum(BANDS), "Only this score band."),
                    param(
                        "country",
                        "query",
                        {"type": "string", "pattern": "^[A-Za-z]{2}$"},
                        "ISO 3166-1 alpha-2.",
                    ),
                    param(
                        "tag",
                        "query",
                        {"type": "string", "maxLength": MAX_TAG, "pattern": NOT_BLANK},
                        "One of the customer's tags (case and spacing aside).",
                    ),
                    param("consent", "query", enum(CONSENT_CHOICES), "Marketing consent."),
                    param(
                        "min_orders",
                        "query",
                        {"type": "integer", "minimum": 0, "maximum": MAX_MIN_ORDERS},
                        "At least this many orders.",
                    ),
                    {**CAMPAIGN, "description": "Say when each was invited into this campaign."},
                    param("lang", "query", enum(("en", "nl")), "The reasons' words."),
                    param(
                        "cursor",
                        "query",
                        {"type": "string", "pattern": cursor_pattern(KIND)},
                        f"next_cursor of the previous page, as it came (at most {MAX_OFFSET:,} "
                        "rows deep).",
                    ),
                    param(
                        "limit",
                        "query",
                        {
                            "type": "integer",
                            "minimum": 1,
                            "maximum": MAX_LIMIT,
                            "default": DEFAULT_LIMIT,
                        },
                        "Rows per page.",
                    ),
                ],
                description="Scores are computed again every hour in the background; a shop's first "
                "call scores its customers first.",
            )
        },
        "/api/v1/ambassadors/invitations": {
            "post": operation(
                "inviteAmbassadors",
                "Invite customers into a campaign (the invitation e-mail, once each)",
                "ambassadors",
                {200: response("What was done.", ref("AmbassadorInvitationReport"))},
                errors=[400, 404, 409, 413, 415, 422],
                request_body=body(ref("AmbassadorInvitationInput")),
                description="Each customer who may be asked (marketing consent, not "
                "unsubscribed, no unresolved recent complaint) becomes the campaign's advocate "
                "and gets its invitation e-mail with their link; a customer invited before is "
                "counted in already_invited, never sent twice. 409 when the campaign is "
                "archived or does not send the invitation e-mail.",
            )
        },
        "/api/v1/ambassadors/deciles": {
            "get": operation(
                "getAmbassadorDeciles",
                "Invitations, shares and friends' orders per score decile",
                "ambassadors",
                {200: response("The ten deciles, top first.", ref("AmbassadorDeciles"))},
                errors=[400, 404],
                parameters=[CAMPAIGN],
                description="The decile is the score's among all scored customers when the "
                "invitation was sent; shared and converted count what came after it.",
            )
        },
    }
