"""The widget as shoppers will see it: /admin/preview serves a page with the real /widget.js whose
API calls go to a stand-in under /admin/preview-api/{token}, so a preview records nothing, works
for campaigns not yet saved and follows the form as the owner types."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from itsdangerous import BadSignature, URLSafeTimedSerializer
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from shareback import campaigns, codes, design, wording
from shareback.admin import campaign_form, design_form
from shareback.admin.render import render
from shareback.admin.sessions import admin_page
from shareback.api.advocates import advocate_document
from shareback.api.campaign_widget import widget_config
from shareback.bootstrap import DEFAULT_SLUG
from shareback.campaigns import InvalidCampaign
from shareback.context import context
from shareback.qr import render_qr
from shareback.rewards import RewardSpec
from shareback.storage.base import AdminSession, Advocate, Campaign

TOKEN_MAX_AGE = 12 * 3600
SAMPLE = {"email": "anna@example.com", "name": "Anna"}
PREVIEW_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'self'; form-action 'none'; base-uri 'none'"
)
OVERRIDES = (
    "shop_name",
    "currency",
    "referrer_reward_type",
    "referrer_reward_value",
    "friend_reward_type",
    "friend_reward_value",
    "attribution_days",
)


def serializer(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(context(request).secrets.secret_key, salt="shareback.preview")


def checks_out(rule: Callable[..., object], *args: object) -> bool:
    try:
        rule(*args)
    except InvalidCampaign:
        return False
    return True


def preview_values(saved: Campaign | None, query: dict[str, str]) -> dict[str, str]:
    """The saved campaign (or a new one's defaults) with what the form holds right now; a field
    the owner is still typing and that does not check out yet keeps its last good value."""
    values = campaign_form.campaign_values(saved) if saved else campaign_form.blank_values()
    candidate = {**values, **{k: query[k][:200] for k in OVERRIDES if k in query}}
    candidate["currency"] = candidate["currency"].upper()
    if not candidate["shop_name"].strip():
        candidate["shop_name"] = values["shop_name"] or campaigns.DEFAULT_SHOP_NAME
    for side in campaign_form.SIDES:
        kind, value = candidate[f"{side}_reward_type"], candidate[f"{side}_reward_value"]
        if not checks_out(
            campaigns.reward, side, kind, value.replace(",", "."), candidate["currency"]
        ):
            candidate[f"{side}_reward_type"] = values[f"{side}_reward_type"]
            candidate[f"{side}_reward_value"] = values[f"{side}_reward_value"]
            candidate["currency"] = values["currency"]
    days = campaign_form.whole_number(candidate["attribution_days"])
    if not checks_out(campaigns.ATTRIBUTION_DAYS.check, days):
        candidate["attribution_days"] = values["attribution_days"]
    return candidate


def preview_design(saved: Campaign | None, query: dict[str, str]) -> design.Design:
    """The designer's preview (design=1 in its query) shows the form's design, a field still
    being typed keeping its saved value; the campaign form's preview shows the saved design."""
    kept = saved.design if saved else design.DEFAULT
    if query.get("design") != "1":
        return kept
    look, _ = design_form.parse(design_form.submitted_values(query), fallback=kept)
    return look


def token_payload(slug: str, values: dict[str, str], look: design.Design) -> dict[str, Any]:
    return {
        "design": design.to_json(look),
        "slug": slug,
        "shop": values["shop_name"],
        "currency": values["currency"],
        "referrer": [
            values["referrer_reward_type"],
            values["referrer_reward_value"].replace(",", "."),
        ],
        "friend": [values["friend_reward_type"], values["friend_reward_value"].replace(",", ".")],
        "days": int(values["attribution_days"]),
    }


def campaign_from(payload: dict[str, Any]) -> Campaign:
    currency = str(payload["currency"])
    (referrer_type, referrer_value), (friend_type, friend_value) = (
        payload["referrer"],
        payload["friend"],
    )
    return Campaign(
        slug=str(payload["slug"]),
        name="Preview",
        shop_name=str(payload["shop"]),
        landing_url="",
        allowed_origins=(),
        referrer_reward=RewardSpec(str(referrer_type), str(referrer_value), currency),
        friend_reward=RewardSpec(str(friend_type), str(friend_value), currency),
        attribution_days=int(payload["days"]),
        design=design.from_json(str(payload.get("design", "{}"))),
    )


@admin_page
async def show_preview(request: Request, session: AdminSession) -> Response:
    slug = request.query_params.get("campaign", "")
    saved = await context(request).store.campaign(slug) if slug else None
    query = dict(request.query_params)
    values = preview_values(saved, query)
    # A campaign not saved yet looks like the shop's default campaign, as it will once created.
    shop = saved or await context(request).store.campaign(DEFAULT_SLUG)
    look = preview_design(saved, query) if saved or not shop else design.look_of(shop.design)
    payload = token_payload(saved.slug if saved else "preview", values, look)
    token = serializer(request).dumps(payload)
    lang = wording.pick_lang(request.query_params.get("lang"))
    return render(
        request,
        "preview.html",
        {
            "lang": lang,
            "slug": saved.slug if saved else "preview",
            "api": f"/admin/preview-api/{token}",
            "sample": SAMPLE,
            "shop_name": values["shop_name"],
            # The floating button on a page of the shop, rather than a card in the page.
            "launcher": query.get("view") == "launcher",
        },
        headers={"Content-Security-Policy": PREVIEW_CSP, "X-Frame-Options": "SAMEORIGIN"},
    )


def preview_campaign(request: Request) -> Campaign:
    try:
        payload = serializer(request).loads(request.path_params["token"], max_age=TOKEN_MAX_AGE)
        return campaign_from(payload)
    except (BadSignature, KeyError, TypeError, ValueError) as exc:
        raise HTTPException(404, "This preview has expired; reload the dashboard.") from exc


def sample_advocate(campaign: Campaign) -> Advocate:
    prefix = codes.code_prefix(SAMPLE["name"])
    return Advocate(
        id=0,
        campaign_id=0,
        email=SAMPLE["email"],
        email_key=SAMPLE["email"],
        name=SAMPLE["name"],
        code=f"{prefix}-7KQ2",
        verified=True,
        created_at=datetime.now(UTC),
    )


async def preview_widget_config(request: Request) -> Response:
    """The same document GET /api/v1/campaigns/{slug}/widget gives, for the previewed campaign."""
    campaign = preview_campaign(request)
    lang = wording.pick_lang(request.query_params.get("lang"))
    # A saved campaign's own labels (its labels page), as its shoppers see them.
    store = context(request).store
    saved = await store.campaign(campaign.slug)
    labels = await store.campaign_labels(saved.id, lang) if saved is not None else {}
    document = widget_config(campaign, lang, labels=labels)
    return JSONResponse(document, headers={"Cache-Control": "no-store"})


async def preview_advocate(request: Request) -> Response:
    """A sample advocate's link and share texts; nobody is signed up."""
    campaign = preview_campaign(request)
    try:
        body = await request.json()
        lang = wording.pick_lang(str(body.get("lang") or "")) if isinstance(body, dict) else "en"
    except ValueError:
        lang = "en"
    public_url = context(request).settings.public_url
    document = advocate_document(public_url, campaign, sample_advocate(campaign), lang)
    base = f"/admin/preview-api/{request.path_params['token']}"
    document["qr"] = {"svg": f"{base}/qr.svg", "png": f"{base}/qr.svg"}
    return JSONResponse(document, headers={"Cache-Control": "no-store"})


async def ignore_preview_event(request: Request) -> Response:
    """Opens and shares in a preview are the owner's, not shoppers': not counted."""
    preview_campaign(request)
    return Response(status_code=204)


async def preview_qr_code(request: Request) -> Response:
    campaign = preview_campaign(request)
    link = f"{context(request).settings.public_url}/r/{sample_advocate(campaign).code}?ch=qr"
    body, _ = render_qr(link, "svg")
    return Response(
        body,
        media_type="image/svg+xml",
        headers={"Cache-Control": "no-store"},
    )


routes = [
    Route("/admin/preview", show_preview, methods=["GET"]),
    Route(
        "/admin/preview-api/{token}/api/v1/campaigns/{slug}/widget",
        preview_widget_config,
        methods=["GET"],
    ),
    Route("/admin/preview-api/{token}/api/v1/advocates", preview_advocate, methods=["POST"]),
    Route("/admin/preview-api/{token}/api/v1/events", ignore_preview_event, methods=["POST"]),
    Route("/admin/preview-api/{token}/qr.svg", preview_qr_code, methods=["GET"]),
]
