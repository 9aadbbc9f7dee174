"""Partner programmes through the owner's API: the programme's settings, partners invited or
applied, approved or rejected, their terms, codes and placements, their numbers per placement,
their commissions, their payout accounts and who is owed what (to pay in a payout batch)."""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from shareback import emails, payouts, tokens
from shareback.api.owner.bodies import read_object, refuse_unknown_fields
from shareback.api.owner.documents import money_document
from shareback.api.owner.params import parse_id, refuse_unknown
from shareback.api.owner.payouts import account_document
from shareback.auth.guard import GUARDED, actor
from shareback.context import context
from shareback.errors import ApiError
from shareback.numbers import json_integer
from shareback.partners import service, terms
from shareback.partners.commission import BASES
from shareback.partners.terms import InvalidTerms, percent_text
from shareback.storage.partner_records import (
    STATUSES,
    CodeTaken,
    CommissionRow,
    Partner,
    PartnerStats,
    PayablePartner,
    PlacementStats,
    Programme,
)
from shareback.times import rfc3339, rfc3339_or_none

PROGRAMME_FIELDS = (
    "name",
    "currency",
    "commission_percent",
    "basis",
    "window_days",
    "attribution_days",
    "hold_days",
)


def programme_document(found: Programme) -> dict[str, Any]:
    s = found.settings
    return {
        "slug": found.slug,
        "name": s.name,
        "currency": s.currency,
        "commission_percent": percent_text(s.rate_bp),
        "basis": s.basis,
        "window_days": s.window_days,
        "attribution_days": s.attribution_days,
        "hold_days": s.hold_days,
    }


def partner_document(partner: Partner, public_url: str) -> dict[str, Any]:
    t = partner.terms
    return {
        "id": partner.id,
        "programme": partner.programme_slug,
        "email": partner.email,
        "name": partner.name,
        "website": partner.website,
        "pitch": partner.pitch,
        "status": partner.status,
        "code": partner.code,
        "link": f"{public_url}/r/{partner.code}",
        "coupon_code": partner.coupon_code,
        "commission_percent": None if t.rate_bp is None else percent_text(t.rate_bp),
        "basis": t.basis,
        "window_days": t.window_days,
        "created_by": partner.created_by,
        "created_at": rfc3339(partner.created_at),
        "decided_by": partner.decided_by,
        "decided_at": rfc3339_or_none(partner.decided_at),
    }


def stats_row(row: PlacementStats, currency: str) -> dict[str, Any]:
    return {
        "placement": row.placement,
        "clicks": row.clicks,
        "orders": row.orders,
        "revenue": money_document(row.revenue_minor, currency),
        "pending": money_document(row.pending_minor, currency),
        "approved": money_document(row.approved_minor, currency),
        "paid": money_document(row.paid_minor, currency),
        "clawed_back": money_document(row.clawed_back_minor, currency),
    }


def stats_document(stats: PartnerStats) -> dict[str, Any]:
    return {
        "currency": stats.currency,
        "total": stats_row(stats.total, stats.currency),
        "placements": [stats_row(r, stats.currency) for r in stats.placements],
        "refused_orders": stats.refused_orders,
    }


def commission_document(row: CommissionRow, currency: str) -> dict[str, Any]:
    return {
        "id": row.id,
        "order_id": row.order_id,
        "placement": row.placement,
        "via": row.via,
        "status": row.status,
        "reason": row.reason,
        "revenue": money_document(row.revenue_minor, row.currency),
        "kept": money_document(row.kept_minor, row.currency),
        "commission_percent": percent_text(row.rate_bp),
        "amount": money_document(row.amount_minor, currency),
        "clawed_back": money_document(row.clawed_back_minor, currency),
        "approve_after": rfc3339(row.approve_after),
        "approved_at": rfc3339_or_none(row.approved_at),
        "paid_at": rfc3339_or_none(row.paid_at),
        "created_at": rfc3339(row.created_at),
    }


