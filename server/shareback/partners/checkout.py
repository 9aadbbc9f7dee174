"""The checkout's partner look-up: which partner (if any) an order's refs and typed codes name,
and whether that partner or a customer's referral gets the order (partners/attribution.py)."""

from __future__ import annotations

from datetime import timedelta

from shareback import codes, tokens
from shareback.attribution import Candidate
from shareback.context import Context
from shareback.partners.attribution import Touch, last_click
from shareback.storage.partner_records import PartnerTouch


async def partner_touch(
    ctx: Context, refs: tuple[str, ...], coupons: tuple[str, ...]
) -> PartnerTouch | None:
    """The partner's link (the latest click within the programme's window), else their code."""
    store = ctx.store
    best: PartnerTouch | None = None
    now = tokens.now_utc()
    for ref in refs:
        if not tokens.looks_like_token(ref):
            continue
        try:
            claims = tokens.verify_ref(ctx.secrets.secret_key, ref)
        except tokens.InvalidRef:
            continue
        partner = await store.partner_by_code(claims.code)
        if partner is None or partner.status != "approved" or partner.code != claims.code:
            continue
        programme = await store.partner_programme_by_id(partner.programme_id)
        window = timedelta(days=programme.settings.attribution_days if programme else 30)
        if now - claims.issued_at > window:
            continue
        click = await store.partner_click(claims.click_token)
        placement = click[1] if click is not None and click[0] == partner.id else ""
        touch = PartnerTouch(partner.id, "link", placement, claims.click_token, claims.issued_at)
        if best is None or (best.clicked_at and claims.issued_at > best.clicked_at):
            best = touch
    if best is not None:
        return best
    typed = [r for r in refs if not tokens.looks_like_token(r)] + list(coupons)
    for position, raw in enumerate(typed):
        code = codes.normalize_coupon(raw)
        partner = await store.partner_by_code(code) if code else None
        if partner is not None and partner.status == "approved":
            return PartnerTouch(partner.id, "code", position=position)
    return None


async def _code_position(ctx: Context, typed: list[str]) -> int:
    """Where the customer's code stands among the typed codes (as webhooks/orders.attribute
    found it: the first that names an advocate)."""
    for position, raw in enumerate(typed):
        code = codes.normalize_coupon(raw)
        if code and await ctx.store.code_owner(code) is not None:
            return position
    return 0


async def choose(
    ctx: Context,
    refs: tuple[str, ...],
    coupons: tuple[str, ...],
    candidate: Candidate | None,
    reason: str,
) -> tuple[Candidate | None, str, PartnerTouch | None]:
    """The customer referral attribute() found, or the partner, by the last click."""
    partner = await partner_touch(ctx, refs, coupons)
    if partner is None:
        return candidate, reason, None
    customer = None
    if candidate is not None:
        typed = [r for r in refs if not tokens.looks_like_token(r)] + list(coupons)
        if candidate.via == "link":
            customer = Touch("customer", "link", candidate.issued_at)
        else:
            customer = Touch("customer", "code", position=await _code_position(ctx, typed))
    theirs = Touch("partner", partner.via, partner.clicked_at, partner.position)
    winner = last_click(customer, theirs, tokens.now_utc())
    if winner is not None and winner.side == "partner":
        # The reason shows only if the partner was stopped at that very moment (the store
        # checks again in the order's transaction).
        return None, "partner_inactive", partner
    return candidate, reason, None
