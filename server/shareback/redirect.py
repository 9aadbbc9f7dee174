"""GET /r/{code}: the referral link. Records the click, then 303s to the campaign's own landing URL."""

from __future__ import annotations

import secrets
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from shareback import codes, tokens, visitors
from shareback.channels import channel_or_link
from shareback.context import client_ip, context


def with_ref(landing_url: str, ref: str) -> str:
    """The landing URL with ref set; its own query and fragment are kept, any old ref replaced."""
    parts = urlsplit(landing_url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "ref"]
    query.append(("ref", ref))
    return urlunsplit(parts._replace(query=urlencode(query)))


async def follow_referral_link(request: Request) -> Response:
    ctx = context(request)
    code = codes.normalize_code(request.path_params["code"])
    advocate = await ctx.store.advocate_by_code(code) if code else None
    if advocate is None:
        raise HTTPException(
            404, "This referral link does not exist. Check that it was copied whole."
        )
    campaign = await ctx.store.campaign_by_id(advocate.campaign_id)
    if campaign is None or campaign.archived_at is not None:
        raise HTTPException(410, "This referral campaign has ended.")
    click_token = secrets.token_urlsafe(6)
    now = tokens.now_utc()
    # The day's salt: tomorrow's hash of the same address differs, and the salt is deleted once
    # no rule needs it (retention.py), so the hash cannot be turned back into the address.
    salt = await ctx.store.ip_salt_for(now.date())
    await ctx.store.record_click(
        advocate.id,
        click_token,
        channel_or_link(request.query_params.get("ch")),
        visitors.ip_hash(salt, client_ip(request)),
        visitors.device_class(request.headers.get("user-agent", "")),
        now,
    )
    ref = tokens.sign_ref(ctx.secrets.secret_key, advocate.code, click_token)
    return RedirectResponse(
        with_ref(campaign.landing_url, ref),
        status_code=303,
        headers={
            "Cache-Control": "no-store",
            "Referrer-Policy": "no-referrer",
            "X-Robots-Tag": "noindex",
        },
    )


routes = [Route("/r/{code}", follow_referral_link, methods=["GET"])]
