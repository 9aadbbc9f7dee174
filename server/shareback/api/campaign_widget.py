"""GET /api/v1/campaigns/{slug}/widget: what the widget shows on load, including a friend's offer."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from shareback import codes, design, in_app, tokens, widget_texts, wording
from shareback.api import targeting
from shareback.api.loyalty_view import tiered
from shareback.api.messages import localised
from shareback.context import Context, client_ip, context
from shareback.cors import allow_origin, answer_preflight, with_cors
from shareback.errors import ApiError
from shareback.experiments import variants
from shareback.experiments.serving import campaign_view, friend_view
from shareback.i18n import gettext as _
from shareback.i18n import use_locale
from shareback.redirect import count_code_miss, refuse_code_scans
from shareback.storage.base import Advocate, Campaign


def widget_config(
    campaign: Campaign,
    lang: str,
    ref_status: str | None = None,
    friend: Any = None,
    overrides: Mapping[str, Any] | None = None,
    labels: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The document the widget loads: this endpoint's, and the dashboard preview's stand-in.
    overrides: the texts a rolled-out experiment gave the campaign (experiments/serving.py);
    labels: the owner's own wording of the widget's labels in lang (campaign_labels)."""
    overrides = overrides or {}
    return {
        "campaign": campaign.slug,
        "lang": lang,
        "headline": variants.headline(campaign, lang, overrides),
        "offer": wording.offers(campaign, lang),
        "offer_text": wording.offer_text(campaign, lang),
        "design": design.widget_design(campaign.design),
        "rewards": {
            "referrer": campaign.referrer_reward.as_dict(),
            "friend": campaign.friend_reward.as_dict(),
        },
        "attribution_days": campaign.attribution_days,
        "channels": variants.channels(overrides),
        "messenger_app_id": None,
        "ref": ref_status,
        "friend": friend,
        # The widget's labels in lang over the bundle's English: no request of their own.
        "texts": widget_texts.texts(lang, labels),
    }


async def active_campaign(request: Request, slug: str, drafts: bool = False) -> Campaign:
    """The campaign a widget call names; archived ones are unknown, drafts refused (unless
    `drafts`: the widget's config call checks the origin and notes the sighting first)."""
    campaign = await context(request).store.campaign(slug)
    if campaign is None or campaign.archived_at is not None:
        raise ApiError(
            404, "unknown_campaign", f"There is no active campaign '{slug}'.", "campaign"
        )
    if campaign.draft and not drafts:
        refuse_draft(campaign)
    return campaign


def refuse_draft(campaign: Campaign) -> None:
    raise ApiError(
        404,
        "campaign_draft",
        f"Campaign '{campaign.slug}' is a draft: its widget shows once the shop makes it live.",
        "campaign",
    )


def sighting(request: Request, campaign: Campaign) -> BackgroundTask | None:
    """The snippet check: the widget loaded on one of the campaign's sites. Run after the
    answer has gone (a background task); the store writes at most about hourly per site."""
    origin = request.headers.get("origin")
    if origin is None or origin not in campaign.allowed_origins:
        return None
    store = context(request).store
    return BackgroundTask(store.record_widget_seen, campaign.id, origin, tokens.now_utc())


async def friend_code(
    request: Request, campaign: Campaign, advocate: Advocate, click_token: str
) -> str | None:
    """The code the friend types at checkout, by the campaign's fulfilment; None: the link does it.

    Pool and generated codes are issued once per click, so reloads and second tabs get the same
    one. When the pool is empty (or this address has had many), the shared code stands in if the
    campaign has one; otherwise the friend gets no code and the ref still attributes the order.
    """
    ctx: Context = context(request)
    mode = campaign.friend_fulfilment
    if mode == "shared_code":
        return campaign.friend_code
    if mode not in ("pool", "generated"):
        return None
    code = await ctx.store.friend_code_for_click(click_token)
    if code is None and await ctx.friend_code_limiter.allow("friend-code:" + client_ip(request)):
        code = await ctx.store.issue_friend_code(
            campaign, advocate.id, click_token, tokens.now_utc()
        )
    return code or campaign.friend_code


async def link_campaign(
    request: Request, campaign: Campaign, advocate: Advocate | None
) -> Campaign | None:
    """The campaign whose offer a friend's link carries: the widget's own, or the one targeting
    gave the advocate on the same site (api/targeting.py); None: the link is not for this site."""
    if advocate is None:
        return None
    return await targeting.widget_campaign_of(
        context(request).store,
        campaign,
        advocate.campaign_id,
        request.headers.get("origin"),
        tokens.now_utc(),
    )


