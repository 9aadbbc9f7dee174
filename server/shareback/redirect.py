"""GET /r/{code}: the referral link. Records the click, then 303s to the campaign's own landing URL."""

from __future__ import annotations

import functools
import logging
import secrets
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from shareback import codes, error_page, i18n, link_pages, shop_days, tokens, visitors
from shareback.bootstrap import DEFAULT_SLUG
from shareback.channels import channel_or_link
from shareback.context import Context, client_ip, context
from shareback.partners import links as partner_links
from shareback.partners.terms import placement_key
from shareback.storage.partner_records import Partner
from shareback.storage.records import Campaign

log = logging.getLogger("shareback")


def with_ref(landing_url: str, ref: str) -> str:
    """The landing URL with ref set; its own query and fragment are kept, any old ref replaced."""
    before, query, after = landing_parts(landing_url)
    ref_pair = urlencode([("ref", ref)])
    return f"{before}?{query}&{ref_pair}{after}" if query else f"{before}?{ref_pair}{after}"


@functools.lru_cache(maxsize=256)
def landing_parts(landing_url: str) -> tuple[str, str, str]:
    """The URL up to its query, its own query without ref (encoded), and its #fragment: split
    once per landing URL, not on every click. Each part is quoted as a Location header is
    (Starlette's RedirectResponse quotes the same characters), so the redirect needs no more."""
    parts = urlsplit(landing_url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "ref"]
    before = urlunsplit(parts._replace(query="", fragment=""))
    after = f"#{parts.fragment}" if parts.fragment else ""
    return quote(before, safe=LOCATION_SAFE), urlencode(query), quote(after, safe=LOCATION_SAFE)


