"""An experiment as the owner asks for it (API body or dashboard form), checked: a name, the
primary metric fixed from the start, the uplift hoped for, and 2 to 4 variants of which the
first, the control, is the campaign as it is."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from shareback.experiments.metrics import PRIMARY
from shareback.experiments.variants import KEYS, InvalidVariant, check_weights, parse_overrides
from shareback.numbers import json_integer
from shareback.storage.experiment_records import Variant

FIELDS = ("name", "primary_metric", "planned_uplift_percent", "variants")
VARIANT_FIELDS = ("name", "weight", "overrides")
DEFAULT_UPLIFT = 20


@dataclass(frozen=True)
class Plan:
    name: str
    primary_metric: str
    planned_uplift_percent: int
    variants: tuple[Variant, ...]


def _name(raw: object, field: str) -> str:
    if not isinstance(raw, str) or not raw.strip() or len(raw) > 100 or "\x00" in raw:
        raise InvalidVariant(field, "Give it a name of 1 to 100 characters.")
    return raw.strip()


def _integer(body: Mapping[str, object], field: str, low: int, high: int, default: int) -> int:
    if field not in body:  # left out: the default (given as null: refused)
        return default
    raw = body[field]
    number = json_integer(raw) if not isinstance(raw, bool) else None
    if number is None or not low <= number <= high:
        raise InvalidVariant(field, f"'{field}' is a whole number from {low} to {high}.")
    return number


def parse_plan(body: Mapping[str, object], currency: str) -> Plan:
    for name in body:
        if name not in FIELDS:
            raise InvalidVariant(name, f"Unknown field '{name}'; this takes {', '.join(FIELDS)}.")
    name = _name(body.get("name"), "name")
    metric = body.get("primary_metric")
    if metric not in PRIMARY:
        raise InvalidVariant("primary_metric", f"Choose one of {', '.join(PRIMARY)}.")
    uplift = _integer(body, "planned_uplift_percent", 1, 500, DEFAULT_UPLIFT)
    raw = body.get("variants")
    if not isinstance(raw, list) or not 2 <= len(raw) <= len(KEYS):
        raise InvalidVariant("variants", f"An experiment has 2 to {len(KEYS)} variants.")
    arms: list[Variant] = []
    for key, item in zip(KEYS, raw, strict=False):
        if not isinstance(item, Mapping):
            raise InvalidVariant("variants", "Each variant is an object with a name.")
        for field in item:
            if field not in VARIANT_FIELDS:
                raise InvalidVariant(field, f"'{field}' is not a field of a variant.")
        overrides = parse_overrides(item.get("overrides"), currency)
        if key == "A" and "overrides" in item:
            raise InvalidVariant("overrides", "The first variant is the campaign as it is.")
        if key != "A" and ("overrides" not in item or not overrides):
            raise InvalidVariant("overrides", f"Variant {key} changes nothing.")
        weight = _integer(item, "weight", 1, 1000, 1)
        arms.append(Variant(key, _name(item.get("name"), "name"), weight, overrides))
    check_weights(arms)
    return Plan(name, str(metric), uplift, tuple(arms))