def payable_document(found: PayablePartner) -> dict[str, Any]:
    return {
        "partner_id": found.partner_id,
        "code": found.code,
        "email": found.email,
        "approved": money_document(found.approved_minor, found.currency),
        "clawed_back": money_document(found.clawed_back_minor, found.currency),
        "owed": money_document(found.owed_minor, found.currency),
        "account": account_document(found.account),
    }


def terms_error(exc: InvalidTerms) -> ApiError:
    return ApiError(422, f"invalid_{exc.field}", exc.message, exc.field)


# The API's shapes as /openapi.json gives them. The dashboard's form is looser (a blank field
# means the programme's, "7,5" or " 10 " are fine there), and terms.py serves both; here a
# value the document calls invalid is refused, never read as "the programme's".
PERCENT_TEXT = re.compile(r"(100([.,]0{1,2})?|[0-9]{1,2}([.,][0-9]{1,2})?)")
DAY_FIELDS = ("window_days", "attribution_days", "hold_days")


def refuse_loose_terms(body: dict[str, Any], *, nullable: bool) -> None:
    """Each given term in the document's shape (days made ints), else a 422 naming it."""
    for field, value in body.items():
        if value is None and nullable:
            continue
        if field == "commission_percent" and not (
            isinstance(value, str) and PERCENT_TEXT.fullmatch(value)
        ):
            raise ApiError(
                422,
                "invalid_commission_percent",
                'Give the commission as a percentage (text) such as "10" or "7.5".',
                field,
            )
        if field in DAY_FIELDS:
            whole = json_integer(value)  # 30.0 is JSON Schema's integer too
            if whole is None:
                raise ApiError(
                    422, f"invalid_{field}", f"{field} is a whole number of days.", field
                )
            body[field] = whole
        if field == "basis" and value not in BASES:
            raise ApiError(422, "invalid_basis", "basis is first_order or every_order.", field)


async def path_programme(request: Request) -> Programme:
    slug: str = request.path_params["slug"]
    if not terms.SLUG.fullmatch(slug):
        raise ApiError(404, "unknown_programme", "There is no such partner programme.")
    found = await context(request).store.partner_programme(slug)
    if found is None:
        raise ApiError(404, "unknown_programme", "There is no such partner programme.")
    return found


async def path_partner(request: Request) -> Partner:
    raw = str(request.path_params["partner_id"])
    partner_id = parse_id(raw)
    found = None if partner_id is None else await context(request).store.partner(partner_id)
    if found is None:
        raise ApiError(404, "unknown_partner", f"There is no partner {raw[:40]}.")
    return found


async def show_programme(request: Request) -> Response:
    return JSONResponse(programme_document(await path_programme(request)))


async def save_programme(request: Request) -> Response:
    ctx = context(request)
    body = await read_object(request)
    refuse_unknown_fields(body, PROGRAMME_FIELDS)
    refuse_loose_terms(body, nullable=False)
    slug: str = request.path_params["slug"]
    if not terms.SLUG.fullmatch(slug):
        raise ApiError(422, "invalid_slug", "A slug is 1 to 40 of a-z, 0-9 and -.", "slug")
    current = await ctx.store.partner_programme(slug)
    try:
        settings = terms.programme_settings(body, current.settings if current else terms.DEFAULT)
    except InvalidTerms as exc:
        raise terms_error(exc) from None
    campaign_id = current.campaign_id if current else (await service.programme(ctx)).campaign_id
    saved = await ctx.store.save_partner_programme(slug, campaign_id, settings, tokens.now_utc())
    return JSONResponse(programme_document(saved), status_code=200 if current else 201)


