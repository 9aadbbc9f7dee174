"""The owner's numbers: raw counts from the store, and the rates derived from them (pure)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class DayCounts:
    day: date
    opens: int = 0
    shares: int = 0
    clicks: int = 0
    conversions: int = 0
    revenue_minor: int = 0


@dataclass(frozen=True)
class RawStats:
    """Everything counted once, in SQL, for one campaign and a half-open time range."""

    opens: int
    shares_by_channel: dict[str, int]
    clicks_by_channel: dict[str, int]
    bot_clicks: int
    unique_visitors: int
    new_advocates: int
    sharing_advocates: int
    conversions: int
    refunded_conversions: int
    revenue_minor: int
    reward_cost_minor: int
    pending_rewards: int
    approved_rewards: int
    revoked_rewards: int
    referred_orders: int
    referred_order_total_minor: int
    all_orders: int
    all_order_total_minor: int
    days: list[DayCounts] = field(default_factory=list)


def ratio(numerator: int, denominator: int, places: int = 4) -> Decimal | None:
    """None, not zero, when there is nothing to divide by: "no data" is not "0 %"."""
    if denominator == 0:
        return None
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(numerator) / Decimal(denominator)).quantize(quantum, rounding=ROUND_HALF_UP)


def average(total: int, count: int) -> int | None:
    if count == 0:
        return None
    return int((Decimal(total) / count).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Kpis:
    opens: int
    shares: int
    clicks: int
    unique_visitors: int
    conversions: int
    conversion_rate: Decimal | None  # conversions per human click
    share_rate: Decimal | None  # shares per widget open
    click_through: Decimal | None  # clicks per share
    revenue_minor: int
    reward_cost_minor: int
    return_on_reward_spend: Decimal | None  # revenue per unit of reward cost
    k_factor: Decimal | None  # conversions per new advocate (invites x conversion)
    aov_referred_minor: int | None
    aov_all_minor: int | None


def derive(raw: RawStats) -> Kpis:
    shares = sum(raw.shares_by_channel.values())
    clicks = sum(raw.clicks_by_channel.values())
    return Kpis(
        opens=raw.opens,
        shares=shares,
        clicks=clicks,
        unique_visitors=raw.unique_visitors,
        conversions=raw.conversions,
        conversion_rate=ratio(raw.conversions, clicks),
        share_rate=ratio(shares, raw.opens),
        click_through=ratio(clicks, shares),
        revenue_minor=raw.revenue_minor,
        reward_cost_minor=raw.reward_cost_minor,
        return_on_reward_spend=ratio(raw.revenue_minor, raw.reward_cost_minor, 2),
        k_factor=ratio(raw.conversions, raw.new_advocates, 2),
        aov_referred_minor=average(raw.referred_order_total_minor, raw.referred_orders),
        aov_all_minor=average(raw.all_order_total_minor, raw.all_orders),
    )


def funnel(raw: RawStats) -> list[tuple[str, int]]:
    return [
        ("opens", raw.opens),
        ("shares", sum(raw.shares_by_channel.values())),
        ("clicks", sum(raw.clicks_by_channel.values())),
        ("orders", raw.conversions),
    ]
