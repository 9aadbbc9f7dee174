"""The owner's outgoing webhooks in /openapi.json: endpoints and the delivery log."""

from __future__ import annotations

from typing import Any

from shareback.api.owner.schema_kit import (
    COUNT,
    ID,
    INTEGER,
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
from shareback.api.owner.spec import paging
from shareback.outgoing.retry import EVENT_TYPES

DELIVERY_FIELDS: dict[str, Schema] = {
    "id": ID,
    "endpoint_id": ID,
    "url": URL,
    "message_id": STRING,
    "type": enum(EVENT_TYPES),
    "status": enum(["pending", "delivered", "dead"]),
    "attempts": COUNT,
    "next_attempt_at": nullable(TIME),
    "last_status_code": nullable(INTEGER),
    "last_error": nullable(STRING),
    "delivered_at": nullable(TIME),
    "created_at": TIME,
}

SCHEMAS: dict[str, Schema] = {
    "WebhookEndpointInput": obj(
        {
            "url": URL,
            "events": array(enum(["*", *EVENT_TYPES]), minItems=1),
            "description": nullable({"type": "string", "maxLength": 200}),
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
            "secret": {
                **STRING,
                "description": "whsec_…: verify our signatures with it (not shown to read-only keys)",
            },
        },
        optional=["secret"],
    ),
    "WebhookEndpointList": obj({"data": array(ref("WebhookEndpoint"))}),
    "WebhookDelivery": obj(DELIVERY_FIELDS),
    "WebhookDeliveryPage": obj(
        {"data": array(ref("WebhookDelivery")), "next_cursor": nullable(STRING)}
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


def paths() -> dict[str, dict[str, Any]]:
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
                errors=[400],
                parameters=[
                    param("status", "query", enum(["pending", "delivered", "dead"]), "Only these."),
                    param("endpoint_id", "query", ID, "Only this endpoint's."),
                    *paging("deliveries"),
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
