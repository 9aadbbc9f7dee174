"""The owner's outgoing webhooks: endpoints (/api/v1/webhook-endpoints) and the delivery log with
dead letters and "redeliver" (/api/v1/webhook-deliveries)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from shareback import tokens
from shareback.api.owner.paging import PAGING, page_document, page_params
from shareback.api.owner.params import bad_param, parse_id, refuse_unknown
from shareback.auth import keys
from shareback.auth.guard import GUARDED, actor
from shareback.context import context
from shareback.errors import ApiError, optional_str, read_json, require_object, required_str
from shareback.outgoing.retry import EVENT_TYPES
from shareback.storage.base import DeliveryRow, WebhookEndpoint
from shareback.times import rfc3339_or_none
from shareback.urls import endpoint_problem, url_message
from shareback.webhooks.standard import new_secret

DELIVERY_STATUSES = ("pending", "delivered", "dead")
ENDPOINT_EXAMPLE = "https://crm.example.com/hooks/shareback"


# The fields of a new endpoint (WebhookEndpointInput in /openapi.json); others pass unread.
FIELDS = ("url", "events", "description")


def endpoint_document(endpoint: WebhookEndpoint, *, with_secret: bool = False) -> dict[str, Any]:
    document: dict[str, Any] = {
        "id": endpoint.id,
        "url": endpoint.url,
        "events": list(endpoint.events),
        "description": endpoint.description,
        "created_at": rfc3339_or_none(endpoint.created_at),
        "disabled_at": rfc3339_or_none(endpoint.disabled_at),
    }
    if with_secret:
        document["secret"] = endpoint.secret
    return document


def delivery_document(row: DeliveryRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "endpoint_id": row.endpoint_id,
        "url": row.url,
        "message_id": row.message_id,
        "type": row.type,
        "status": row.status,
        "attempts": row.attempts,
        "next_attempt_at": rfc3339_or_none(row.next_attempt_at)
        if row.status == "pending"
        else None,
        "last_status_code": row.last_status_code,
        "last_error": row.last_error,
        "delivered_at": rfc3339_or_none(row.delivered_at),
        "created_at": rfc3339_or_none(row.created_at),
    }


def parse_events(body: dict[str, Any]) -> tuple[str, ...]:
    events = body.get("events", ["*"])
    if not isinstance(events, list) or not events or not all(isinstance(e, str) for e in events):
        raise ApiError(
            422, "invalid_events", "events must be a non-empty list of event types.", "events"
        )
    # Unknown names are refused even beside "*": a typo must not pass unnoticed.
    unknown = sorted(set(events) - {"*", *EVENT_TYPES})
    if unknown:
        raise ApiError(
            422,
            "invalid_events",
            f"Unknown event types {unknown}; known: {', '.join(EVENT_TYPES)}.",
            "events",
        )
    if "*" in events:
        return ("*",)
    return tuple(dict.fromkeys(events))


async def create_webhook_endpoint(request: Request) -> Response:
    ctx = context(request)
    body = require_object(await read_json(request, ctx.settings.max_body_bytes, fields=FIELDS))
    url = required_str(body, "url", 2000)
    problem = endpoint_problem(url, allow_http=ctx.settings.allow_http_endpoints)
    if problem:
        raise ApiError(422, "invalid_url", url_message(problem, ENDPOINT_EXAMPLE), "url")
    events = parse_events(body)
    description = optional_str(body, "description", 200) or ""
    endpoint = await ctx.store.create_endpoint(
        url, events, new_secret(), description, tokens.now_utc()
    )
    # The secret is shown here and in the list: the owner's receiver needs it to verify us.
    return JSONResponse(endpoint_document(endpoint, with_secret=True), status_code=201)


async def list_webhook_endpoints(request: Request) -> Response:
    endpoints = await context(request).store.endpoints()
    # A read-only key reads the endpoints but not the secrets that would let it sign our events.
    with_secret = actor(request).scope == keys.FULL
    return JSONResponse(
        {"data": [endpoint_document(e, with_secret=with_secret) for e in endpoints]}
    )


def path_id(request: Request, name: str) -> int:
    found = parse_id(request.path_params[name])
    if found is None:
        raise ApiError(404, "not_found", f"No such {name.replace('_', ' ')}.")
    return found


async def disable_webhook_endpoint(request: Request) -> Response:
    ctx = context(request)
    if not await ctx.store.disable_endpoint(path_id(request, "endpoint_id"), tokens.now_utc()):
        raise ApiError(404, "not_found", "No active webhook endpoint with that id.")
    return Response(status_code=204)


async def list_webhook_deliveries(request: Request) -> Response:
    query = request.query_params
    refuse_unknown(query, {"status", "endpoint_id"} | PAGING)
    status = query.get("status")
    if status is not None and status not in DELIVERY_STATUSES:
        raise bad_param("status", f"status is one of {', '.join(DELIVERY_STATUSES)}.")
    endpoint_text = query.get("endpoint_id")
    endpoint_id = parse_id(endpoint_text) if endpoint_text is not None else None
    if endpoint_text is not None and endpoint_id is None:
        raise bad_param("endpoint_id", "endpoint_id must be an endpoint's id.")
    before, limit = page_params(query, "deliveries")
    rows = await context(request).store.list_deliveries(
        status=status, endpoint_id=endpoint_id, before=before, limit=limit + 1
    )
    return JSONResponse(page_document(rows, limit, "deliveries", delivery_document))


async def show_webhook_delivery(request: Request) -> Response:
    ctx = context(request)
    delivery_id = path_id(request, "delivery_id")
    rows = [
        r
        for r in await ctx.store.list_deliveries(before=delivery_id + 1, limit=1)
        if r.id == delivery_id
    ]
    if not rows:
        raise ApiError(404, "not_found", "No such delivery.")
    attempts = await ctx.store.delivery_attempts(delivery_id)
    document = delivery_document(rows[0])
    document["attempts_log"] = [
        {
            "at": rfc3339_or_none(a.at),
            "status_code": a.status_code,
            "error": a.error,
            "duration_ms": a.duration_ms,
        }
        for a in attempts
    ]
    return JSONResponse(document)


async def redeliver_webhook(request: Request) -> Response:
    ctx = context(request)
    if not await ctx.store.redeliver(path_id(request, "delivery_id"), tokens.now_utc()):
        raise ApiError(
            409, "not_redeliverable", "Only dead or delivered deliveries can be sent again."
        )
    return JSONResponse({"status": "pending"}, status_code=202)


routes = [
    Route("/api/v1/webhook-endpoints", list_webhook_endpoints, methods=["GET"], middleware=GUARDED),
    Route(
        "/api/v1/webhook-endpoints", create_webhook_endpoint, methods=["POST"], middleware=GUARDED
    ),
    Route(
        "/api/v1/webhook-endpoints/{endpoint_id}",
        disable_webhook_endpoint,
        methods=["DELETE"],
        middleware=GUARDED,
    ),
    Route(
        "/api/v1/webhook-deliveries", list_webhook_deliveries, methods=["GET"], middleware=GUARDED
    ),
    Route(
        "/api/v1/webhook-deliveries/{delivery_id}",
        show_webhook_delivery,
        methods=["GET"],
        middleware=GUARDED,
    ),
    Route(
        "/api/v1/webhook-deliveries/{delivery_id}/redeliver",
        redeliver_webhook,
        methods=["POST"],
        middleware=GUARDED,
    ),
]
