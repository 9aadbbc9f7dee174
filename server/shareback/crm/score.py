"""The ambassador score: who to invite, from a customer's purchases, satisfaction, referral
success and service history, with the reasons that make it (issue 12.4). Pure: the store gathers
the facts, score() decides, the store keeps the result; explain() words a reason in the
dashboard's language."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from shareback import formats
from shareback.crm.records import Customer, Ticket
from shareback.i18n import N_, current_locale, ngettext
from shareback.i18n import gettext as _

DECILES = 10
MAX_POINTS = 100
# Score bands the dashboard and the API filter by (and segments may target): inclusive ranges.
BANDS: dict[str, tuple[int, int]] = {"high": (60, 100), "medium": (30, 59), "low": (0, 29)}
BAND_LABELS = {
    "high": N_("High: 60 or more"),
    "medium": N_("Medium: 30 to 59"),
    "low": N_("Low: under 30"),
}
# Frequency is full at this many orders in the window; value at twice the typical customer's.
FULL_FREQUENCY = 4
# Referral success is full at two friends converted; a click or a share is worth an eighth of one.
FULL_REFERRALS = 4.0


@dataclass(frozen=True)
class ScoreRules:
    """Weights (relative: the score is scaled to 0 to 100 whatever they add up to) and exclusions;
    from the SHAREBACK_SCORE_ settings (settings.py)."""

    recency_weight: int = 20
    frequency_weight: int = 20
    value_weight: int = 15
    satisfaction_weight: int = 15
    referral_weight: int = 30
    # Points off per open ticket (before scaling), and the age under which an open ticket keeps
    # the customer out of invitations altogether.
    open_ticket_penalty: int = 15
    exclude_complaint_days: int = 30
    # The frequency window ("3 orders in 90 days") and the recency half-life.
    window_days: int = 90
    # Invite only customers who said yes to marketing; False also invites those never asked
    # (a "no" is always respected).
    require_consent: bool = True

    @property
    def total_weight(self) -> int:
        return (
            self.recency_weight
            + self.frequency_weight
            + self.value_weight
            + self.satisfaction_weight
            + self.referral_weight
        )


@dataclass(frozen=True)
class ReferralFacts:
    """What the customer's advocates (any campaign) did: shares, clicks, friends who ordered."""

    shares: int = 0
    clicks: int = 0
    friends_converted: int = 0


@dataclass(frozen=True)
class ScoreFacts:
    customer: Customer
    orders_in_window: int
    tickets: tuple[Ticket, ...]
    referrals: ReferralFacts
    # The median net revenue of the shop's customers in the customer's currency (None: unknown).
    typical_revenue_minor: int | None


@dataclass(frozen=True)
class Reason:
    """One reason behind a score: a kind explain() words, its numbers, and the points it gave
    (negative when it took some away)."""

    kind: str
    count: int = 0
    days: int = 0
    amount_minor: int = 0
    currency: str | None = None
    points: int = 0


@dataclass(frozen=True)
class Score:
    points: int
    excluded: bool  # an unresolved recent complaint: never invited while it lasts
    reasons: tuple[Reason, ...]


def _days(now: datetime, then: datetime) -> int:
    return max(0, (now - then).days)


def _satisfaction(tickets: Iterable[Ticket]) -> tuple[str, int, float] | None:
    """The latest NPS when one is known (its kind, value and a fraction from -1 to 1), else the
    latest satisfaction (1 to 5)."""
    latest = sorted(tickets, key=lambda t: t.opened_at, reverse=True)
    for ticket in latest:
        if ticket.nps is not None and 0 <= ticket.nps <= 10:
            return "nps", ticket.nps, (ticket.nps - 5) / 5
    for ticket in latest:
        if ticket.satisfaction is not None and 1 <= ticket.satisfaction <= 5:
            return "satisfaction", ticket.satisfaction, (ticket.satisfaction - 3) / 2
    return None


