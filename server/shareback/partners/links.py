"""A partner's links: /r/{code} for a partner's code, and /r/{code}/{placement}, the partner's
sub-links (Instagram bio, YouTube description). The click is recorded under its placement and
the partner's signed ref made, as a customer's link does; redirect.py answers."""

from __future__ import annotations

import secrets

from starlette.requests import Request

from shareback import shop_days, tokens, visitors
from shareback.context import client_ip, context
from shareback.storage.partner_records import Partner
from shareback.storage.records import Campaign


async def approved_partner(request: Request, code: str | None) -> Partner | None:
    if not code:
        return None
    partner = await context(request).store.partner_by_code(code)
    return partner if partner is not None and partner.status == "approved" else None


async def partner_landing(
    request: Request, partner: Partner, placement: str
) -> tuple[Campaign | None, str | None]:
    """The programme's campaign and the signed ref to land with; no ref when it has ended."""
    ctx = context(request)
    programme = await ctx.store.partner_programme_by_id(partner.programme_id)
    campaign = None if programme is None else await ctx.store.campaign_by_id(programme.campaign_id)
    if campaign is None or campaign.archived_at is not None:
        return campaign, None
    now = tokens.now_utc()
    salt = await ctx.store.ip_salt_for(shop_days.local_day(now, ctx.store.zone))
    ip_hash = visitors.ip_hash(salt, client_ip(request))
    device = visitors.device_class(request.headers.get("user-agent", ""))
    token = await ctx.store.record_partner_click(
        partner.id, placement, secrets.token_urlsafe(6), ip_hash, device, now
    )
    return campaign, tokens.sign_ref(ctx.secrets.secret_key, partner.code, token)
