"""POST /api/v1/campaigns/{slug}/welcome: a friend who landed with a referral link asks for their
code by e-mail. The code is the one the widget shows for that link (issued now if need be), and
the welcome e-mail (mail/) is planned once per friend and campaign; the answer is the same 202
whether or not it was planned before, so it tells nobody who has asked already."""

from __future__ import annotations

from datetime import timedelta

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from shareback import emails, tokens, wording
from shareback.api.campaign_widget import active_campaign, friend_code
from shareback.api.messages import localised, remember_lang
from shareback.context import client_ip, context
from shareback.cors import allow_origin, answer_preflight, with_cors
from shareback.errors import ApiError, optional_str, read_json, require_object, required_str
from shareback.mail import journeys

# The documented fields (its schema lets others through unread, as the join's does).
FIELDS = ("ref", "email", "name", "lang")


async def send_friend_welcome(request: Request) -> Response:
    ctx = context(request)
    body = require_object(await read_json(request, ctx.settings.max_body_bytes, fields=FIELDS))
    remember_lang(request, body)
    if not await ctx.limiter.allow("welcome:" + client_ip(request)):
        raise ApiError(
            429, "rate_limited", "Too many requests from this address; try again in a minute."
        )
    campaign = await active_campaign(request, request.path_params["slug"])
    allow_origin(request, campaign)
    ref = required_str(body, "ref", 500)
    email = required_str(body, "email", 254)
    name = optional_str(body, "name", 100)
    lang = optional_str(body, "lang", 16)
    if not emails.is_valid_email(email):
        raise ApiError(422, "invalid_email", "That is not a valid e-mail address.", "email")
    try:
        claims = tokens.verify_ref(ctx.secrets.secret_key, ref)
    except tokens.InvalidRef:
        raise ApiError(422, "invalid_ref", "'ref' is not a valid referral.", "ref") from None
    advocate = await ctx.store.advocate_by_code(claims.code)
    if advocate is None or advocate.campaign_id != campaign.id:
        raise ApiError(422, "invalid_ref", "'ref' is not a valid referral.", "ref")
    now = tokens.now_utc()
    if now - claims.issued_at > timedelta(days=campaign.attribution_days):
        raise ApiError(422, "expired_ref", "This referral link has expired.", "ref")
    key = emails.email_key(email)
    if key == advocate.email_key:
        raise ApiError(
            422, "own_link", "This is your own referral link: share it with friends.", "email"
        )
    code = await friend_code(request, campaign, advocate, claims.click_token)
    if code is None:
        raise ApiError(
            409,
            "no_friend_code",
            "This campaign gives friends their discount through the link: there is no code to send.",
        )
    if lang is not None:
        await ctx.store.remember_mail_lang(key, wording.pick_lang(lang), now)
    await ctx.store.plan_mail(
        campaign.id,
        journeys.WELCOME,
        f"welcome:{campaign.id}:{key}",
        email,
        key,
        name,
        {"code": code, "referrer_name": wording.first_name(advocate.name)},
        now,
    )
    return with_cors(request, JSONResponse({"status": "accepted"}, status_code=202))


routes = [
    Route("/api/v1/campaigns/{slug}/welcome", localised(send_friend_welcome), methods=["POST"]),
    Route("/api/v1/campaigns/{slug}/welcome", answer_preflight, methods=["OPTIONS"]),
]
