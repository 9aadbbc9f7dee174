"""The OpenAPI 3.1 description of every JSON endpoint, public and owner, served at /openapi.json."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from shareback import __version__
from shareback.api import account_spec
from shareback.api.owner import (
    ambassadors_spec,
    codes_spec,
    contests_spec,
    customers_spec,
    events_spec,
    experiments_spec,
    fraud_spec,
    gdpr_spec,
    loyalty_spec,
    outgoing_spec,
    partners_spec,
    payouts_spec,
    schemas,
    segments_spec,
    spec,
)
from shareback.api.owner.schema_kit import (
    BOOLEAN,
    COUNT,
    EMAIL,
    ID,
    INTEGER,
    JSON,
    STRING,
    URL,
    Schema,
    array,
    body,
    enum,
    error_responses,
    header,
    nullable,
    obj,
    operation,
    param,
    ref,
    response,
    with_key_answers,
    without_nul,
)
from shareback.api.owner.schemas import SLUG_SCHEMA
from shareback.channels import CHANNELS, EVENT_TYPES
from shareback.i18n import PUBLIC_LOCALES
from shareback.rewards import REWARD_TYPES

TEXT = {"type": "string", "maxLength": 200}
AMOUNT: Schema = {"type": ["string", "integer"], "description": 'a decimal string, e.g. "59.90"'}
PUBLIC_SCHEMAS: dict[str, Schema] = {
    "Error": obj(
        {
            "error": obj(
                {
                    "code": {
                        **STRING,
                        "description": "stable, machine-readable, e.g. invalid_email",
                    },
                    "message": {**STRING, "description": "for people"},
                    "field": {**STRING, "description": "the field or parameter at fault"},
                },
                optional=["field"],
            )
        },
        description="Every 4xx and 5xx answer of the JSON endpoints.",
    ),
    "Health": obj({"status": enum(["ok"]), "database": enum(["ok"]), "version": STRING}),
    "HealthFailure": obj({"status": enum(["error"]), "database": STRING}),
    "Liveness": obj({"status": enum(["ok"]), "version": STRING}),
    "Home": obj(
        {
            "name": STRING,
            "version": STRING,
            "shop": STRING,
            "dashboard": URL,
            "openapi": URL,
            "health": URL,
        }
    ),
    "Offers": obj({"referrer": STRING, "friend": STRING}, description="Worded for people."),
    "RewardSpec": obj(
        {"type": enum(REWARD_TYPES), "value": STRING, "currency": STRING},
    ),
    "JoinRequest": obj(
        {
            "campaign": {**SLUG_SCHEMA, "maxLength": 64},
            "email": {**EMAIL, "maxLength": 254},
            "name": nullable({"type": "string", "maxLength": 100}),
            "user_hash": nullable(
                {"type": "string", "description": "hex HMAC-SHA256 of the e-mail address"}
            ),
            "lang": nullable(
                {
                    **STRING,
                    "maxLength": 16,
                    "description": "the shopper's language tag (data-lang, else the page's <html "
                    "lang>): nl, en, de or fr are spoken, anything else follows Accept-Language, "
                    "else English",
                }
            ),
            "findable": nullable(
                {
                    **BOOLEAN,
                    "description": "the shopper agrees to be found by name in the checkout's "
                    "referrer look-up; applied when the address's record is created or opened",
                }
            ),
        },
        optional=["name", "user_hash", "lang", "findable"],
        closed=False,
    ),
    "WelcomeRequest": obj(
        {
            "ref": {
                **STRING,
                "maxLength": 500,
                "description": "the signed ref the friend landed with",
            },
            "email": {**EMAIL, "maxLength": 254},
            "name": nullable({"type": "string", "maxLength": 100}),
            "lang": nullable(enum(list(PUBLIC_LOCALES))),
        },
        optional=["name", "lang"],
        closed=False,
    ),
    "WelcomeAccepted": obj({"status": enum(["accepted"])}),
    "AdvocateLink": obj(
        {
            "campaign": {
                **STRING,
                "description": "the campaign the link belongs to: the one the request named, or "
                "the campaign of the same site meant for this shopper (targeting: the signed "
                "identity's segment; without one, the campaign for everyone)",
            },
            "code": STRING,
            "coupon_code": nullable(
                {
                    **STRING,
                    "description": "the personal code for checkouts (ANNA10); only with the "
                    "shop's signed identity (user_hash), else null",
                }
            ),
            "name": nullable(
                {**STRING, "description": "the stored name with user_hash, else the name sent"}
            ),
            "link": URL,
            "qr": obj({"svg": URL, "png": URL}),
            "share": obj({"text": STRING, "subject": STRING}),
            "headline": STRING,
            "offer": ref("Offers"),
            "offer_text": {
                **STRING,
                "description": "the offer as one sentence, as the widget's config words it (an "
                "experiment's variant rewords it)",
            },
            "verified": BOOLEAN,
            "reward_coupons": {
                **array(STRING),
                "description": "the single-use codes the advocate's rewards were issued as, "
                "oldest first; only for the shop's signed identity (else empty)",
            },
            "channels": {
                **array(STRING),
                "description": "the share buttons in the order to show them (an experiment's "
                "variant may change it)",
            },
            "loyalty": {
                **nullable(ref("LoyaltyState")),
                "description": "the advocate's milestones and tier progress, when the campaign "
                "has a loyalty plan; only for the shop's signed identity (else null)",
            },
            "experiment": {
                **nullable(obj({"id": {"type": "integer", "minimum": 1}, "variant": STRING})),
                "description": "the A/B experiment variant this advocate sees, if any: share, "
                "headline and offer are already that variant's",
            },
            "contest": {
                **nullable(ref("Contest")),
                "description": "the campaign's contest on view (running, or its final standings "
                "for a week after the prizes), with the shopper's own place (`you`) only for "
                "the shop's signed identity; null when there is none",
            },
            "account_label": {
                **nullable(STRING),
                "description": "with the shop's signed identity: the name of the widget's "
                '"My rewards" button, which opens showAdvocateAccount; else null',
            },
            "texts": ref("WidgetTexts"),
        }
    ),
    "WidgetTexts": {
        "type": "object",
        "additionalProperties": {
            "oneOf": [STRING, {**array(STRING), "minItems": 2, "maxItems": 2}]
        },
        "description": "the widget's own labels (invite, close, copy, on, mail…) in the answer's "
        "language, to merge over the English the bundle carries: every label for nl, de and fr, "
        "then the campaign's own wording of this language (the dashboard's Texts page); for "
        "English only that wording. A pair is [visible label, accessible name]",
    },
    "WidgetConfig": obj(
        {
            "campaign": STRING,
            "lang": {
                **enum(list(PUBLIC_LOCALES)),
                "description": "the language the answer speaks (the widget's `lang` when spoken, "
                "else Accept-Language's, else en)",
            },
            "headline": STRING,
            "offer": ref("Offers"),
            "offer_text": {**STRING, "description": "the offer as one sentence, in `lang`"},
            "design": obj(
                {
                    "theme": {
                        "type": "object",
                        "additionalProperties": STRING,
                        "description": "the designer's colours (#rrggbb) and sizes (px) as "
                        "the widget's --sb-{name} custom properties: accent, accent-text, bg, "
                        "text, radius, lift; a missing one is the widget's default",
                    },
                    "position": enum(["end", "start"]),
                    "hide": nullable(
                        {
                            **STRING,
                            "description": "a regular expression: on paths it matches, the "
                            "floating button stays off",
                        }
                    ),
                    "collapse": {
                        **BOOLEAN,
                        "description": "the floating button is its icon only under 480px",
                    },
                    "dismiss": nullable(
                        {
                            **INTEGER,
                            "description": "days a shopper's hide lasts (0: the tab); null: "
                            "no hide button",
                        }
                    ),
                }
            ),
            "rewards": obj({"referrer": ref("RewardSpec"), "friend": ref("RewardSpec")}),
            "attribution_days": INTEGER,
            "channels": array(STRING),
            "messenger_app_id": nullable(STRING),
            "ref": nullable(enum(["valid", "invalid", "expired"])),
            "friend": nullable(
                obj(
                    {
                        "referrer_name": nullable(STRING),
                        "message": STRING,
                        "offer": STRING,
                        "code": nullable(
                            {**STRING, "description": "the friend's code for the checkout"}
                        ),
                        "in_app": {
                            **enum(["instagram", "facebook", "tiktok", "linkedin", "snapchat"]),
                            "description": "only in an in-app browser, where the cookie is lost "
                            "when the friend buys in another browser: `code` is then the one that "
                            "credits the advocate, and `message` says to type it at the checkout",
                        },
                    },
                    optional=["in_app"],
                )
            ),
            "texts": ref("WidgetTexts"),
        }
    ),
    "WidgetEvent": obj(
        {
            "campaign": {**SLUG_SCHEMA, "maxLength": 64},
            "type": enum(sorted(EVENT_TYPES)),
            "channel": nullable(enum(sorted(CHANNELS))),
            "code": nullable(STRING),
        },
        optional=["channel", "code"],
        closed=False,
    ),
    "OrderEvent": {
        "oneOf": [
            ref("OrderPaidEvent"),
            ref("OrderRefundedEvent"),
            ref("OrderChargedBackEvent"),
        ],
        "description": "Events of other types are answered 200 ignored / unsupported_type.",
    },
    "OrderPaidEvent": obj(
        {
            "type": {"const": "order.paid"},
            "data": obj(
                {
                    "order_id": {"type": ["string", "integer"]},
                    "email": nullable(EMAIL),
                    "name": nullable(TEXT),
                    "total": AMOUNT,
                    "currency": {**STRING, "default": "EUR"},
                    "ref": nullable({**STRING, "description": "the ref parameter or a code"}),
                    "coupon_codes": nullable(array(STRING)),
                    "customer_id": nullable(
                        {
                            "type": ["string", "integer"],
                            "description": "the shop's customer account id (fraud rules)",
                        }
                    ),
                    "ip": nullable(
                        {
                            **STRING,
                            "description": "the buyer's IP address, compared (hashed) with the "
                            "click's and never stored",
                        }
                    ),
                    "user_agent": nullable({**STRING, "maxLength": 1000}),
                    "store_credit": nullable(
                        {
                            **AMOUNT,
                            "description": "the store credit the checkout spent (look the "
                            "balance up at /api/v1/credit first): spent from the buyer's ledger "
                            "once per order, up to the balance; the answer's credit_redeemed "
                            "says how much",
                        }
                    ),
                    "subtotal": nullable(
                        {
                            **AMOUNT,
                            "description": "the order's value before discounts, in its "
                            "currency: a percentage friend discount is taken of this",
                        }
                    ),
                    "discount": nullable(
                        {
                            **AMOUNT,
                            "description": "the discounts the shop gave, in the order's "
                            "currency: the friend's checkout discount is recorded as this "
                            "(without it, worked out from subtotal or from total)",
                        }
                    ),
                    "first_name": nullable({**STRING, "maxLength": 100}),
                    "last_name": nullable({**STRING, "maxLength": 100}),
                    "country": nullable(
                        {**STRING, "description": "ISO 3166-1 alpha-2, such as NL"}
                    ),
                    "tags": nullable(
                        {
                            "type": "array",
                            "items": {**STRING, "maxLength": 100},
                            "maxItems": 50,
                            "description": "the customer's tags (added to their record)",
                        }
                    ),
                    "marketing_consent": nullable(
                        {
                            "type": "boolean",
                            "description": "the buyer agreed (or not) to marketing e-mail",
                        }
                    ),
                    "shop_money": nullable(
                        obj(
                            {"amount": AMOUNT, "currency": STRING},
                            description="The same total in the shop's currency, when the "
                            "shopper paid in another: rewards are computed from the amount in "
                            "the campaign's currency, and an order with none is recorded "
                            "without rewards (currency_mismatch).",
                        )
                    ),
                },
                optional=[
                    "email",
                    "name",
                    "currency",
                    "ref",
                    "coupon_codes",
                    "shop_money",
                    "customer_id",
                    "ip",
                    "user_agent",
                    "subtotal",
                    "discount",
                    "store_credit",
                    "first_name",
                    "last_name",
                    "country",
                    "tags",
                    "marketing_consent",
                ],
                closed=False,
            ),
        },
        closed=False,
    ),
    "OrderRefundedEvent": obj(
        {
            "type": {"const": "order.refunded"},
            "data": obj(
                {
                    "order_id": {"type": ["string", "integer"]},
                    "amount": {**AMOUNT, "description": "a partial refund; leave out for all"},
                    "refund_id": {"type": ["string", "integer"]},
                    "currency": STRING,
                },
                optional=["amount", "refund_id", "currency"],
                closed=False,
            ),
        },
        closed=False,
    ),
    "OrderChargedBackEvent": obj(
        {
            "type": {"const": "order.charged_back"},
            "data": obj(
                {"order_id": {"type": ["string", "integer"]}},
                closed=False,
            ),
        },
        closed=False,
    ),
    "WebhookOutcome": obj(
        {
            "status": enum(["recorded", "duplicate", "ignored"]),
            "reason": {
                **STRING,
                "examples": [
                    "referral",
                    "self_referral",
                    "held_for_review",
                    "awaiting_order",
                    "order_already_recorded",
                    "currency_mismatch",
                    "below_minimum_order",
                    "partner_commission",
                ],
            },
            "referral_id": ID,
            "rewards_revoked": COUNT,
            "rewards_reduced": COUNT,
            "rewards_clawed_back": COUNT,
            "credit_redeemed": {**STRING, "description": "store credit the order spent, 5.00"},
            "commission_clawed_back": {
                "const": True,
                "description": "a refund of an approved partner commission: a clawback taken off "
                "the partner's next payout",
            },
            "commission_id": {
                **ID,
                "description": "the partner commission the order made (reason partner_commission) "
                "or refused (reason other_currency, repeat_customer, window_over)",
            },
        },
        optional=[
            "referral_id",
            "rewards_revoked",
            "rewards_reduced",
            "rewards_clawed_back",
            "credit_redeemed",
            "commission_id",
            "commission_clawed_back",
        ],
    ),
}

SLUG = param("slug", "path", STRING, "The campaign's slug.")
NON_EMPTY: Schema = {"type": "string", "minLength": 1}
NEWER_NAMES = {
    "shopify": " Shopify's newer header names without X- (Shopify-Hmac-Sha256, Shopify-Topic, "
    "Shopify-Webhook-Id) are read as well.",
}
Header = tuple[str, bool, str, str | None]  # name, required, meaning, pattern
PLATFORMS: dict[str, tuple[str, str, list[Header]]] = {
    "shopify": (
        "Shopify",
        "SHAREBACK_SHOPIFY_SECRET",
        [
            ("X-Shopify-Hmac-Sha256", True, "base64 HMAC-SHA256 of the body", None),
            ("X-Shopify-Topic", True, "orders/paid, orders/create, refunds/create, …", None),
            (
                "X-Shopify-Webhook-Id",
                False,
                "the delivery's id; replays are recognised by it",
                None,
            ),
        ],
    ),
    "stripe": (
        "Stripe",
        "SHAREBACK_STRIPE_WEBHOOK_SECRET",
        [
            (
                "Stripe-Signature",
                True,
                "t=<unix time>,v1=<hex HMAC-SHA256>",
                "^t=[0-9]{1,12}(,v1=[0-9a-f]{64})+$",
            )
        ],
    ),
    "woocommerce": (
        "WooCommerce",
        "SHAREBACK_WOOCOMMERCE_SECRET",
        [
            ("X-WC-Webhook-Signature", True, "base64 HMAC-SHA256 of the body", None),
            ("X-WC-Webhook-Topic", True, "order.created, order.updated, …", None),
            (
                "X-WC-Webhook-Delivery-ID",
                False,
                "the delivery's id; replays are recognised by it",
                None,
            ),
        ],
    ),
}


def preflight(operation_id: str, *parameters: dict[str, Any]) -> dict[str, Any]:
    return operation(
        operation_id,
        "CORS preflight (origins some active campaign allows)",
        "widget",
        {204: response("Allowed; Access-Control-Allow-* headers say what.")},
        errors=[403],
        parameters=parameters,
        secured=False,
    )


def platform_webhook(name: str) -> dict[str, Any]:
    title, secret, headers = PLATFORMS[name]
    return {
        "post": operation(
            f"receive{title}Webhook",
            f"{title}'s native order webhooks, verified with {title}'s own scheme",
            "webhooks",
            {
                200: response("What happened; replays answer duplicate.", ref("WebhookOutcome")),
                503: response(f"{secret} is not set: {title} webhooks are off.", ref("Error")),
            },
            errors=[400, 401, 413, 422],
            parameters=[
                param(
                    header,
                    "header",
                    {"type": "string", "pattern": pattern} if pattern else NON_EMPTY,
                    meaning,
                    required=required,
                )
                for header, required, meaning, pattern in headers
            ],
            request_body=body(
                {"type": "object", "description": f"The payload exactly as {title} sends it."}
            ),
            secured=False,
            description=f"Signed with {secret}; topics Shareback does not use are answered "
            "ignored." + NEWER_NAMES.get(name, ""),
        )
    }


def public_paths() -> dict[str, dict[str, Any]]:
    standard_headers = [
        param(name, "header", schema, meaning, required=True)
        for name, schema, meaning in (
            (
                "webhook-id",
                {"type": "string", "minLength": 1, "maxLength": 255},
                "Unique per message; replays are recognised by it.",
            ),
            (
                "webhook-timestamp",
                {"type": "string", "pattern": "^[0-9]{1,12}$"},
                "Unix seconds; at most 5 minutes off.",
            ),
            (
                "webhook-signature",
                {"type": "string", "minLength": 1},
                "v1,<base64 HMAC-SHA256> with SHAREBACK_WEBHOOK_SECRET.",
            ),
        )
    ]
    qr_code = param("code", "path", STRING, "The advocate's referral code.")
    qr = {
        fmt: {
            "get": operation(
                f"getQrCode{fmt.capitalize()}",
                f"The referral link as a QR code ({fmt.upper()}); scans count as channel qr",
                "links",
                {
                    200: response("The image.", {"type": "string"}, media_type=media),
                    304: response("Not modified (If-None-Match)."),
                },
                # Too many unknown codes from one network: known ones wait too (no enumeration).
                errors=[404, 429],
                parameters=[qr_code],
                secured=False,
            )
        }
        for fmt, media in (("svg", "image/svg+xml"), ("png", "image/png"))
    }
    return {
        "/": {
            "get": operation(
                "getHome",
                "What this server is, with links to the dashboard, this document and the status",
                "meta",
                {
                    200: {
                        "description": "A page in the visitor's language; JSON when asked for "
                        "(Accept: application/json).",
                        "content": {
                            "text/html": {"schema": STRING},
                            JSON: {"schema": ref("Home")},
                        },
                    }
                },
                secured=False,
            )
        },
        "/healthz": {
            "get": operation(
                "checkHealth",
                "Ready: the process and its database answer (send no traffic if not)",
                "meta",
                {
                    200: response("Healthy.", ref("Health")),
                    503: response("The database does not answer.", ref("HealthFailure")),
                },
                secured=False,
            )
        },
        "/livez": {
            "get": operation(
                "checkLiveness",
                "The process answers (restart it if not); the database is not asked",
                "meta",
                {200: response("Alive.", ref("Liveness"))},
                secured=False,
            )
        },
        "/openapi.json": {
            "get": operation(
                "getOpenApi",
                "This document",
                "meta",
                {200: response("OpenAPI 3.1.", {"type": "object"})},
                secured=False,
            )
        },
        "/api/v1/campaigns/{slug}/widget": {
            "get": operation(
                "getCampaignWidget",
                "What the widget shows on load, and a friend's offer for a valid ref",
                "widget",
                {200: response("The widget's configuration.", ref("WidgetConfig"))},
                # 429: a bare code as ref counts towards the unknown-code limit of /r/ and /qr/.
                errors=[403, 404, 422, 429],
                parameters=[
                    SLUG,
                    param(
                        "lang",
                        "query",
                        STRING,
                        "the shopper's language tag: nl, en, de or fr; another or none follows "
                        "Accept-Language, else en.",
                    ),
                    param(
                        "ref",
                        "query",
                        STRING,
                        "The signed ref a friend landed with, or a bare referral code (what a "
                        "link hands on when its click could not be stored).",
                    ),
                ],
                secured=False,
            ),
            "options": preflight("preflightCampaignWidget", SLUG),
        },
        "/api/v1/advocates": {
            "post": operation(
                "joinCampaign",
                "A shopper becomes an advocate: code, link, QR codes, share text",
                "widget",
                {200: response("The shopper's link.", ref("AdvocateLink"))},
                errors=[400, 403, 404, 413, 415, 422, 429],
                request_body=body(ref("JoinRequest")),
                secured=False,
                description="Always 200, in one shape, whether the address was known or not. "
                "With the shop's signed identity (user_hash of the exact address the record was "
                "made with) the same record on every device, idempotent per campaign and e-mail "
                "address (case-insensitive), with its stored name and coupon code. Without one, "
                "a new address becomes an advocate with a neutral code (FRIEND-…), and a known "
                "address gets a further link of that advocate that credits them but shows "
                "nothing stored: no name, no coupon code, no existing link.",
            ),
            "options": preflight("preflightAdvocates"),
        },
        "/api/v1/campaigns/{slug}/welcome": {
            "post": operation(
                "sendFriendWelcome",
                "A friend asks for their code by e-mail: the welcome e-mail, once per friend",
                "widget",
                {
                    202: response(
                        "Accepted (the same answer when asked before).", ref("WelcomeAccepted")
                    )
                },
                errors=[400, 403, 404, 409, 413, 415, 422, 429],
                parameters=[SLUG],
                request_body=body(ref("WelcomeRequest")),
                secured=False,
                description="The code is the one the widget shows for this ref (issued now if "
                "need be); 409 no_friend_code when the campaign gives the discount through the "
                "link. Sent only with SHAREBACK_SMTP_URL and a sender, never to an address that "
                "unsubscribed.",
            ),
            "options": preflight("preflightFriendWelcome", SLUG),
        },
        "/api/v1/events": {
            "post": operation(
                "recordWidgetEvent",
                "The widget's first-party beacon: opens, shares per channel, copies",
                "widget",
                {204: response("Recorded.")},
                errors=[400, 403, 404, 413, 415, 422, 429],
                request_body={
                    "required": True,
                    "content": {
                        media: {"schema": ref("WidgetEvent")}
                        for media in ("application/json", "text/plain")
                    },
                },
                secured=False,
            ),
            "options": preflight("preflightEvents"),
        },
        "/webhooks/orders": {
            "post": operation(
                "receiveOrderWebhook",
                "The checkout's order webhook, signed per Standard Webhooks",
                "webhooks",
                {200: response("What happened; replays answer duplicate.", ref("WebhookOutcome"))},
                errors=[400, 401, 413, 422],
                parameters=standard_headers,
                request_body=body(ref("OrderEvent")),
                secured=False,
                description="Svix's names for the same headers (svix-id, svix-timestamp, "
                "svix-signature) are read as well; a secret's base64 padding is optional.",
            )
        },
        **{f"/webhooks/{name}": platform_webhook(name) for name in PLATFORMS},
        "/r/{code}": {
            "get": operation(
                "followReferralLink",
                "The referral link: records the click, redirects with a signed ref",
                "links",
                {
                    200: response(
                        "A link-preview bot (WhatsApp, Facebook, X, LinkedIn, Telegram, Slack…) "
                        "gets a page of Open Graph and Twitter Card tags with the friend's offer "
                        "instead of the redirect; it is never counted as a click.",
                        STRING,
                        media_type="text/html",
                    ),
                    303: response(
                        "To the campaign's landing URL with ?ref=.",
                        headers={"Location": header("The landing URL with the signed ref.")},
                    ),
                    404: response(
                        "No such code: a page in Dutch and English with a link on to the shop.",
                        STRING,
                        media_type="text/html",
                    ),
                    410: response(
                        "The campaign ended: a page with a link on to its shop.",
                        STRING,
                        media_type="text/html",
                    ),
                    429: response(
                        "Too many unknown codes from this network: every code waits, so codes "
                        "cannot be enumerated (an HTML page).",
                        STRING,
                        media_type="text/html",
                        headers={"Retry-After": header("Seconds to wait.", {"type": "integer"})},
                    ),
                },
                parameters=[
                    param("code", "path", STRING, "The advocate's referral code."),
                    param(
                        "ch",
                        "query",
                        {"type": "string", "examples": sorted(CHANNELS)},
                        f"The channel shared on: {', '.join(sorted(CHANNELS))}. A link is for "
                        "people, so any other value still redirects (counted as link).",
                    ),
                ],
                secured=False,
            )
        },
        "/qr/{code}.svg": qr["svg"],
        "/qr/{code}.png": qr["png"],
    }


@lru_cache(maxsize=4)
def openapi_document(public_url: str) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for part in (
        public_paths(),
        spec.paths(),
        outgoing_spec.paths(),
        codes_spec.paths(),
        customers_spec.paths(),
        gdpr_spec.paths(),
        fraud_spec.paths(),
        payouts_spec.paths(),
        partners_spec.paths(),
        experiments_spec.paths(),
        ambassadors_spec.paths(),
        contests_spec.paths(),
        loyalty_spec.paths(),
        account_spec.paths(preflight),
    ):
        for path, item in part.items():
            paths.setdefault(path, {}).update(item)
    return without_nul(
        {
            "openapi": "3.1.0",
            "info": {
                "title": "Shareback",
                "version": __version__,
                "summary": "Self-hosted referral marketing: the widget's, the checkout's and the "
                "shop owner's HTTP API.",
                "license": {"name": "MIT", "identifier": "MIT"},
            },
            "servers": [{"url": public_url}],
            "paths": with_key_answers(dict(sorted(paths.items()))),
            "webhooks": events_spec.webhooks(),
            "components": {
                "schemas": {
                    **PUBLIC_SCHEMAS,
                    **schemas.SCHEMAS,
                    **outgoing_spec.SCHEMAS,
                    **codes_spec.SCHEMAS,
                    **customers_spec.SCHEMAS,
                    **gdpr_spec.SCHEMAS,
                    **events_spec.SCHEMAS,
                    **fraud_spec.SCHEMAS,
                    **payouts_spec.SCHEMAS,
                    **partners_spec.SCHEMAS,
                    **experiments_spec.SCHEMAS,
                    **ambassadors_spec.SCHEMAS,
                    **segments_spec.SCHEMAS,
                    **contests_spec.SCHEMAS,
                    **loyalty_spec.SCHEMAS,
                    **account_spec.SCHEMAS,
                },
                "responses": error_responses(),
                "securitySchemes": {
                    "bearerAuth": {
                        "type": "http",
                        "scheme": "bearer",
                        "description": "An API key from `shareback keys create`, or "
                        "SHAREBACK_ADMIN_API_KEY.",
                    }
                },
            },
        }
    )
