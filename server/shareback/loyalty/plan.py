"""A campaign's loyalty plan: the cap on referrer rewards, the milestones and the tiers; its JSON
(the owner API's and the stored one are the same document) and every rule its settings obey, with
the one wording of each problem, for the owner API and the dashboard's form alike. Pure."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from shareback import campaigns, money
from shareback.campaigns import InvalidCampaign
from shareback.i18n import gettext as _
from shareback.rewards import REWARD_TYPES, RewardSpec

MAX_CAP = 100_000
MAX_MILESTONES = 20
MAX_TIERS = 10
MAX_TIER_NAME = 40
BY_REFERRALS = "referrals"  # successful referrals (friends whose order was not refunded)
BY_SPEND = "spend"  # what the advocate's friends spent, net of refunds
BASES = (BY_REFERRALS, BY_SPEND)
DEMOTE_ON_REFUND = "on_refund"  # a refund that takes the measure below the threshold demotes
DEMOTE_NEVER = "never"  # a tier once reached is kept
DEMOTIONS = (DEMOTE_ON_REFUND, DEMOTE_NEVER)
TIER_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
# A milestone is not a share of one order: fixed amounts, coupons, points or a gift.
MILESTONE_TYPES = ("fixed_discount", "credit", "coupon", "points", "cash", "custom")
FIELDS = ("cap", "milestones", "tiers")
LEVEL_FIELDS = ("key", "name", "from", "referrer_reward", "friend_reward")


@dataclass(frozen=True)
class Milestone:
    friends: int  # awarded at the n-th successful friend
    reward: RewardSpec


@dataclass(frozen=True)
class Tier:
    key: str
    name: str
    threshold: int  # friends (by referrals) or minor units of the campaign's currency (by spend)
    rank: int  # 0 for the lowest
    referrer_reward: RewardSpec | None = None  # overrides the campaign's for this tier's advocates
    friend_reward: RewardSpec | None = None


@dataclass(frozen=True)
class LoyaltyPlan:
    cap: int | None = None
    milestones: tuple[Milestone, ...] = ()
    basis: str = BY_REFERRALS
    demotion: str = DEMOTE_ON_REFUND
    tiers: tuple[Tier, ...] = ()

    @property
    def empty(self) -> bool:
        return self.cap is None and not self.milestones and not self.tiers

    def tier(self, key: str | None) -> Tier | None:
        return next((t for t in self.tiers if t.key == key), None)


NONE = LoyaltyPlan()


def _reward_json(spec: RewardSpec | None) -> dict[str, str] | None:
    return None if spec is None else {"type": spec.type, "value": spec.value}


def threshold_json(plan: LoyaltyPlan, tier: Tier, currency: str) -> int | str:
    """A tier's `from`: friends, or an amount as a decimal string."""
    return (
        tier.threshold if plan.basis == BY_REFERRALS else money.from_minor(tier.threshold, currency)
    )


def to_document(plan: LoyaltyPlan, currency: str) -> dict[str, Any]:
    return {
        "cap": plan.cap,
        "milestones": [
            {"friends": m.friends, "reward": _reward_json(m.reward)} for m in plan.milestones
        ],
        "tiers": {
            "basis": plan.basis,
            "demotion": plan.demotion,
            "levels": [
                {
                    "key": t.key,
                    "name": t.name,
                    "from": threshold_json(plan, t, currency),
                    "referrer_reward": _reward_json(t.referrer_reward),
                    "friend_reward": _reward_json(t.friend_reward),
                }
                for t in plan.tiers
            ],
        },
    }


def to_json(plan: LoyaltyPlan, currency: str) -> str | None:
    """What campaigns.loyalty keeps (None: no plan)."""
    if plan.empty:
        return None
    return json.dumps(to_document(plan, currency), separators=(",", ":"), ensure_ascii=False)


def from_json(text: str | None, currency: str) -> LoyaltyPlan:
    """A stored plan, checked again: one the code no longer accepts is no plan, never a 500."""
    if not text:
        return NONE
    try:
        return parse(json.loads(text), currency)
    except (InvalidCampaign, ValueError):
        return NONE


def _object(value: Any, field: str, known: tuple[str, ...]) -> dict[str, Any]:
    """An object with only the fields it may have: a misspelt one would change less than asked."""
    if not isinstance(value, dict):
        raise InvalidCampaign(field, _("Give an object here."), "invalid_loyalty")
    for name in value:
        if name not in known:
            raise InvalidCampaign(
                f"{field}.{name}" if field != "loyalty" else str(name),
                _("Unknown field; this takes %(fields)s.") % {"fields": ", ".join(known)},
                "unknown_field",
            )
    return value


