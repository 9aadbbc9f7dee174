"""Partner programmes in /openapi.json: programmes, partners, their placements, numbers,
commissions, payout accounts, and who is owed what."""

from __future__ import annotations

from typing import Any

from shareback.api.owner.schema_kit import (
    BOOLEAN,
    COUNT,
    EMAIL,
    ID,
    NOT_BLANK_NO_NUL,
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
    param,
    ref,
    response,
)
from shareback.api.owner.schemas import CURRENCY
from shareback.partners.commission import BASES, REFUSALS
from shareback.storage.partner_records import COMMISSION_STATUSES, STATUSES

TAG = "partners"
PERCENT = {
    **STRING,
    "pattern": r"^(100([.,]0{1,2})?|[0-9]{1,2}([.,][0-9]{1,2})?)$",
    "description": 'a percentage, 0 to 100, at most two decimals: "10", "7.5"',
}
NAME = {**STRING, "maxLength": 100, "pattern": NOT_BLANK_NO_NUL}
SLUG = {**STRING, "pattern": "^[a-z0-9][a-z0-9-]{0,39}$"}
DAYS = {"type": "integer", "minimum": 1, "maximum": 3650}
PROGRAMME_FIELDS: dict[str, Schema] = {
    "name": STRING,
    "currency": {
        **CURRENCY,
        "description": "commissions are paid in it; orders in another "
        "currency are recorded and refused (reason other_currency)",
    },
    "commission_percent": PERCENT,
    "basis": {
        **enum(list(BASES)),
        "description": "first_order: a customer's first order only; every_order: every order "
        "of the customer within window_days of their first credited one",
    },
    "window_days": DAYS,
    "attribution_days": {**DAYS, "description": "how long a partner's click counts"},
    "hold_days": {**DAYS, "minimum": 0, "description": "pending until then (the return window)"},
}
MONEY = ref("Money")
STATS_ROW = obj(
    {
        "placement": {**STRING, "description": "'' is the plain link and the typed code"},
        "clicks": COUNT,
        "orders": COUNT,
        "revenue": {**MONEY, "description": "what the credited orders kept after refunds"},
        "pending": MONEY,
        "approved": {**MONEY, "description": "approved, not yet paid"},
        "paid": MONEY,
        "clawed_back": {**MONEY, "description": "owed back after refunds of approved ones"},
    }
)
PARTNER_FIELDS: dict[str, Schema] = {
    "id": ID,
    "programme": STRING,
    "email": EMAIL,
    "name": STRING,
    "website": nullable(STRING),
    "pitch": nullable(STRING),
    "status": enum(list(STATUSES)),
    "code": {**STRING, "description": "the link's code: /r/{code}, /r/{code}/{placement}"},
    "link": URL,
    "coupon_code": nullable({**STRING, "description": "typed at checkout"}),
    "commission_percent": nullable({**PERCENT, "description": "null: the programme's"}),
    "basis": nullable(enum(list(BASES))),
    "window_days": nullable(DAYS),
    "created_by": STRING,
    "created_at": TIME,
    "decided_by": nullable(STRING),
    "decided_at": nullable(TIME),
}
SCHEMAS: dict[str, Schema] = {
    "PartnerProgramme": obj({"slug": STRING, **PROGRAMME_FIELDS}),
    "PartnerProgrammeInput": obj(
        {**PROGRAMME_FIELDS, "name": NAME},
        optional=list(PROGRAMME_FIELDS),
    ),
    "Partner": obj(PARTNER_FIELDS),
    "PartnerList": obj({"data": array(ref("Partner"))}),
    "InvitedPartner": obj({**PARTNER_FIELDS, "invitation_sent": BOOLEAN}),
    "PartnerInvitation": obj(
        {
            "programme": {**SLUG, "default": "default"},
            "email": {**EMAIL, "maxLength": 254},
            "name": NAME,
            "lang": {**enum(["nl", "en"]), "default": "nl"},
        },
        optional=["programme", "lang"],
    ),
    "PartnerStats": obj(
        {
            "currency": STRING,
            "total": STATS_ROW,
            "placements": array(STATS_ROW),
            "refused_orders": COUNT,
        }
    ),
    "PartnerDetail": obj(
        {
            **PARTNER_FIELDS,
            "placements": array(obj({"key": STRING, "label": STRING, "link": URL})),
            "stats": ref("PartnerStats"),
        }
    ),
    "PartnerTermsInput": obj(
        {
            "commission_percent": nullable(PERCENT),
            "basis": nullable(enum(list(BASES))),
            "window_days": nullable(DAYS),
            "coupon_code": nullable({**STRING, "pattern": "^[A-Za-z0-9][A-Za-z0-9_-]{2,31}$"}),
        },
        optional=["commission_percent", "basis", "window_days", "coupon_code"],
    ),
    "PartnerPlacementInput": obj(
        {
            "key": {**STRING, "pattern": "^[a-z0-9][a-z0-9-]{0,31}$"},
            "label": {**STRING, "maxLength": 80, "pattern": NOT_BLANK_NO_NUL},
        },
        optional=["label"],
    ),
    "PartnerPlacement": obj({"key": STRING, "label": STRING, "link": URL}),
    "CommissionList": obj(
        {
            "data": array(
                obj(
                    {
                        "id": ID,
                        "order_id": STRING,
                        "placement": STRING,
                        "via": enum(["link", "code", "window"]),
                        "status": enum(list(COMMISSION_STATUSES)),
                        "reason": nullable(
                            {**STRING, "description": ", ".join(sorted(REFUSALS)) + ", refund"}
                        ),
                        "revenue": {**MONEY, "description": "the order's total, its currency"},
                        "kept": MONEY,
                        "commission_percent": PERCENT,
                        "amount": {**MONEY, "description": "the programme's currency"},
                        "clawed_back": MONEY,
                        "approve_after": TIME,
                        "approved_at": nullable(TIME),
                        "paid_at": nullable(TIME),
                        "created_at": TIME,
                    }
                )
            )
        }
    ),
    "PayablePartnerList": obj(
        {
            "data": array(
                obj(
                    {
                        "partner_id": ID,
                        "code": STRING,
                        "email": EMAIL,
                        "approved": MONEY,
                        "clawed_back": {**MONEY, "description": "not yet settled"},
                        "owed": {**MONEY, "description": "what a batch would pay"},
                        "account": nullable(ref("PayoutAccount")),
                    }
                )
            )
        }
    ),
}