async def list_partners(request: Request) -> Response:
    ctx = context(request)
    refuse_unknown(request.query_params, frozenset({"programme", "status"}))
    status = request.query_params.get("status")
    if status is not None and status not in STATUSES:
        raise ApiError(400, "invalid_status", f"status is one of {', '.join(STATUSES)}.", "status")
    programme_id = None
    if "programme" in request.query_params:
        slug = request.query_params["programme"]
        found = await ctx.store.partner_programme(slug) if terms.SLUG.fullmatch(slug) else None
        if found is None:
            raise ApiError(404, "unknown_programme", "There is no such partner programme.")
        programme_id = found.id
    rows = await ctx.store.list_partners(programme_id, status)
    url = ctx.settings.public_url
    return JSONResponse({"data": [partner_document(p, url) for p in rows]})


async def invite_partner(request: Request) -> Response:
    """The owner invites someone: an e-mail with their portal link; they accept there."""
    ctx = context(request)
    body = await read_object(request)
    refuse_unknown_fields(body, ("programme", "email", "name", "lang"))
    email, name = body.get("email"), body.get("name")
    if not isinstance(email, str) or not emails.is_valid_email(email.strip()):
        raise ApiError(422, "invalid_email", "email must be a valid e-mail address.", "email")
    if not isinstance(name, str) or not name.strip() or len(name) > 100:
        raise ApiError(422, "invalid_name", "name is 1 to 100 characters.", "name")
    lang = body.get("lang", "nl")
    if lang not in ("nl", "en"):
        raise ApiError(422, "invalid_lang", "lang is nl or en.", "lang")
    slug = body.get("programme", "default")
    if not isinstance(slug, str) or not terms.SLUG.fullmatch(slug):
        raise ApiError(422, "invalid_programme", "programme is a programme's slug.", "programme")
    found = await ctx.store.partner_programme(slug)
    if found is None:
        found = await service.programme(ctx) if slug == "default" else None
    if found is None:
        raise ApiError(404, "unknown_programme", "There is no such partner programme.")
    partner, created = await ctx.store.add_partner(
        found.id,
        email.strip(),
        " ".join(name.split()),
        "invited",
        actor(request).name,
        tokens.now_utc(),
    )
    sent = await service.send(ctx, partner, "invitation", lang) if created else False
    document = {**partner_document(partner, ctx.settings.public_url), "invitation_sent": sent}
    return JSONResponse(document, status_code=201 if created else 200)


async def show_partner(request: Request) -> Response:
    ctx = context(request)
    partner = await path_partner(request)
    document = partner_document(partner, ctx.settings.public_url)
    placements = await ctx.store.partner_placements(partner.id)
    document["placements"] = [
        {"key": p.key, "label": p.label, "link": service.link(ctx, partner, p.key)}
        for p in placements
    ]
    document["stats"] = stats_document(await ctx.store.partner_stats(partner.id))
    return JSONResponse(document)


async def decide(request: Request, status: str) -> Response:
    ctx = context(request)
    partner = await path_partner(request)
    decided = await ctx.store.decide_partner(
        partner.id, status, actor(request).name, tokens.now_utc()
    )
    assert decided is not None
    return JSONResponse(partner_document(decided, ctx.settings.public_url))


async def approve_partner(request: Request) -> Response:
    return await decide(request, "approved")


async def reject_partner(request: Request) -> Response:
    return await decide(request, "rejected")


async def change_partner(request: Request) -> Response:
    """A partner's own terms (null: the programme's) and checkout code."""
    ctx = context(request)
    body = await read_object(request)
    refuse_unknown_fields(body, ("commission_percent", "basis", "window_days", "coupon_code"))
    refuse_loose_terms(body, nullable=True)
    partner = await path_partner(request)
    merged: dict[str, object] = {
        "commission_percent": None
        if partner.terms.rate_bp is None
        else percent_text(partner.terms.rate_bp),
        "basis": partner.terms.basis,
        "window_days": partner.terms.window_days,
        **body,
    }
    try:
        own = terms.partner_terms(merged)
    except InvalidTerms as exc:
        raise terms_error(exc) from None
    coupon = partner.coupon_code
    if "coupon_code" in body:
        raw = body["coupon_code"]
        coupon = None if raw is None else terms.coupon(raw)
        if raw is not None and coupon is None:
            raise ApiError(
                422,
                "invalid_coupon_code",
                "coupon_code is 3 to 32 of A-Z, 0-9, - and _ (or null).",
                "coupon_code",
            )
    try:
        changed = await ctx.store.set_partner_terms(partner.id, own, coupon)
    except CodeTaken:
        raise ApiError(
            409, "coupon_code_taken", "That code is someone else's already.", "coupon_code"
        ) from None
    assert changed is not None
    return JSONResponse(partner_document(changed, ctx.settings.public_url))


