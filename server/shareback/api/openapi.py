"""The OpenAPI 3.1 description of every JSON endpoint, public and owner, served at /openapi.json."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from shareback import __version__
from shareback.api.owner import spec as owner_spec
from shareback.api.owner.schema_kit import (
    BOOLEAN,
    COUNT,
    EMAIL,
    ID,
    INTEGER,
    STRING,
    TIME,
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
)
from shareback.channels import CHANNELS, EVENT_TYPES
from shareback.outgoing.retry import EVENT_TYPES as OUTGOING_EVENT_TYPES
from shareback.rewards import REWARD_TYPES

TEXT = {"type": "string", "maxLength": 200}
AMOUNT: Schema = {"type": ["string", "integer"], "description": 'a decimal string, e.g. "59.90"'}
DELIVERY_FIELDS: dict[str, Schema] = {
    "id": ID,
    "endpoint_id": ID,
    "url": URL,
    "message_id": STRING,
    "type": enum(OUTGOING_EVENT_TYPES),
    "status": enum(["pending", "delivered", "dead"]),
    "attempts": COUNT,
    "next_attempt_at": nullable(TIME),
    "last_status_code": nullable(INTEGER),
    "last_error": nullable(STRING),
    "delivered_at": nullable(TIME),
    "created_at": TIME,
}

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
    "Offers": obj({"referrer": STRING, "friend": STRING}, description="Worded for people."),
    "RewardSpec": obj(
        {"type": enum(REWARD_TYPES), "value": STRING, "currency": STRING},
    ),
    "JoinRequest": obj(
        {
            "campaign": {"type": "string", "maxLength": 64},
            "email": {**EMAIL, "maxLength": 254},
            "name": nullable({"type": "string", "maxLength": 100}),
            "user_hash": nullable(
                {"type": "string", "description": "hex HMAC-SHA256 of the e-mail address"}
            ),
            "lang": nullable(enum(["nl", "en"])),
        },
        optional=["name", "user_hash", "lang"],
        closed=False,
    ),
    "AdvocateLink": obj(
        {
            "code": STRING,
            "name": nullable(STRING),
            "link": URL,
            "qr": obj({"svg": URL, "png": URL}),
            "share": obj({"text": STRING, "subject": STRING}),
            "headline": STRING,
            "offer": ref("Offers"),
            "verified": BOOLEAN,
        }
    ),
    "WidgetConfig": obj(
        {
            "campaign": STRING,
            "lang": enum(["nl", "en"]),
            "headline": STRING,
            "offer": ref("Offers"),
            "rewards": obj({"referrer": ref("RewardSpec"), "friend": ref("RewardSpec")}),
            "attribution_days": INTEGER,
            "channels": array(STRING),
            "messenger_app_id": nullable(STRING),
            "ref": nullable(enum(["valid", "invalid", "expired"])),
            "friend": nullable(
                obj({"referrer_name": nullable(STRING), "message": STRING, "offer": STRING})
            ),
        }
    ),
    "WidgetEvent": obj(
        {
            "campaign": STRING,
            "type": enum(sorted(EVENT_TYPES)),
            "channel": nullable(enum(sorted(CHANNELS))),
            "code": nullable(STRING),
        },
        optional=["channel", "code"],
        closed=False,
    ),
    "OrderEvent": {
        "oneOf": [ref("OrderPaidEvent"), ref("OrderRefundedEvent")],
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
                },
                optional=["email", "name", "currency", "ref", "coupon_codes"],
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
    "WebhookOutcome": obj(
        {
            "status": enum(["recorded", "duplicate", "ignored"]),
            "reason": {
                **STRING,
                "examples": ["referral", "self_referral", "order_already_recorded"],
            },
            "referral_id": ID,
            "rewards_revoked": COUNT,
            "rewards_reduced": COUNT,
        },
        optional=["referral_id", "rewards_revoked", "rewards_reduced"],
    ),
    "WebhookEndpointInput": obj(
        {
            "url": URL,
            "events": array(enum(["*", *OUTGOING_EVENT_TYPES]), minItems=1),
            "description": TEXT,
        },
        optional=["events", "description"],
        closed=False,
    ),
    "WebhookEndpoint": obj(
        {
            "id": ID,
            "url": URL,
            "events": array(STRING),
            "description": STRING,
            "created_at": TIME,
            "disabled_at": nullable(TIME),
            "secret": {**STRING, "description": "whsec_…: verify our signatures with it"},
        }
    ),
    "WebhookEndpointList": obj({"data": array(ref("WebhookEndpoint"))}),
    "WebhookDelivery": obj(DELIVERY_FIELDS),
    "WebhookDeliveryPage": obj(
        {"data": array(ref("WebhookDelivery")), "next_before": nullable(ID)}
    ),
    "WebhookDeliveryDetail": obj(
        {
            **DELIVERY_FIELDS,
            "attempts_log": array(
                obj(
                    {
                        "at": TIME,
                        "status_code": nullable(INTEGER),
                        "error": nullable(STRING),
                        "duration_ms": COUNT,
                    }
                )
            ),
        }
    ),
    "Redelivery": obj({"status": enum(["pending"])}),
}

SLUG = param("slug", "path", STRING, "The campaign's slug.")
NOT_CONFIGURED = response("The platform's secret is not set (SHAREBACK_…_SECRET).", ref("Error"))
PLATFORMS = {
    "shopify": ("Shopify", "X-Shopify-Hmac-Sha256", "SHAREBACK_SHOPIFY_SECRET"),
    "stripe": ("Stripe", "Stripe-Signature", "SHAREBACK_STRIPE_WEBHOOK_SECRET"),
    "woocommerce": ("WooCommerce", "X-WC-Webhook-Signature", "SHAREBACK_WOOCOMMERCE_SECRET"),
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
    title, signature, secret = PLATFORMS[name]
    return {
        "post": operation(
            f"receive{title}Webhook",
            f"{title}'s native order webhooks, verified with {title}'s own scheme",
            "webhooks",
            {200: response("What happened.", ref("WebhookOutcome")), 503: NOT_CONFIGURED},
            errors=[400, 401, 413, 422],
            parameters=[
                param(signature, "header", STRING, f"Signed with {secret}.", required=True)
            ],
            request_body=body(
                {"type": "object", "description": f"The payload exactly as {title} sends it."}
            ),
            secured=False,
        )
    }


def public_paths() -> dict[str, dict[str, Any]]:
    standard_headers = [
        param(name, "header", STRING, meaning, required=True)
        for name, meaning in (
            ("webhook-id", "Unique per message; replays are recognised by it."),
            ("webhook-timestamp", "Unix seconds; at most 5 minutes off."),
            ("webhook-signature", "v1,<base64 HMAC-SHA256> with SHAREBACK_WEBHOOK_SECRET."),
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
                errors=[404],
                parameters=[qr_code],
                secured=False,
            )
        }
        for fmt, media in (("svg", "image/svg+xml"), ("png", "image/png"))
    }
    return {
        "/healthz": {
            "get": operation(
                "checkHealth",
                "The process and its database answer",
                "meta",
                {
                    200: response("Healthy.", ref("Health")),
                    503: response("The database does not answer.", ref("HealthFailure")),
                },
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
                errors=[403, 404, 422],
                parameters=[
                    SLUG,
                    param("lang", "query", STRING, "nl or en (default en)."),
                    param("ref", "query", STRING, "The signed ref a friend landed with."),
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
                {
                    200: response("Already an advocate: the same code.", ref("AdvocateLink")),
                    201: response("A new advocate.", ref("AdvocateLink")),
                },
                errors=[400, 403, 404, 413, 415, 422, 429],
                request_body=body(ref("JoinRequest")),
                secured=False,
                description="Idempotent per campaign and e-mail address (case-insensitive).",
            ),
            "options": preflight("preflightAdvocates"),
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
            )
        },
        **{f"/webhooks/{name}": platform_webhook(name) for name in PLATFORMS},
        "/r/{code}": {
            "get": operation(
                "followReferralLink",
                "The referral link: records the click, redirects with a signed ref",
                "links",
                {
                    303: response(
                        "To the campaign's landing URL with ?ref=.",
                        headers={"Location": header("The landing URL with the signed ref.")},
                    ),
                    404: response("No such code (an HTML page).", STRING, media_type="text/html"),
                    410: response(
                        "The campaign ended (an HTML page).", STRING, media_type="text/html"
                    ),
                },
                parameters=[
                    param("code", "path", STRING, "The advocate's referral code."),
                    param("ch", "query", enum(sorted(CHANNELS)), "The channel shared on."),
                ],
                secured=False,
            )
        },
        "/qr/{code}.svg": qr["svg"],
        "/qr/{code}.png": qr["png"],
    }


def outgoing_paths() -> dict[str, dict[str, Any]]:
    endpoint_id = param("endpoint_id", "path", ID, "The endpoint's id.")
    delivery_id = param("delivery_id", "path", ID, "The delivery's id.")
    return {
        "/api/v1/webhook-endpoints": {
            "get": operation(
                "listWebhookEndpoints",
                "List the endpoints that receive Shareback's events",
                "outgoing webhooks",
                {200: response("The endpoints, with their secrets.", ref("WebhookEndpointList"))},
            ),
            "post": operation(
                "createWebhookEndpoint",
                "Add an endpoint; events are signed per Standard Webhooks with its secret",
                "outgoing webhooks",
                {201: response("Created, with its secret.", ref("WebhookEndpoint"))},
                errors=[400, 413, 415, 422],
                request_body=body(ref("WebhookEndpointInput")),
            ),
        },
        "/api/v1/webhook-endpoints/{endpoint_id}": {
            "delete": operation(
                "disableWebhookEndpoint",
                "Stop sending events to an endpoint",
                "outgoing webhooks",
                {204: response("Disabled.")},
                errors=[404],
                parameters=[endpoint_id],
            )
        },
        "/api/v1/webhook-deliveries": {
            "get": operation(
                "listWebhookDeliveries",
                "The delivery log, newest first",
                "outgoing webhooks",
                {200: response("A page of deliveries.", ref("WebhookDeliveryPage"))},
                errors=[400, 422],
                parameters=[
                    param("status", "query", enum(["pending", "delivered", "dead"]), "Only these."),
                    param("endpoint_id", "query", ID, "Only this endpoint's."),
                    param("before", "query", ID, "next_before of the previous page."),
                    param(
                        "limit", "query", {"type": "integer", "minimum": 1, "maximum": 200}, "Rows."
                    ),
                ],
            )
        },
        "/api/v1/webhook-deliveries/{delivery_id}": {
            "get": operation(
                "getWebhookDelivery",
                "One delivery with every attempt",
                "outgoing webhooks",
                {200: response("The delivery.", ref("WebhookDeliveryDetail"))},
                errors=[404],
                parameters=[delivery_id],
            )
        },
        "/api/v1/webhook-deliveries/{delivery_id}/redeliver": {
            "post": operation(
                "redeliverWebhook",
                "Send a dead or delivered event again",
                "outgoing webhooks",
                {202: response("Queued.", ref("Redelivery"))},
                errors=[404, 409],
                parameters=[delivery_id],
            )
        },
    }


@lru_cache(maxsize=4)
def openapi_document(public_url: str) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for part in (public_paths(), owner_spec.paths(), outgoing_paths()):
        for path, item in part.items():
            paths.setdefault(path, {}).update(item)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Shareback",
            "version": __version__,
            "summary": "Self-hosted referral marketing: the widget's, the checkout's and the "
            "shop owner's HTTP API.",
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "servers": [{"url": public_url}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": {**PUBLIC_SCHEMAS, **owner_spec.SCHEMAS},
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
