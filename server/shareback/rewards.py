"""Reward kinds, their value for one order, their wording, and the pending → approved → fulfilled
(or revoked) rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from shareback import formats, money
from shareback.i18n import N_, translate

# cash: paid out in a payout batch; custom: anything else, fulfilled by the shop itself.
REWARD_TYPES = (
    "percent_discount",
    "fixed_discount",
    "credit",
    "coupon",
    "points",
    "cash",
    "custom",
)
STATUSES = ("pending", "approved", "fulfilled", "revoked")
# referral: one friend's; milestone: a campaign milestone's (loyalty/); prize: a contest's.
KINDS = ("referral", "milestone", "prize")
MAX_VALUE = 10**12  # far above any real reward; keeps 1e999999 out of every sum and text
# Fulfilled: issued or paid (a code, credit in the ledger, a payout, the shop's word). Only what
# was never given can be revoked; what was given may be clawed back (clawback records).
TRANSITIONS: dict[str, set[str]] = {
    "pending": {"approved", "revoked"},
    "approved": {"fulfilled"},
    "fulfilled": set(),
    "revoked": set(),
}


class InvalidReward(ValueError):
    pass


class InvalidTransition(ValueError):
    pass


@dataclass(frozen=True)
class RewardSpec:
    """What a campaign promises one side: type, value ("10" for 10 %, "5.00" for €5) and currency."""

    type: str
    value: str
    currency: str = "EUR"

    def __post_init__(self) -> None:
        if self.type not in REWARD_TYPES:
            raise InvalidReward(f"reward type must be one of {', '.join(REWARD_TYPES)}")
        try:
            number = Decimal(self.value)
        except InvalidOperation as exc:
            raise InvalidReward(f"reward value {self.value!r} is not a number") from exc
        if not number.is_finite() or number < 0:
            raise InvalidReward("reward value must be a non-negative number")
        if number > MAX_VALUE or int(number.as_tuple().exponent) < -6:
            raise InvalidReward("reward value must be a usable number, such as 10 or 5.00")
        if self.type == "percent_discount" and number > 100:
            raise InvalidReward("a percentage discount is at most 100")

    def as_dict(self) -> dict[str, str]:
        return {"type": self.type, "value": self.value, "currency": self.currency}

    def cost_minor(self, order_total_minor: int) -> int | None:
        """What the reward costs the shop for an order of this size (None: not money, e.g. points)."""
        if self.type == "percent_discount":
            return money.percent_of(order_total_minor, Decimal(self.value))
        if self.type in ("fixed_discount", "credit", "cash"):
            return money.to_minor(self.value, self.currency)
        return None

    def describe(self, lang: str) -> str:
        """The reward in words, numbers as the language writes them (formats.py): "7,5% korting",
        "€ 7,50 tegoed"; "7.5% off", "€7.50 store credit"."""
        if self.type == "percent_discount":
            return translate(lang, N_("%(amount)s off")) % {
                "amount": formats.percent_of(self.value, lang)
            }
        if self.type in ("fixed_discount", "credit", "cash"):
            amount = money.format_money(
                money.to_minor(self.value, self.currency), self.currency, lang
            )
            if self.type == "credit":
                return translate(lang, N_("%(amount)s store credit")) % {"amount": amount}
            if self.type == "cash":
                return translate(lang, N_("%(amount)s paid to your account")) % {"amount": amount}
            return translate(lang, N_("%(amount)s off")) % {"amount": amount}
        if self.type == "points":
            points = Decimal(self.value).normalize()
            shown = formats.number(points, lang, places=max(0, -int(points.as_tuple().exponent)))
            return translate(lang, N_("%(amount)s points")) % {"amount": shown}
        if self.type == "custom":
            return translate(lang, N_("a gift from the shop"))
        return translate(lang, N_("a discount code"))


def approve_after(paid_at: datetime, hold_days: int) -> datetime:
    """Rewards wait out the return window before they can be paid."""
    return paid_at + timedelta(days=hold_days)


def transition(current: str, target: str) -> str:
    if target not in TRANSITIONS.get(current, set()):
        raise InvalidTransition(f"a {current} reward cannot become {target}")
    return target


def shrunk_amount(
    spec: RewardSpec, total_minor: int, kept_minor: int, amount_minor: int | None
) -> int | None:
    """A pending reward's new amount once part of its order is refunded, or None if it stays:
    a share of the order is recomputed on what was kept, never raised; a fixed amount, credit
    or points does not depend on the order's size."""
    if spec.cost_minor(total_minor) == spec.cost_minor(kept_minor):
        return None
    amount = spec.cost_minor(kept_minor)
    if amount is None or amount_minor is None or amount >= amount_minor:
        return None
    return amount


@dataclass(frozen=True)
class Clawback:
    amount_minor: int | None  # None: the whole reward (points or a coupon)


def clawback(
    spec: RewardSpec,
    amount_minor: int | None,
    *,
    clawed_minor: int,
    wholly_clawed: bool,
    kept_minor: int | None,
    total_minor: int,
) -> Clawback | None:
    """What an approved (maybe already paid) reward is owed back once its order shrinks to
    kept_minor, None meaning the whole order is lost; None when nothing more is owed.

    A reward is never clawed back twice: what earlier clawbacks took is subtracted, and one
    that took the whole reward ends it."""
    if wholly_clawed:
        return None
    if amount_minor is None:  # points or a coupon: only a lost order takes them back
        return Clawback(None) if kept_minor is None else None
    if kept_minor is None:
        worth = 0
    elif spec.cost_minor(total_minor) == spec.cost_minor(kept_minor):
        return None  # a fixed reward keeps its worth after a partial refund
    else:
        worth = spec.cost_minor(kept_minor) or 0
    owed = amount_minor - clawed_minor - worth
    return Clawback(owed) if owed > 0 else None