# What starlette.responses.RedirectResponse leaves unquoted in a Location.
LOCATION_SAFE = ":/%#?=@[]!$&'()*+,;"
REDIRECT_HEADERS = [
    (b"cache-control", b"no-store"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-robots-tag", b"noindex"),
    (b"content-length", b"0"),
]


def see_other(location: str) -> Response:
    """The click's 303, its headers made once (what RedirectResponse does for every click:
    quoting the URL and building the headers, a tenth of the click's CPU)."""
    response = Response(status_code=303)
    response.raw_headers = [*REDIRECT_HEADERS, (b"location", location.encode("latin-1"))]
    return response


def query_value(request: Request, name: str) -> str | None:
    """One query parameter's first value, without building the request's whole QueryParams."""
    raw: bytes = request.scope["query_string"]
    if not raw:
        return None
    for key, value in parse_qsl(raw.decode("latin-1"), keep_blank_values=True):
        if key == name:
            return value
    return None


def refuse_code_scans(ctx: Context, ip: str) -> None:
    """An address that has tried too many unknown codes is told to wait, whatever it asks for."""
    wait = ctx.code_miss_limiter.wait_seconds(ip)
    if wait is not None:
        raise HTTPException(
            429,
            "Too many unknown referral codes from this connection; try again later.",
            headers={"Retry-After": str(wait), "Cache-Control": "no-store"},
        )


async def count_code_miss(ctx: Context, ip: str) -> None:
    await ctx.code_miss_limiter.hit(ip)


async def follow_referral_link(request: Request) -> Response:
    ctx = context(request)
    ip = client_ip(request)
    refuse_code_scans(ctx, ip)
    code = codes.normalize_code(request.path_params["code"])
    advocate = await ctx.store.advocate_by_code(code) if code else None
    if advocate is None:
        # A partner's link (partners/links.py): looked up only when no advocate has the code.
        partner = await partner_links.approved_partner(request, code)
        if partner is not None:
            return await follow_partner_link(request, partner, "")
        await count_code_miss(ctx, ip)
        # A mistyped link: the friend is sent on to the shop of the default campaign.
        shop = await ctx.store.campaign(DEFAULT_SLUG)
        return dead_end(request, 404, "missing", shop if shop and not shop.archived_at else None)
    campaign = await ctx.store.campaign_by_id(advocate.campaign_id)
    if campaign is None or campaign.archived_at is not None:
        return dead_end(request, 410, "ended", campaign)
    now = tokens.now_utc()
    # The day's salt: tomorrow's hash of the same address differs, and the salt is deleted once
    # no rule needs it (retention.py), so the hash cannot be turned back into the address.
    salt = await ctx.store.ip_salt_for(shop_days.local_day(now, ctx.store.zone))
    ip_hash = visitors.ip_hash(salt, ip)
    agent = request.headers.get("user-agent", "")
    device = visitors.device_class(agent)
    # Over the per-IP limit the visitor still lands on the shop; the click is kept apart,
    # uncounted. The limit is counted in the click's own transaction (storage/sql/clicks.py).
    try:
        click_token = await ctx.store.record_click(
            advocate.id,
            secrets.token_urlsafe(6),
            channel_or_link(query_value(request, "ch")),
            ip_hash,
            device,
            now,
            visitor=visitors.visitor_key(ip_hash, agent),
            limit=ctx.click_limiter.counted_in_write(ip_hash),
        )
    except Exception:
        # Not stored, so not acknowledged: the friend still lands on the shop, with the bare
        # referral code as ref (an order can name the advocate by it), never a click token.
        log.exception("a referral click could not be stored; redirecting without a click")
        ref = advocate.code
    else:
        ref = tokens.sign_ref(ctx.secrets.secret_key, advocate.code, click_token)
    if device == "bot" and visitors.is_link_preview(agent):
        # A link preview (WhatsApp, Facebook…): kept as a bot click, never counted, and shown
        # the friend's offer instead of being sent to the landing page's generic title.
        return link_preview(request, ctx, campaign, advocate.name)
    return see_other(with_ref(campaign.landing_url, ref))


async def follow_partner_link(request: Request, partner: Partner, placement: str) -> Response:
    campaign, ref = await partner_links.partner_landing(request, partner, placement)
    if campaign is None or ref is None:
        return dead_end(request, 410, "ended", campaign)
    return see_other(with_ref(campaign.landing_url, ref))


async def follow_placement_link(request: Request) -> Response:
    """/r/{code}/{placement}: a partner's sub-link; an undeclared placement counts as the plain
    link (the partner still gets the click)."""
    ctx = context(request)
    ip = client_ip(request)
    refuse_code_scans(ctx, ip)
    code = codes.normalize_code(request.path_params["code"])
    partner = await partner_links.approved_partner(request, code)
    if partner is None:
        await count_code_miss(ctx, ip)
        return dead_end(request, 404, "missing", None)
    placement = placement_key(request.path_params["placement"]) or ""
    return await follow_partner_link(request, partner, placement)


def dead_end(request: Request, status: int, kind: str, campaign: Campaign | None) -> Response:
    texts = link_pages.dead_end(kind, campaign, request.headers.get("accept-language", ""))
    return HTMLResponse(error_page.render(texts), status_code=status, headers=error_page.HEADERS)


def link_preview(
    request: Request, ctx: Context, campaign: Campaign, referrer: str | None
) -> Response:
    # Preview bots rarely say a language: the one asked for, else a German or French shop's
    # own (SHAREBACK_LOCALE), else Dutch (the first shops are Dutch).
    asked = i18n.accepted_locale(request.headers.get("accept-language"), i18n.PUBLIC_LOCALES)
    shop = ctx.settings.locale
    lang = asked or (shop if shop in ("de", "fr") else "nl")
    url = f"{ctx.settings.public_url}{request.url.path}"
    card = link_pages.preview(campaign, lang, referrer, url, ctx.settings.share_image_url)
    headers = {"Cache-Control": "public, max-age=600", "X-Robots-Tag": "noindex"}
    return HTMLResponse(link_pages.render_preview(card), headers=headers)


routes = [
    Route("/r/{code}", follow_referral_link, methods=["GET"]),
    Route("/r/{code}/{placement}", follow_placement_link, methods=["GET"]),
]