def score(facts: ScoreFacts, rules: ScoreRules, now: datetime) -> Score:
    customer = facts.customer
    scale = MAX_POINTS / max(1, rules.total_weight)
    reasons: list[Reason] = []

    def add(kind: str, raw: float, **numbers: Any) -> None:
        reasons.append(Reason(kind, points=round(raw * scale), **numbers))

    window = max(1, rules.window_days)
    if customer.last_order_at is None and customer.order_count > 0:
        # An export's order count without the orders' dates (Shopify's "Total Orders"): neither
        # recency nor frequency can be judged, and "no orders yet" would be untrue.
        add("orders_undated", 0.0, count=customer.order_count)
    elif customer.last_order_at is None:
        add("no_orders", 0.0)
    else:
        days = _days(now, customer.last_order_at)
        add(
            "orders_in_window",
            min(facts.orders_in_window, FULL_FREQUENCY) / FULL_FREQUENCY * rules.frequency_weight,
            count=facts.orders_in_window,
            days=window,
        )
        add("last_order", 0.5 ** (days / window) * rules.recency_weight, days=days)
    revenue = max(0, customer.revenue_minor)
    if revenue and customer.currency:
        typical = facts.typical_revenue_minor or 0
        fraction = 1.0 if typical <= 0 else min(1.0, revenue / (2 * typical))
        add(
            "revenue",
            fraction * rules.value_weight,
            amount_minor=revenue,
            currency=customer.currency,
        )
    known = _satisfaction(facts.tickets)
    if known is not None:
        kind, value, fraction = known
        add(kind, fraction * rules.satisfaction_weight, count=value)
    done = facts.referrals
    if done.friends_converted or done.clicks or done.shares:
        credit = done.friends_converted * 2 + (done.clicks + done.shares) * 0.25
        fraction = min(1.0, credit / FULL_REFERRALS)
        # One reason carries the points: the strongest fact, worded first.
        kind, count = (
            ("friends_converted", done.friends_converted)
            if done.friends_converted
            else ("clicks", done.clicks)
            if done.clicks
            else ("shares", done.shares)
        )
        add(kind, fraction * rules.referral_weight, count=count)
    open_tickets = [t for t in facts.tickets if t.closed_at is None]
    excluded = False
    if not open_tickets:
        add("no_open_tickets", 0.0)
    else:
        newest = max(t.opened_at for t in open_tickets)
        age = _days(now, newest)
        penalty = -rules.open_ticket_penalty * len(open_tickets)
        if age < rules.exclude_complaint_days:
            excluded = True
            add("recent_complaint", penalty, days=age, count=len(open_tickets))
        else:
            add("open_tickets", penalty, count=len(open_tickets))
    total = sum(r.points for r in reasons)
    return Score(max(0, min(MAX_POINTS, total)), excluded, tuple(reasons))


def band(points: int) -> str:
    return next(name for name, (low, high) in BANDS.items() if low <= points <= high)


