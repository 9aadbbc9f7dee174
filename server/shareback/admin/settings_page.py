"""/admin/settings: the embed snippet, the order webhook and its secret, allowed origins per
campaign; the API keys and admin users sections are handled in access.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shareback.admin.campaign_choice import pick_campaign
from shareback.admin.campaign_form import parse_origins
from shareback.admin.render import PageError, redirect, render
from shareback.admin.sessions import admin_action, page_for
from shareback.auth.roles import DESCRIPTIONS, NAMES, Permission
from shareback.context import context
from shareback.i18n import gettext as _
from shareback.storage.base import AdminSession, CampaignChanges


def role_choices() -> list[tuple[str, str]]:
    """(value, label) for the role pickers, with what each may do, in the page's language."""
    return [(role.value, f"{_(NAMES[role])}: {_(text)}") for role, text in DESCRIPTIONS.items()]


@dataclass(frozen=True)
class Endpoint:
    platform: str
    path: str
    setting: str | None
    configured: bool


def webhook_endpoints(request: Request) -> list[Endpoint]:
    settings = context(request).settings
    return [
        Endpoint("Any checkout (Standard Webhooks)", "/webhooks/orders", None, True),
        Endpoint(
            "Shopify",
            "/webhooks/shopify",
            "SHAREBACK_SHOPIFY_SECRET",
            bool(settings.shopify_secret),
        ),
        Endpoint(
            "Stripe",
            "/webhooks/stripe",
            "SHAREBACK_STRIPE_WEBHOOK_SECRET",
            bool(settings.stripe_webhook_secret),
        ),
        Endpoint(
            "WooCommerce",
            "/webhooks/woocommerce",
            "SHAREBACK_WOOCOMMERCE_SECRET",
            bool(settings.woocommerce_secret),
        ),
    ]


def embed_snippet(public_url: str, slug: str) -> str:
    return (
        f'<script src="{public_url}/widget.js" data-campaign="{slug}" async></script>\n'
        "<div data-shareback></div>"
    )


def identity_snippet(public_url: str, slug: str) -> str:
    return (
        f'<script src="{public_url}/widget.js" data-campaign="{slug}" async\n'
        '        data-email="{{ customer.email }}" data-name="{{ customer.name }}"\n'
        '        data-user-hash="{{ hmac_sha256_hex(IDENTITY_SECRET, customer.email) }}"></script>'
    )


async def settings_page(
    request: Request, session: AdminSession, status_code: int = 200, **extra: Any
) -> Response:
    ctx = context(request)
    campaigns = await ctx.store.campaigns()
    chosen = pick_campaign(campaigns, request.query_params.get("campaign"))
    public_url = ctx.settings.public_url
    page: dict[str, Any] = {
        "session": session,
        "nav": "settings",
        "settings_tab": "general",
        "campaigns": campaigns,
        "chosen": chosen,
        "public_url": public_url,
        "snippet": embed_snippet(public_url, chosen.slug) if chosen else "",
        "identity_snippet": identity_snippet(public_url, chosen.slug) if chosen else "",
        "webhook_url": f"{public_url}/webhooks/orders",
        "webhook_secret": ctx.secrets.webhook_secret,
        "endpoints": webhook_endpoints(request),
        "origin_values": {c.slug: "\n".join(c.allowed_origins) for c in campaigns},
        "origin_errors": {},
        "api_keys": await ctx.store.api_keys(),
        "env_api_key": ctx.settings.admin_api_key is not None,
        "new_key": None,
        "key_name": "",
        "key_error": None,
        "users": await ctx.store.admin_users(),
        "user_email": "",
        "user_role": "owner",
        "user_errors": {},
        "roles": role_choices(),
    }
    page.update(extra)
    return render(request, "settings.html", page, status_code=status_code)


@page_for(Permission.MANAGE)
async def show_settings(request: Request, session: AdminSession) -> Response:
    return await settings_page(request, session)


@admin_action
async def save_allowed_origins(request: Request, session: AdminSession, form: FormData) -> Response:
    ctx = context(request)
    slug = str(form.get("campaign") or "")
    campaign = await ctx.store.campaign(slug)
    if campaign is None:
        raise PageError(404, _("No such campaign"), _("That campaign does not exist any more."))
    text = str(form.get("allowed_origins") or "")[:5000]
    origins, error = parse_origins(text, campaign.landing_url)
    if error:
        campaigns = await ctx.store.campaigns()
        values = {c.slug: "\n".join(c.allowed_origins) for c in campaigns} | {slug: text}
        return await settings_page(
            request,
            session,
            400,
            origin_values=values,
            origin_errors={slug: error},
        )
    await ctx.store.update_campaign(slug, CampaignChanges(allowed_origins=origins))
    return redirect("/admin/settings?notice=origins-saved#origins")


routes = [
    Route("/admin/settings", show_settings, methods=["GET"]),
    Route("/admin/settings/origins", save_allowed_origins, methods=["POST"]),
]
