"""/api/v1/ambassadors: customers ranked by their ambassador score, each with its reasons (as
structure and in words, ?lang= or Accept-Language); inviting some into a campaign (once each);
and the calibration table per score decile. The rules are crm/'s, as the dashboard uses them."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from shareback import tokens
from shareback.api.owner.bodies import read_object, refuse_unknown_fields
from shareback.api.owner.filters import owned_campaign
from shareback.api.owner.paging import PAGING, decode_cursor, encode_cursor, page_params
from shareback.api.owner.params import bad_param, given, refuse_unknown
from shareback.auth.guard import GUARDED, actor
from shareback.context import context
from shareback.crm import invitations
from shareback.crm.ranking import FilterError, RankedCustomer, parse_filter
from shareback.crm.score import REFUSALS, band, calibration, reason_document, summary
from shareback.errors import ApiError
from shareback.i18n import accepted_locale, pick_locale, use_locale
from shareback.mail import journeys
from shareback.numbers import MAX_ID, json_integer
from shareback.times import rfc3339, rfc3339_or_none

KIND = "ambassadors"
MAX_OFFSET = 10_000  # deeper than that, narrow the filters
FILTERS = frozenset({"band", "country", "tag", "consent", "min_orders"})
LIST_PARAMS = FILTERS | PAGING | {"campaign", "lang"}
INVITE_FIELDS = ("campaign", "customer_ids")


def ambassador_document(row: RankedCustomer) -> dict[str, Any]:
    return {
        "customer_id": row.customer_id,
        "email": row.email,
        "name": row.name,
        "country": row.country,
        "order_count": row.order_count,
        "marketing_consent": row.marketing_consent,
        "score": row.points,
        "band": band(row.points),
        "excluded": row.excluded,
        "reasons": [reason_document(r) for r in row.reasons],
        "summary": summary(row.reasons),
        "scored_at": rfc3339(row.scored_at),
        "invited_at": rfc3339_or_none(row.invited_at),
    }


def _lang(request: Request) -> str:
    asked = given(request.query_params, "lang")
    if asked is not None and asked not in ("en", "nl"):
        raise bad_param("lang", "lang must be en or nl.")
    return pick_locale(asked or accepted_locale(request.headers.get("accept-language")))


async def list_ambassadors(request: Request) -> Response:
    ctx = context(request)
    query = request.query_params
    refuse_unknown(query, LIST_PARAMS)
    given_filters = {k: v for k in FILTERS if (v := given(query, k)) is not None}
    try:
        chosen = parse_filter(given_filters)
    except FilterError as exc:
        raise bad_param(exc.field, exc.message + ".") from None
    cursor = given(query, "cursor")
    _, limit = page_params({k: v for k, v in query.items() if k == "limit"}, KIND)
    offset = decode_cursor(KIND, cursor) if cursor is not None else 0
    if offset > MAX_OFFSET:
        raise bad_param("cursor", "This list goes no deeper; narrow the filters instead.")
    slug = given(query, "campaign")
    campaign = await owned_campaign(ctx.store, slug) if slug is not None else None
    lang = _lang(request)
    await invitations.fresh_scores(ctx.store, ctx.settings.score_rules, tokens.now_utc())
    rows = await ctx.store.ranked_customers(
        chosen, campaign_id=campaign.id if campaign else None, offset=offset, limit=limit + 1
    )
    with use_locale(lang):
        data = [ambassador_document(row) for row in rows[:limit]]
    more = len(rows) > limit and offset + limit <= MAX_OFFSET
    return JSONResponse(
        {"data": data, "next_cursor": encode_cursor(KIND, offset + limit) if more else None}
    )


async def invite_ambassadors(request: Request) -> Response:
    ctx = context(request)
    body = await read_object(request)
    refuse_unknown_fields(body, INVITE_FIELDS)
    slug = body.get("campaign")
    if not isinstance(slug, str):
        raise ApiError(422, "invalid_campaign", "campaign must be a campaign's slug.", "campaign")
    campaign = await owned_campaign(ctx.store, slug)
    if campaign.archived_at is not None:
        raise ApiError(409, "campaign_archived", "The campaign is archived.", "campaign")
    if journeys.INVITE not in (await ctx.store.mail_settings(campaign.id)).journeys:
        raise ApiError(
            409,
            "invitations_off",
            "The campaign does not send the invitation e-mail; switch it on in its mail "
            "settings first.",
            "campaign",
        )
    raw = body.get("customer_ids")
    ids = [json_integer(v) for v in raw] if isinstance(raw, list) else None
    if ids is None or not ids or any(i is None or not 1 <= i <= MAX_ID for i in ids):
        raise ApiError(
            422,
            "invalid_customer_ids",
            "customer_ids must be a list of customer ids.",
            "customer_ids",
        )
    if len(ids) > invitations.MAX_INVITE:
        raise ApiError(
            422,
            "too_many_customers",
            f"Invite at most {invitations.MAX_INVITE} customers per request.",
            "customer_ids",
        )
    report = await invitations.invite(
        ctx.store,
        ctx.settings.score_rules,
        ctx.secrets.secret_key,
        campaign,
        [i for i in ids if i is not None],
        actor(request).name,
        tokens.now_utc(),
    )
    refused = {why: (report.refused or {}).get(why, 0) for why in REFUSALS}
    return JSONResponse(
        {
            "campaign": campaign.slug,
            "invited": report.invited,
            "already_invited": report.already,
            "refused": refused,
            "unknown": report.unknown,
        }
    )


async def show_ambassador_deciles(request: Request) -> Response:
    ctx = context(request)
    refuse_unknown(request.query_params, {"campaign"})
    slug = given(request.query_params, "campaign")
    campaign = await owned_campaign(ctx.store, slug) if slug is not None else None
    rows = calibration(await ctx.store.invitation_deciles(campaign.id if campaign else None))
    return JSONResponse(
        {
            "campaign": campaign.slug if campaign else None,
            "deciles": [
                {
                    "decile": r.decile,
                    "invited": r.invited,
                    "shared": r.shared,
                    "converted": r.converted,
                    "friend_orders": r.friend_orders,
                    "share_rate": None if r.share_rate is None else float(r.share_rate),
                    "conversion_rate": None
                    if r.conversion_rate is None
                    else float(r.conversion_rate),
                }
                for r in rows
            ],
        }
    )


routes = [
    Route("/api/v1/ambassadors", list_ambassadors, methods=["GET"], middleware=GUARDED),
    Route(
        "/api/v1/ambassadors/invitations",
        invite_ambassadors,
        methods=["POST"],
        middleware=GUARDED,
    ),
    Route(
        "/api/v1/ambassadors/deciles", show_ambassador_deciles, methods=["GET"], middleware=GUARDED
    ),
]