def paths() -> dict[str, dict[str, Any]]:
    slug = param("slug", "path", SLUG, "The programme's slug (default).")
    partner = param("partner_id", "path", ID, "The partner's id.")
    one = "/api/v1/partners/{partner_id}"
    return {
        "/api/v1/partner-programmes/{slug}": {
            "get": operation(
                "getPartnerProgramme",
                "A partner programme's settings",
                TAG,
                {200: response("The programme.", ref("PartnerProgramme"))},
                errors=[404],
                parameters=[slug],
            ),
            "put": operation(
                "savePartnerProgramme",
                "Make or change a partner programme",
                TAG,
                {
                    200: response("Changed.", ref("PartnerProgramme")),
                    201: response("Made (on the default campaign).", ref("PartnerProgramme")),
                },
                errors=[400, 413, 415, 422],
                parameters=[slug],
                request_body=body(ref("PartnerProgrammeInput")),
            ),
        },
        "/api/v1/partners": {
            "get": operation(
                "listPartners",
                "Partners, newest first",
                TAG,
                {200: response("The partners.", ref("PartnerList"))},
                errors=[400, 404],
                parameters=[
                    param("programme", "query", SLUG, "Only this programme's."),
                    param("status", "query", enum(list(STATUSES)), "Only these."),
                ],
            ),
            "post": operation(
                "invitePartner",
                "Invite a partner: an e-mail with their portal link, where they accept",
                TAG,
                {
                    201: response("Invited.", ref("InvitedPartner")),
                    200: response("In the programme already: nothing sent.", ref("InvitedPartner")),
                },
                errors=[400, 404, 413, 415, 422],
                request_body=body(ref("PartnerInvitation")),
            ),
        },
        "/api/v1/partners/payable": {
            "get": operation(
                "listPayablePartners",
                "Partners owed approved commissions (pay them with partner_ids in a payout batch)",
                TAG,
                {200: response("Who is owed what.", ref("PayablePartnerList"))},
                errors=[400],
            )
        },
        one: {
            "get": operation(
                "getPartner",
                "A partner, their placements and their numbers per placement",
                TAG,
                {200: response("The partner.", ref("PartnerDetail"))},
                errors=[404],
                parameters=[partner],
            ),
            "patch": operation(
                "changePartner",
                "A partner's own terms and checkout code",
                TAG,
                {200: response("The partner.", ref("Partner"))},
                errors=[400, 404, 409, 413, 415, 422],
                parameters=[partner],
                request_body=body(ref("PartnerTermsInput")),
                description="409 coupon_code_taken: the code is an advocate's, a friend's or "
                "another partner's.",
            ),
        },
        f"{one}/approve": {
            "post": operation(
                "approvePartner",
                "Approve a partner: their links and code work (partner.approved)",
                TAG,
                {200: response("The partner.", ref("Partner"))},
                errors=[404],
                parameters=[partner],
            )
        },
        f"{one}/reject": {
            "post": operation(
                "rejectPartner",
                "Reject (or stop) a partner: their links lead nowhere (partner.rejected)",
                TAG,
                {200: response("The partner.", ref("Partner"))},
                errors=[404],
                parameters=[partner],
            )
        },
        f"{one}/placements": {
            "post": operation(
                "addPartnerPlacement",
                "A sub-link for a placement (instagram-bio): /r/{code}/{key}",
                TAG,
                {201: response("The placement and its link.", ref("PartnerPlacement"))},
                errors=[400, 404, 413, 415, 422],
                parameters=[partner],
                request_body=body(ref("PartnerPlacementInput")),
            )
        },
        f"{one}/commissions": {
            "get": operation(
                "listPartnerCommissions",
                "A partner's commissions, newest first",
                TAG,
                {200: response("One per credited (or refused) order.", ref("CommissionList"))},
                errors=[400, 404],
                parameters=[partner],
            )
        },
        f"{one}/payout-account": {
            "put": operation(
                "setPartnerPayoutAccount",
                "Enter or change the account a partner's commissions are paid to",
                TAG,
                {200: response("The account.", ref("PayoutAccount"))},
                errors=[400, 404, 413, 415, 422],
                parameters=[partner],
                request_body=body(ref("PayoutAccountInput")),
            )
        },
    }
