"""What the owner's API, the dashboard and the partners' own pages all do the same way: the
default programme, invitations and applications, the portal's sign-in link, the numbers shown."""

from __future__ import annotations

import dataclasses

from shareback import emails, tokens
from shareback.bootstrap import DEFAULT_SLUG
from shareback.context import Context
from shareback.mail.unsubscribe import address_hash
from shareback.partners import mail, terms
from shareback.partners.sign_in import portal_token
from shareback.storage.partner_records import Partner, Programme


class NoCampaign(LookupError):
    pass


async def programme(ctx: Context, slug: str = "default") -> Programme:
    """The programme, made on first use with the default settings (on the default campaign:
    where its links land and whose shop it is)."""
    found = await ctx.store.partner_programme(slug)
    if found is not None:
        return found
    campaign = await ctx.store.campaign(DEFAULT_SLUG)
    if campaign is None:
        raise NoCampaign(DEFAULT_SLUG)
    settings = dataclasses.replace(terms.DEFAULT, currency=campaign.currency)
    return await ctx.store.save_partner_programme(
        slug, campaign.id, settings, tokens.now_utc(), only_new=True
    )


async def shop_name(ctx: Context, found: Programme) -> str:
    campaign = await ctx.store.campaign_by_id(found.campaign_id)
    return campaign.shop_name if campaign is not None else ""


def portal_url(ctx: Context, partner: Partner, lang: str) -> str:
    token = portal_token(ctx.secrets.secret_key, partner.id, partner.email_key)
    return f"{ctx.settings.public_url}/partners/portal?t={token}&lang={lang}"


def link(ctx: Context, partner: Partner, placement: str = "") -> str:
    base = f"{ctx.settings.public_url}/r/{partner.code}"
    return f"{base}/{placement}" if placement else base


async def send(ctx: Context, partner: Partner, kind: str, lang: str) -> bool:
    """An invitation or a sign-in link, unless the address unsubscribed (invitations only: a
    sign-in link is what the person just asked for)."""
    if kind == "invitation" and await ctx.store.is_suppressed(
        address_hash(ctx.secrets.secret_key, partner.email_key)
    ):
        return False
    found = await ctx.store.partner_programme_by_id(partner.programme_id)
    shop = await shop_name(ctx, found) if found is not None else ""
    return await mail.send_partner_mail(
        ctx.settings,
        ctx.secrets.secret_key,
        kind,
        lang,
        email=partner.email,
        email_key=partner.email_key,
        name=partner.name,
        shop=shop,
        link=portal_url(ctx, partner, lang),
    )


async def sign_in_links(ctx: Context, email: str, lang: str) -> int:
    """One e-mail per programme the address is a partner of (none for an unknown address:
    the page answers the same either way)."""
    sent = 0
    for partner in await ctx.store.partners_by_email(emails.email_key(email)):
        if partner.status in ("approved", "invited", "applied"):
            sent += await send(ctx, partner, "sign_in", lang)
    return sent
