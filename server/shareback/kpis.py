"""The owner's numbers: raw counts from the store, and the rates derived from them (pure).

Each figure has one definition (DEFINITIONS, shown beside it in the dashboard) and the tests
check each with one exact value. Conversions are referred orders the shop kept: a fully
refunded one is counted apart (refunded_conversions), so "conversions" and "referred orders"
are always the same number. The K-factor is the viral coefficient of one cohort: the customers
that the advocates who joined in the period brought in that period, per such advocate (K = i x c,
invitations per advocate times conversions per invitation)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from shareback.i18n import N_


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
    conversions: int  # every referred order in the range, refunded ones included
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
    # Kept referred orders credited to the advocates who joined in the range: the K-factor's cohort.
    cohort_conversions: int = 0
    # Rewards that reached their person (issued, credited, paid or given at the checkout).
    fulfilled_rewards: int = 0
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
    conversions: int  # referred orders kept (fully refunded ones left out)
    conversion_rate: Decimal | None  # conversions per human click
    share_rate: Decimal | None  # shares per widget open (a rate: one open, several networks)
    click_through: Decimal | None  # clicks per share (a rate: one share, many clicks)
    revenue_minor: int
    reward_cost_minor: int
    return_on_reward_spend: Decimal | None  # revenue per unit of reward cost
    k_factor: Decimal | None  # the joining cohort's customers per cohort advocate (i x c)
    aov_referred_minor: int | None
    aov_all_minor: int | None


def derive(raw: RawStats) -> Kpis:
    shares = sum(raw.shares_by_channel.values())
    clicks = sum(raw.clicks_by_channel.values())
    kept = raw.referred_orders  # the orders kept: counted once, by the store
    return Kpis(
        opens=raw.opens,
        shares=shares,
        clicks=clicks,
        unique_visitors=raw.unique_visitors,
        conversions=kept,
        conversion_rate=ratio(kept, clicks),
        share_rate=ratio(shares, raw.opens),
        click_through=ratio(clicks, shares),
        revenue_minor=raw.revenue_minor,
        reward_cost_minor=raw.reward_cost_minor,
        return_on_reward_spend=ratio(raw.revenue_minor, raw.reward_cost_minor, 2),
        k_factor=ratio(raw.cohort_conversions, raw.new_advocates, 2),
        aov_referred_minor=average(raw.referred_order_total_minor, raw.referred_orders),
        aov_all_minor=average(raw.all_order_total_minor, raw.all_orders),
    )


def funnel(raw: RawStats) -> list[tuple[str, int]]:
    return [
        ("opens", raw.opens),
        ("shares", sum(raw.shares_by_channel.values())),
        ("clicks", sum(raw.clicks_by_channel.values())),
        ("orders", raw.referred_orders),
    ]


# Steps that are a part of the step before them (an order comes from a click): shown as a share
# of it. The others are not (one open, many shares; one share, many clicks): shown as a rate,
# "3.1 clicks per share", never as a percentage above 100.
PART_OF_THE_STEP_BEFORE = frozenset({"orders"})


def step_ratio(step: str, value: int, before: int) -> tuple[str, Decimal] | None:
    """("percent", 0.2778) or ("per", 3.1) for a funnel step against the one before it."""
    if step in PART_OF_THE_STEP_BEFORE and value <= before:
        found = ratio(value, before)
        return None if found is None else ("percent", found)
    found = ratio(value, before, 1)
    return None if found is None else ("per", found)


# One line per figure, as the dashboard shows it beside the number.
DEFINITIONS = {
    "revenue": N_("What referred friends paid for orders the shop kept, less partial refunds."),
    "conversions": N_("Orders by referred friends that the shop kept (full refunds left out)."),
    "conversion_rate": N_("Conversions per link click by a person."),
    "return_on_reward_spend": N_("Revenue attributed for each unit of reward cost."),
    "opens": N_("Times the widget was opened."),
    "shares": N_("Shares, copies and QR views per widget open."),
    "clicks": N_("Clicks on referral links by people (link previews left out), per share."),
    "unique_visitors": N_("Different visitors who followed a link, counted once a day."),
    "reward_cost": N_("Rewards pending and approved for the period's referrals."),
    "k_factor": N_(
        "Customers brought by the advocates who joined in this period, per such advocate."
    ),
    "aov": N_("Average referred order, against the average of every order the shop reported."),
    "new_advocates": N_("Shoppers who got a link in this period; how many of them shared."),
}