async def add_placement(request: Request) -> Response:
    ctx = context(request)
    body = await read_object(request)
    refuse_unknown_fields(body, ("key", "label"))
    partner = await path_partner(request)
    key = terms.placement_key(body.get("key"))
    if key is None:
        raise ApiError(422, "invalid_key", "key is 1 to 32 of a-z, 0-9 and -.", "key")
    label = body.get("label", key)
    if not isinstance(label, str) or not label.strip() or len(label) > 80:
        raise ApiError(422, "invalid_label", "label is 1 to 80 characters.", "label")
    await ctx.store.add_partner_placement(partner.id, key, label.strip(), tokens.now_utc())
    return JSONResponse(
        {"key": key, "label": label.strip(), "link": service.link(ctx, partner, key)},
        status_code=201,
    )


async def list_commissions(request: Request) -> Response:
    ctx = context(request)
    refuse_unknown(request.query_params, frozenset())
    partner = await path_partner(request)
    found = await ctx.store.partner_programme_by_id(partner.programme_id)
    currency = found.settings.currency if found else "EUR"
    rows = await ctx.store.partner_commissions(partner.id)
    return JSONResponse({"data": [commission_document(r, currency) for r in rows]})


async def list_payable(request: Request) -> Response:
    refuse_unknown(request.query_params, frozenset())
    rows = await context(request).store.payable_partners()
    return JSONResponse({"data": [payable_document(r) for r in rows]})


async def set_account(request: Request) -> Response:
    body = await read_object(request)
    refuse_unknown_fields(body, ("holder_name", "iban", "bic"))
    partner = await path_partner(request)
    try:
        account = payouts.account(body.get("holder_name"), body.get("iban"), body.get("bic"))
    except payouts.InvalidAccount as exc:
        raise ApiError(422, f"invalid_{exc.field}", exc.message, exc.field) from None
    store = context(request).store
    await store.set_partner_account(partner.id, account, actor(request).name, tokens.now_utc())
    return JSONResponse(account_document(account))


# An int convertor: /api/v1/partners/payable is never taken for a partner's id (a PATCH there
# is a 405, not "no such partner").
PARTNER = "/api/v1/partners/{partner_id:int}"
routes = [
    Route("/api/v1/partner-programmes/{slug}", show_programme, methods=["GET"], middleware=GUARDED),
    Route("/api/v1/partner-programmes/{slug}", save_programme, methods=["PUT"], middleware=GUARDED),
    Route("/api/v1/partners", list_partners, methods=["GET"], middleware=GUARDED),
    Route("/api/v1/partners", invite_partner, methods=["POST"], middleware=GUARDED),
    Route("/api/v1/partners/payable", list_payable, methods=["GET"], middleware=GUARDED),
    Route(PARTNER, show_partner, methods=["GET"], middleware=GUARDED),
    Route(PARTNER, change_partner, methods=["PATCH"], middleware=GUARDED),
    Route(f"{PARTNER}/approve", approve_partner, methods=["POST"], middleware=GUARDED),
    Route(f"{PARTNER}/reject", reject_partner, methods=["POST"], middleware=GUARDED),
    Route(f"{PARTNER}/placements", add_placement, methods=["POST"], middleware=GUARDED),
    Route(f"{PARTNER}/commissions", list_commissions, methods=["GET"], middleware=GUARDED),
    Route(f"{PARTNER}/payout-account", set_account, methods=["PUT"], middleware=GUARDED),
]