def _whole(value: Any, field: str, lowest: int, highest: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lowest <= value <= highest:
        raise InvalidCampaign(
            field,
            _("Enter a whole number from %(lowest)s to %(highest)s.")
            % {"lowest": lowest, "highest": highest},
            "invalid_loyalty",
        )
    return value


def _reward(value: Any, field: str, currency: str, kinds: tuple[str, ...]) -> RewardSpec:
    found = _object(value, field, ("type", "value"))
    kind, amount = found.get("type"), found.get("value")
    if not isinstance(kind, str) or kind not in kinds:
        raise InvalidCampaign(
            field,
            _("Choose a kind of reward: %(kinds)s.") % {"kinds": ", ".join(kinds)},
            "invalid_loyalty",
        )
    if not isinstance(amount, str):
        raise InvalidCampaign(field, _("Enter the reward's value."), "invalid_loyalty")
    try:
        return campaigns.reward(field, kind, amount, currency)
    except InvalidCampaign as exc:
        raise InvalidCampaign(field, exc.message, "invalid_loyalty") from None


def _milestones(value: Any, cap: int | None, currency: str) -> tuple[Milestone, ...]:
    if not isinstance(value, list) or len(value) > MAX_MILESTONES:
        raise InvalidCampaign(
            "milestones",
            _("Give a list of at most %(num)s milestones.") % {"num": MAX_MILESTONES},
            "invalid_loyalty",
        )
    found: list[Milestone] = []
    for n, item in enumerate(value):
        field = f"milestones[{n}]"
        entry = _object(item, field, ("friends", "reward"))
        friends = _whole(entry.get("friends"), f"{field}.friends", 1, cap or MAX_CAP)
        if any(m.friends == friends for m in found):
            raise InvalidCampaign(
                f"{field}.friends",
                _("Each milestone needs its own number of friends."),
                "invalid_loyalty",
            )
        reward = _reward(entry.get("reward"), f"{field}.reward", currency, MILESTONE_TYPES)
        found.append(Milestone(friends, reward))
    return tuple(sorted(found, key=lambda m: m.friends))


def _threshold(value: Any, field: str, basis: str, currency: str) -> int:
    if basis == BY_REFERRALS:
        return _whole(value, field, 0, MAX_CAP)
    try:
        if not isinstance(value, str):
            raise money.InvalidAmount(str(value))
        amount = money.to_minor(value.strip(), currency)
    except money.InvalidAmount:
        raise InvalidCampaign(
            field,
            _("Enter an amount in %(currency)s, such as %(example)s.")
            % {"currency": currency, "example": money.from_minor(25000, currency)},
            "invalid_loyalty",
        ) from None
    if amount < 0:
        raise InvalidCampaign(field, _("Enter an amount of at least 0."), "invalid_loyalty")
    return amount


def _tiers(value: Any, currency: str) -> tuple[str, str, tuple[Tier, ...]]:
    entry = _object(value, "tiers", ("basis", "demotion", "levels"))
    basis = entry.get("basis", BY_REFERRALS)
    if basis not in BASES:
        raise InvalidCampaign(
            "tiers.basis",
            _(
                "Choose what tiers go by: referrals (friends who ordered) or spend (what they spent)."
            ),
            "invalid_loyalty",
        )
    demotion = entry.get("demotion", DEMOTE_ON_REFUND)
    if demotion not in DEMOTIONS:
        raise InvalidCampaign(
            "tiers.demotion",
            _("Choose on_refund (a refund below the threshold demotes) or never."),
            "invalid_loyalty",
        )
    levels = entry.get("levels", [])
    if not isinstance(levels, list) or len(levels) > MAX_TIERS:
        raise InvalidCampaign(
            "tiers.levels",
            _("Give a list of at most %(num)s tiers.") % {"num": MAX_TIERS},
            "invalid_loyalty",
        )
    found: list[Tier] = []
    for n, item in enumerate(levels):
        field = f"tiers.levels[{n}]"
        level = _object(item, field, LEVEL_FIELDS)
        key = level.get("key")
        if not isinstance(key, str) or not TIER_KEY.fullmatch(key):
            raise InvalidCampaign(
                f"{field}.key",
                _("Use 1 to 32 lower-case letters, digits, - or _, such as gold."),
                "invalid_loyalty",
            )
        name = level.get("name")
        if not isinstance(name, str) or not name.strip() or len(name.strip()) > MAX_TIER_NAME:
            raise InvalidCampaign(
                f"{field}.name",
                _("Name the tier in at most %(num)s characters, such as Goud.")
                % {"num": MAX_TIER_NAME},
                "invalid_loyalty",
            )
        if not name.strip().isprintable():
            raise InvalidCampaign(
                f"{field}.name",
                _("Keep it to one line, without control characters."),
                "invalid_loyalty",
            )
        threshold = _threshold(level.get("from"), f"{field}.from", basis, currency)
        if any(t.key == key for t in found):
            raise InvalidCampaign(
                f"{field}.key", _("Each tier needs its own key."), "invalid_loyalty"
            )
        if found and threshold <= found[-1].threshold:
            raise InvalidCampaign(
                f"{field}.from",
                _("List the tiers from the lowest up: each starts above the one before."),
                "invalid_loyalty",
            )
        sides = {}
        for side in ("referrer_reward", "friend_reward"):
            given = level.get(side)
            kinds = tuple(k for k in REWARD_TYPES if side == "referrer_reward" or k != "cash")
            sides[side] = (
                None if given is None else _reward(given, f"{field}.{side}", currency, kinds)
            )
        found.append(
            Tier(key, name.strip(), threshold, n, sides["referrer_reward"], sides["friend_reward"])
        )
    return basis, demotion, tuple(found)


def parse(value: Any, currency: str) -> LoyaltyPlan:
    """The owner's plan, as the API takes it (and the form builds it): {"cap", "milestones",
    "tiers": {"basis", "demotion", "levels"}}; raises InvalidCampaign naming the field."""
    entry = _object(value, "loyalty", FIELDS)
    cap = entry.get("cap")
    cap = None if cap is None else _whole(cap, "cap", 1, MAX_CAP)
    # Left out is none; null is no list and no object (the document says so).
    milestones = _milestones(entry.get("milestones", []), cap, currency)
    basis, demotion, tiers = _tiers(entry.get("tiers", {}), currency)
    return LoyaltyPlan(cap, milestones, basis, demotion, tiers)


def offers(plan: LoyaltyPlan, tier_key: str | None) -> tuple[RewardSpec | None, RewardSpec | None]:
    """The tier's own offer for the advocate and the friend (None: the campaign's)."""
    tier = plan.tier(tier_key)
    return (None, None) if tier is None else (tier.referrer_reward, tier.friend_reward)
