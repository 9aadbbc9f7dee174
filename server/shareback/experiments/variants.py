"""What a variant changes, who gets which one, and the campaign as a variant shows it.

Pure: no storage, no web. The adapters parse with ``parse_overrides``, pick with ``assign``
and present with ``apply`` / ``headline`` / ``share_text`` / ``friend_message``.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from shareback import wording
from shareback.channels import SHARE_TARGETS
from shareback.rewards import InvalidReward, RewardSpec
from shareback.storage.experiment_records import Variant
from shareback.storage.records import Campaign

__all__ = ["Variant"]

STATUSES = ("draft", "running", "paused", "stopped")
# Who may move where; every move is audited (experiment_changes).
TRANSITIONS: dict[str, set[str]] = {
    "draft": {"running", "stopped"},
    "running": {"paused", "stopped"},
    "paused": {"running", "stopped"},
    "stopped": set(),
}
KEYS = ("A", "B", "C", "D")  # A is the control: the campaign as it is
MAX_TEXT = {"headline": 200, "share_message": 500, "email_subject": 200, "email_body": 5000}
OVERRIDE_FIELDS = ("referrer_reward", "friend_reward", "channels", *MAX_TEXT)


class InvalidVariant(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def parse_overrides(raw: object, currency: str) -> dict[str, Any]:
    """What a variant changes, checked; unknown fields are refused (typos would test nothing)."""
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise InvalidVariant("overrides", "the changes must be an object")
    unknown = sorted(set(raw) - set(OVERRIDE_FIELDS))
    if unknown:
        raise InvalidVariant(unknown[0], f"'{unknown[0]}' is not something a variant can change")
    for field, value in raw.items():
        if value is None:
            raise InvalidVariant(field, f"'{field}' is null: leave it out to keep the campaign's")
    checked: dict[str, Any] = {}
    for side in ("referrer_reward", "friend_reward"):
        spec = raw.get(side)
        if spec is None:
            continue
        if not isinstance(spec, Mapping) or not all(
            isinstance(spec.get(k), str) for k in ("type", "value")
        ):
            raise InvalidVariant(side, f"'{side}' needs a type and a value, both text")
        try:
            RewardSpec(str(spec["type"]), str(spec["value"]), currency)
        except InvalidReward as exc:
            raise InvalidVariant(side, str(exc)) from None
        checked[side] = {"type": str(spec["type"]), "value": str(spec["value"])}
    channels = raw.get("channels")
    if channels is not None:
        if (
            not isinstance(channels, Sequence)
            or isinstance(channels, str)
            or not channels
            or any(c not in SHARE_TARGETS for c in channels)
            or len(set(channels)) != len(channels)
        ):
            raise InvalidVariant(
                "channels", f"'channels' lists share buttons once each: {', '.join(SHARE_TARGETS)}"
            )
        checked["channels"] = list(channels)
    for field, limit in MAX_TEXT.items():
        text = raw.get(field)
        if text is None:
            continue
        if not isinstance(text, str) or not text.strip() or len(text) > limit or "\x00" in text:
            raise InvalidVariant(field, f"'{field}' must be text of 1 to {limit} characters")
        checked[field] = text.strip()
    from shareback.experiments.mail import problem  # the mail templates' own check

    found = problem(checked)
    if found:
        raise InvalidVariant(*found)
    return checked


def check_weights(variants: Sequence[Variant]) -> None:
    if not 2 <= len(variants) <= len(KEYS):
        raise InvalidVariant("variants", f"an experiment has 2 to {len(KEYS)} variants")
    if any(not 1 <= v.weight <= 1000 for v in variants):
        raise InvalidVariant("variants", "each variant's share of traffic is 1 to 1000")


def assign(experiment_id: int, advocate_id: int, variants: Sequence[Variant]) -> Variant:
    """The advocate's variant: a hash of the experiment and the advocate, so the same on every
    process and machine and after restarts, split by the variants' weights."""
    digest = hashlib.sha256(f"shareback-experiment:{experiment_id}:{advocate_id}".encode()).digest()
    point = int.from_bytes(digest[:8], "big") / 2**64 * sum(v.weight for v in variants)
    for variant in variants:
        point -= variant.weight
        if point < 0:
            return variant
    return variants[-1]


def apply(campaign: Campaign, overrides: Mapping[str, Any]) -> Campaign:
    """The campaign with the variant's offer for either side."""
    currency = campaign.referrer_reward.currency

    def spec(side: str, current: RewardSpec) -> RewardSpec:
        own = overrides.get(side)
        return RewardSpec(own["type"], own["value"], currency) if own else current

    return dataclasses.replace(
        campaign,
        referrer_reward=spec("referrer_reward", campaign.referrer_reward),
        friend_reward=spec("friend_reward", campaign.friend_reward),
    )


def _fill(text: str, campaign: Campaign, lang: str) -> str:
    """{shop}, {friend} and {referrer} in an owner's text: the shop's name and the offers."""
    offers = wording.offers(campaign, lang)
    return (
        text.replace("{shop}", campaign.shop_name)
        .replace("{friend}", offers["friend"])
        .replace("{referrer}", offers["referrer"])
    )


def headline(campaign: Campaign, lang: str, overrides: Mapping[str, Any]) -> str:
    own = overrides.get("headline")
    return _fill(own, campaign, lang) if own else wording.headline(campaign, lang)


def share_text(campaign: Campaign, lang: str, overrides: Mapping[str, Any]) -> dict[str, str]:
    texts = wording.share_text(campaign, lang)
    own = overrides.get("share_message")
    return {**texts, "text": _fill(own, campaign, lang)} if own else texts


def channels(overrides: Mapping[str, Any]) -> list[str]:
    """The share buttons in the variant's order; those it leaves out follow in the usual one."""
    first = list(overrides.get("channels") or ())
    return first + [c for c in SHARE_TARGETS if c not in first]
