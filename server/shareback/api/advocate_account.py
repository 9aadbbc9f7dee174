"""POST /api/v1/advocates/account: the advocate's own page as JSON (portal/account.py), for the
widget's account view and the standalone page. Opened by the shop's signed identity (the
widget's `user_hash`, identity.py) or by the session the e-mailed magic link started
(portal/page.py); never by an address alone."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from shareback import emails, i18n, identity, joining
from shareback.api.campaign_widget import active_campaign
from shareback.api.messages import localised, remember_lang
from shareback.context import client_ip, context
from shareback.cors import allow_origin, answer_preflight, with_cors
from shareback.errors import ApiError, optional_str, read_json, require_object, required_str
from shareback.portal import access
from shareback.portal.facts import account_for
from shareback.storage.records import Advocate, Campaign

FIELDS = ("campaign", "email", "user_hash", "lang")


async def _by_identity(request: Request, body: dict[str, object]) -> tuple[Advocate, Campaign]:
    ctx = context(request)
    campaign = await active_campaign(request, required_str(body, "campaign", 64))
    allow_origin(request, campaign)
    email = required_str(body, "email", 254)
    given_hash = required_str(body, "user_hash", 128)
    if not identity.is_verified(ctx.secrets.identity_secret, email, given_hash):
        raise ApiError(
            403, "invalid_user_hash", "user_hash does not match this e-mail address.", "user_hash"
        )
    advocate = await ctx.store.advocate_by_email(campaign.id, emails.email_key(email))
    # The record of exactly the address the shop signed, as joining opens it: not another
    # account that shares its inbox (victoria+me@ is not victoria@).
    if advocate is not None and joining.access(advocate.email, email, True) != "open":
        advocate = None
    if advocate is None:
        # The shop vouched for the address, so saying so reveals nothing to a stranger.
        raise ApiError(404, "not_an_advocate", "This shopper has no referral link yet.", "email")
    return advocate, campaign


async def _by_session(request: Request) -> tuple[Advocate, Campaign]:
    ctx = context(request)
    code = access.session_code(ctx.secrets.secret_key, request.cookies.get(access.COOKIE, ""))
    advocate = await ctx.store.advocate_by_code(code) if code else None
    campaign = await ctx.store.campaign_by_id(advocate.campaign_id) if advocate else None
    if advocate is None or advocate.code != code or campaign is None or campaign.archived_at:
        raise ApiError(
            401,
            "not_signed_in",
            "Send the shop's signed identity (email and user_hash), or open the e-mailed link.",
        )
    return advocate, campaign


async def show_advocate_account(request: Request) -> Response:
    ctx = context(request)
    body = require_object(await read_json(request, ctx.settings.max_body_bytes, fields=FIELDS))
    remember_lang(request, body)
    if not await ctx.limiter.allow("account:" + client_ip(request)):
        raise ApiError(
            429, "rate_limited", "Too many requests from this address; try again in a minute."
        )
    lang = i18n.pick_locale(optional_str(body, "lang", 16))
    if body.get("user_hash") is not None or body.get("email") is not None:
        advocate, campaign = await _by_identity(request, body)
    else:
        advocate, campaign = await _by_session(request)
    document = await account_for(ctx, campaign, advocate, lang)
    if document is None:
        raise ApiError(404, "not_an_advocate", "This shopper has no referral link yet.", "email")
    response = JSONResponse(document, headers={"Cache-Control": "no-store"})
    return with_cors(request, response)


routes = [
    Route("/api/v1/advocates/account", localised(show_advocate_account), methods=["POST"]),
    Route("/api/v1/advocates/account", answer_preflight, methods=["OPTIONS"]),
]