def decile(ahead: int, total: int) -> int:
    """1 (the top tenth) to 10, from how many scored customers rank ahead of this one (more
    points, or as many and an older record: ties are split so that every decile fills) and how
    many there are."""
    if total <= 0:
        return 1
    return min(DECILES, 1 + (max(0, ahead) * DECILES) // total)


# Why a customer is not invited (invite() reports each, counted).
REFUSALS = ("excluded", "no_consent", "unknown_consent", "unsubscribed")


def refusal(
    marketing_consent: bool | None, excluded: bool, rules: ScoreRules, unsubscribed: bool
) -> str | None:
    """None when the customer may be sent an invitation, else the reason not (one of
    REFUSALS)."""
    if unsubscribed:
        return "unsubscribed"
    if marketing_consent is False:
        return "no_consent"
    if marketing_consent is None and rules.require_consent:
        return "unknown_consent"
    if excluded:
        return "excluded"
    return None


def explain(reason: Reason) -> str:
    """The reason in plain words, in the current locale; "" for a kind this version does not
    know (written by a newer one)."""
    n, days = reason.count, reason.days
    match reason.kind:
        case "no_orders":
            return _("no orders yet")
        case "orders_undated":
            return ngettext(
                "%(num)d order, its date unknown", "%(num)d orders, their dates unknown", n
            ) % {"num": n}
        case "orders_in_window":
            return ngettext(
                "%(num)d order in %(days)d days", "%(num)d orders in %(days)d days", n
            ) % {"num": n, "days": days}
        case "last_order":
            if days == 0:
                return _("last order today")
            return ngettext("last order %(num)d day ago", "last order %(num)d days ago", days) % {
                "num": days
            }
        case "revenue":
            money = formats.amount(reason.amount_minor, reason.currency or "EUR", current_locale())
            return _("%(amount)s spent") % {"amount": money}
        case "nps":
            return _("NPS %(num)d") % {"num": n}
        case "satisfaction":
            return _("satisfaction %(num)d of 5") % {"num": n}
        case "friends_converted":
            return ngettext(
                "%(num)d friend already converted", "%(num)d friends already converted", n
            ) % {"num": n}
        case "clicks":
            return ngettext("%(num)d click on their link", "%(num)d clicks on their link", n) % {
                "num": n
            }
        case "shares":
            return ngettext("shared %(num)d time", "shared %(num)d times", n) % {"num": n}
        case "no_open_tickets":
            return _("no open tickets")
        case "open_tickets":
            return ngettext("%(num)d open ticket", "%(num)d open tickets", n) % {"num": n}
        case "recent_complaint":
            return ngettext(
                "an unresolved ticket from %(num)d day ago: not invited for now",
                "an unresolved ticket from %(num)d days ago: not invited for now",
                days,
            ) % {"num": days}
    return ""


def summary(reasons: Iterable[Reason]) -> str:
    """The reasons as one line: "3 orders in 90 days, NPS 9, no open tickets"."""
    return ", ".join(text for text in map(explain, reasons) if text)


def reasons_json(reasons: Iterable[Reason]) -> str:
    return json.dumps([asdict(r) for r in reasons], separators=(",", ":"))


def reasons_from_json(text: str) -> tuple[Reason, ...]:
    """Reasons as stored; anything unreadable is left out rather than failing the page."""
    try:
        items = json.loads(text)
    except ValueError:
        return ()
    if not isinstance(items, list):
        return ()
    fields = set(Reason.__dataclass_fields__)
    found: list[Reason] = []
    for item in items:
        if isinstance(item, Mapping) and isinstance(item.get("kind"), str):
            try:
                found.append(Reason(**{k: v for k, v in item.items() if k in fields}))
            except TypeError:
                continue
    return tuple(found)


def reason_document(reason: Reason) -> dict[str, Any]:
    """A reason in the owner API: its structure and its words in the request's language."""
    return {**asdict(reason), "text": explain(reason)}


@dataclass(frozen=True)
class DecileCounts:
    """One decile's invitations and what came of them (the store counts)."""

    decile: int
    invited: int = 0
    shared: int = 0  # invitees who shared or whose link was clicked after the invitation
    converted: int = 0  # invitees with at least one friend's order after the invitation
    friend_orders: int = 0


@dataclass(frozen=True)
class DecileRow:
    decile: int
    invited: int
    shared: int
    converted: int
    friend_orders: int
    share_rate: Decimal | None
    conversion_rate: Decimal | None


def calibration(counts: Iterable[DecileCounts]) -> list[DecileRow]:
    """All ten deciles, top first, with their rates (None where nobody was invited)."""
    by_decile = {c.decile: c for c in counts}
    rows: list[DecileRow] = []
    for number in range(1, DECILES + 1):
        c = by_decile.get(number, DecileCounts(number))
        rows.append(
            DecileRow(
                number,
                c.invited,
                c.shared,
                c.converted,
                c.friend_orders,
                Decimal(c.shared) / c.invited if c.invited else None,
                Decimal(c.converted) / c.invited if c.invited else None,
            )
        )
    return rows
