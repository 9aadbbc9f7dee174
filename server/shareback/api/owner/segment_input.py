"""A campaign's segment from a JSON body: each field's JSON type checked here, its rules in
shareback.crm.segment_rules (the dashboard's form uses the same ones)."""

from __future__ import annotations

from typing import Any

from shareback.api.owner.campaign_input import as_api_errors, invalid
from shareback.crm import segment_rules
from shareback.crm.segments import Segment
from shareback.numbers import json_integer

FIELDS = ("countries", "tags", "min_orders", "min_spend", "currency", "min_score_band")
EXAMPLE = '{"countries": ["NL", "BE"], "tags": ["vip"], "min_orders": 2}'


def strings(value: dict[str, Any], name: str) -> list[str]:
    found = value.get(name) or []
    if not isinstance(found, list) or not all(isinstance(item, str) for item in found):
        raise invalid(
            f"segment.{name}",
            f"segment.{name} must be a list of strings.",
            f"invalid_segment_{name}",
        )
    return found


def whole(value: dict[str, Any], name: str) -> int | None:
    raw = value.get(name)
    if raw is None:
        return None
    found = json_integer(raw)
    if found is None:
        raise invalid(
            f"segment.{name}",
            f"segment.{name} must be a whole number or null.",
            f"invalid_segment_{name}",
        )
    return found


def parse_segment(value: object, currency: str) -> Segment | None:
    """The whole segment (a change replaces it, never merges); null: the campaign is for everyone.
    min_spend is in the campaign's currency."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise invalid("segment", f"segment must be an object such as {EXAMPLE}, or null.")
    for key in value:
        if key not in FIELDS:
            raise invalid(
                "segment", f"segment has an unknown field '{key}'; it takes {', '.join(FIELDS)}."
            )
    if value.get("currency") not in (None, currency):
        raise invalid(
            "segment.currency",
            f"segment.currency must be the campaign's, {currency}.",
            "invalid_segment_currency",
        )
    spend = value.get("min_spend")
    if isinstance(spend, int) and not isinstance(spend, bool):
        spend = str(spend)
    if spend is not None and (not isinstance(spend, str) or not spend.strip()):
        raise invalid(
            "segment.min_spend",
            'segment.min_spend must be a decimal string such as "100.00".',
            "invalid_segment_min_spend",
        )
    countries, tags = strings(value, "countries"), strings(value, "tags")
    orders = whole(value, "min_orders")
    band = value.get("min_score_band")
    if band is not None and not isinstance(band, str):
        raise invalid(
            "segment.min_score_band",
            "segment.min_score_band must be a band's name or null.",
            "invalid_segment_score_band",
        )
    with as_api_errors(prefix="segment."):
        return segment_rules.segment(
            country_list=countries,
            tag_list=tags,
            orders=orders,
            spend=spend,
            band=band,
            currency=currency,
        )