async def describe_ref(
    request: Request, campaign: Campaign, lang: str, ref: str
) -> tuple[str, Any]:
    ctx = context(request)
    try:
        claims = tokens.verify_ref(ctx.secrets.secret_key, ref)
    except tokens.InvalidRef:
        return await describe_code(request, campaign, lang, ref)
    advocate = await ctx.store.advocate_by_code(claims.code)
    campaign_of = await link_campaign(request, campaign, advocate)
    if advocate is None or campaign_of is None:
        return "invalid", None
    campaign = campaign_of
    if tokens.now_utc() - claims.issued_at > timedelta(days=campaign.attribution_days):
        return "expired", None
    name = wording.first_name(advocate.name)
    # The offer of the advocate's experiment variant, as the order will be rewarded.
    campaign = (await friend_view(ctx.store, campaign, advocate.id)).campaign
    campaign = await tiered(ctx.store, campaign, advocate.id)  # the tier's own offer (loyalty/)
    code = await friend_code(request, campaign, advocate, claims.click_token)
    friend = {
        "referrer_name": name,
        "message": wording.friend_message(campaign, lang, name),
        "offer": campaign.friend_reward.describe(lang),
        "code": code,
    }
    # A pool or generated code is issued for this click: it names the advocate, a shared one not.
    return "valid", in_app_friend(request, friend, lang, advocate, code != campaign.friend_code)


def in_app_friend(
    request: Request, friend: dict[str, Any], lang: str, advocate: Advocate, per_click: bool
) -> dict[str, Any]:
    """In an in-app browser (Instagram, TikTok…) the cookie stays in the app: a friend who buys
    later in their own browser arrives without it. So the banner shows the code that credits the
    advocate all the same (in_app.attributing_code), and says why."""
    app = in_app.in_app_browser(request.headers.get("user-agent", ""))
    if app is None:
        return friend
    code = in_app.attributing_code(friend["code"], per_click, advocate.coupon_code, advocate.code)
    with use_locale(lang):
        hint = _("Ordering later in another browser? Enter code %(code)s at the checkout.") % {
            "code": code
        }
    return {**friend, "code": code, "in_app": app, "message": f"{friend['message']}. {hint}"}


async def describe_code(
    request: Request, campaign: Campaign, lang: str, ref: str
) -> tuple[str, Any]:
    """A bare referral code as ref: what a link hands on when its click could not be stored
    (redirect.py), or a code put in a URL by hand. It credits the advocate as a code typed at the
    checkout does (no click, so no per-click friend's code, and no expiry); unknown codes count
    towards the same 429 as on /r/ and /qr/, so this is no way to try codes either."""
    ctx = context(request)
    ip = client_ip(request)
    refuse_code_scans(ctx, ip)
    code = codes.normalize_code(ref)
    advocate = await ctx.store.advocate_by_code(code) if code else None
    campaign_of = await link_campaign(request, campaign, advocate)
    if advocate is None or campaign_of is None:
        await count_code_miss(ctx, ip)
        return "invalid", None
    campaign = campaign_of
    name = wording.first_name(advocate.name)
    campaign = (await friend_view(ctx.store, campaign, advocate.id)).campaign
    campaign = await tiered(ctx.store, campaign, advocate.id)  # the tier's own offer (loyalty/)
    friend = {
        "referrer_name": name,
        "message": wording.friend_message(campaign, lang, name),
        "offer": campaign.friend_reward.describe(lang),
        # No click, so no pool or generated code of its own: the shared code stands in, if any.
        "code": campaign.friend_code if campaign.friend_fulfilment != "link" else None,
    }
    return "valid", in_app_friend(request, friend, lang, advocate, False)


async def show_campaign_widget(request: Request) -> Response:
    campaign = await active_campaign(request, request.path_params["slug"], drafts=True)
    allow_origin(request, campaign)
    seen = sighting(request, campaign)
    if campaign.draft:
        # A draft's snippet is already on the shop: the check says so before it goes live.
        if seen is not None:
            await seen()
        refuse_draft(campaign)
    lang = wording.shopper_lang(request.query_params.get("lang"), request.headers)
    ref_status, friend = None, None
    ref = request.query_params.get("ref")
    if ref:
        if len(ref) > 500:
            raise ApiError(422, "invalid_ref", "'ref' is too long.", "ref")
        ref_status, friend = await describe_ref(request, campaign, lang, ref)
    store = context(request).store
    copy = (await campaign_view(store, campaign)).overrides
    labels = await store.campaign_labels(campaign.id, lang)
    body = widget_config(campaign, lang, ref_status, friend, copy, labels)
    headers = {"Cache-Control": "no-store" if ref else "private, max-age=60"}
    response = with_cors(request, JSONResponse(body, headers=headers, background=seen))
    # Without ?lang= the answer follows Accept-Language: caches keep one per language.
    response.headers["Vary"] = ", ".join(
        filter(None, (response.headers.get("vary"), "Accept-Language"))
    )
    return response


routes = [
    Route("/api/v1/campaigns/{slug}/widget", localised(show_campaign_widget), methods=["GET"]),
    Route("/api/v1/campaigns/{slug}/widget", answer_preflight, methods=["OPTIONS"]),
]
