"""GET /api/v1/campaigns/{slug}/stats: the counts, the KPIs derived from them, the funnel and a
day-by-day series for whole shop days from..to: days cut at the shop's midnight
(SHAREBACK_TIMEZONE, shop_days.py), as the dashboard cuts them, so both show the same numbers."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from shareback import kpis, shop_days, tokens
from shareback.api.owner.documents import money_document
from shareback.api.owner.filters import owned_campaign
from shareback.api.owner.params import bad_param, given, parse_day, refuse_unknown
from shareback.auth.guard import GUARDED
from shareback.context import context

DEFAULT_DAYS = 30
MAX_DAYS = 366


def day_range(query: dict[str, str], today: date) -> tuple[date, date]:
    """Both ends inclusive; by default the last 30 days up to today."""
    first = parse_day("from", query["from"]) if given(query, "from") is not None else None
    last = parse_day("to", query["to"]) if given(query, "to") is not None else today
    if first is None:
        first = last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise bad_param("from", "from must be on or before to.")
    if (last - first).days + 1 > MAX_DAYS:
        raise bad_param("to", f"Ask for at most {MAX_DAYS} days at a time.")
    return first, last


def rate(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def stats_document(
    slug: str, currency: str, first: date, last: date, raw: kpis.RawStats
) -> dict[str, Any]:
    derived = kpis.derive(raw)

    def cash(minor: int) -> dict[str, Any]:
        return money_document(minor, currency)

    def maybe_cash(minor: int | None) -> dict[str, Any] | None:
        return None if minor is None else cash(minor)

    by_day = {counts.day: counts for counts in raw.days}
    daily = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        counts = by_day.get(day, kpis.DayCounts(day))
        daily.append(
            {
                "date": day.isoformat(),
                "opens": counts.opens,
                "shares": counts.shares,
                "clicks": counts.clicks,
                "conversions": counts.conversions,
                "revenue": cash(counts.revenue_minor),
            }
        )
    return {
        "campaign": slug,
        "from": first.isoformat(),
        "to": last.isoformat(),
        "currency": currency,
        "counts": {
            "opens": raw.opens,
            "shares": derived.shares,
            "shares_by_channel": raw.shares_by_channel,
            "clicks": derived.clicks,
            "clicks_by_channel": raw.clicks_by_channel,
            "bot_clicks": raw.bot_clicks,
            "unique_visitors": raw.unique_visitors,
            "new_advocates": raw.new_advocates,
            "sharing_advocates": raw.sharing_advocates,
            "conversions": derived.conversions,
            "refunded_conversions": raw.refunded_conversions,
            "cohort_conversions": raw.cohort_conversions,
            "referred_orders": raw.referred_orders,
            "all_orders": raw.all_orders,
            "pending_rewards": raw.pending_rewards,
            "approved_rewards": raw.approved_rewards,
            "fulfilled_rewards": raw.fulfilled_rewards,
            "revoked_rewards": raw.revoked_rewards,
        },
        "money": {
            "revenue": cash(raw.revenue_minor),
            "reward_cost": cash(raw.reward_cost_minor),
            "referred_order_total": cash(raw.referred_order_total_minor),
            "all_order_total": cash(raw.all_order_total_minor),
        },
        "kpis": {
            "conversion_rate": rate(derived.conversion_rate),
            "share_rate": rate(derived.share_rate),
            "click_through": rate(derived.click_through),
            "return_on_reward_spend": rate(derived.return_on_reward_spend),
            "k_factor": rate(derived.k_factor),
            "aov_referred": maybe_cash(derived.aov_referred_minor),
            "aov_all": maybe_cash(derived.aov_all_minor),
        },
        "funnel": [{"step": step, "count": count} for step, count in kpis.funnel(raw)],
        "daily": daily,
    }


async def show_campaign_stats(request: Request) -> Response:
    ctx = context(request)
    query = dict(request.query_params)
    refuse_unknown(query, {"from", "to"})
    campaign = await owned_campaign(ctx.store, request.path_params["slug"])
    zone = ctx.store.zone
    first, last = day_range(query, shop_days.local_day(tokens.now_utc(), zone))
    raw = await ctx.store.campaign_stats(campaign.id, *shop_days.bounds(first, last, zone))
    currency = campaign.referrer_reward.currency
    return JSONResponse(stats_document(campaign.slug, currency, first, last, raw))


routes = [
    Route(
        "/api/v1/campaigns/{slug}/stats", show_campaign_stats, methods=["GET"], middleware=GUARDED
    )
]
