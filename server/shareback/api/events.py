"""POST /api/v1/events: the widget's first-party share beacon (opens, shares per channel, copies)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shareback import codes, tokens
from shareback.api import targeting
from shareback.api.campaign_widget import active_campaign
from shareback.channels import CHANNELS, EVENT_TYPES
from shareback.context import client_ip, context
from shareback.cors import allow_origin, answer_preflight, with_cors
from shareback.errors import ApiError, optional_str, read_json, require_object, required_str

# The fields of a beacon (WidgetEvent in /openapi.json); others pass unread.
FIELDS = ("campaign", "type", "channel", "code")


async def record_widget_event(request: Request) -> Response:
    ctx = context(request)
    if not await ctx.limiter.allow("events:" + client_ip(request)):
        raise ApiError(429, "rate_limited", "Too many events from this address.")
    # sendBeacon posts text/plain so that no preflight is needed.
    body = require_object(await read_json(request, 4096, allow_text_plain=True, fields=FIELDS))
    campaign = await active_campaign(request, required_str(body, "campaign", 64))
    allow_origin(request, campaign)
    event_type = required_str(body, "type", 16)
    if event_type not in EVENT_TYPES:
        raise ApiError(
            422, "invalid_type", f"type must be one of {', '.join(sorted(EVENT_TYPES))}.", "type"
        )
    channel = optional_str(body, "channel", 16)
    if channel is not None and channel not in CHANNELS:
        raise ApiError(422, "invalid_channel", f"Unknown channel '{channel}'.", "channel")
    advocate_id = None
    raw_code = optional_str(body, "code", 32)
    if raw_code is not None:
        code = codes.normalize_code(raw_code)
        advocate = await ctx.store.advocate_by_code(code) if code else None
        # Targeting may have given the shopper another campaign of this site (api/targeting.py):
        # their shares count there.
        found = (
            await targeting.widget_campaign_of(
                ctx.store,
                campaign,
                advocate.campaign_id,
                request.headers.get("origin"),
                tokens.now_utc(),
            )
            if advocate is not None
            else None
        )
        if advocate is None or found is None:
            # Dropped, answered as a recorded one: a beacon must not tell a real code from a
            # guess (120 guesses a minute past the 429 of /r/ and /qr/). The widget only ever
            # sends the code it was given.
            return with_cors(request, Response(status_code=204))
        advocate_id, campaign = advocate.id, found
    await ctx.store.record_event(campaign.id, advocate_id, event_type, channel, tokens.now_utc())
    return with_cors(request, Response(status_code=204))


routes = [
    Route("/api/v1/events", record_widget_event, methods=["POST"]),
    Route("/api/v1/events", answer_preflight, methods=["OPTIONS"]),
]
