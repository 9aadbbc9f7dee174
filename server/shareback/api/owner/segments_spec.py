"""A campaign's segment (who the campaign is meant for) in /openapi.json."""

from __future__ import annotations

from shareback.api.owner.schema_kit import Schema, array, enum, nullable, obj
from shareback.crm.score import BANDS
from shareback.crm.segment_rules import MAX_COUNTRIES, MAX_MIN_ORDERS, MAX_TAG, MAX_TAGS
from shareback.crm.segments import SCORE_BANDS

COUNTRY: Schema = {
    "type": "string",
    "pattern": "^[A-Za-z]{2}$",
    "description": "ISO 3166-1 alpha-2, such as NL (stored upper case)",
}
BANDS_TEXT = ", ".join(f"{name} {low} to {high} points" for name, (low, high) in BANDS.items())
TAG: Schema = {"type": "string", "minLength": 1, "maxLength": MAX_TAG}
FIELDS: dict[str, Schema] = {
    "countries": {
        **array(COUNTRY, maxItems=MAX_COUNTRIES),
        "description": "the customer's country is one of these ([]: every country)",
    },
    "tags": {
        **array(TAG, maxItems=MAX_TAGS),
        "description": "the customer has at least one of these tags (folded to lower case)",
    },
    "min_orders": nullable(
        {"type": "integer", "minimum": 0, "maximum": MAX_MIN_ORDERS, "description": "orders"}
    ),
    "min_spend": nullable(
        {
            "type": ["string", "integer"],
            "description": "what the customer spent, net of refunds, at least: a decimal "
            "string in the campaign's currency; customers whose spend is in another currency "
            "are not compared (not eligible)",
        }
    ),
    "currency": nullable(
        {"type": "string", "description": "the currency of min_spend: the campaign's"}
    ),
    "min_score_band": {
        **nullable(enum(SCORE_BANDS)),
        "description": "the customer's ambassador score (crm/score.py) is in this band or a "
        f"higher one ({BANDS_TEXT}); customers not scored, or excluded by an unresolved "
        "complaint, are not eligible",
    },
}
SCHEMAS: dict[str, Schema] = {
    "Segment": obj(
        {**FIELDS, "min_spend": nullable({"type": "string", "description": "decimal"})},
        description="Who the campaign is meant for: every condition given must hold. The "
        "widget gives an identified shopper the campaign of the most specific segment they are "
        "in (docs: targeting).",
    ),
    "SegmentInput": obj(
        FIELDS,
        optional=list(FIELDS),
        description="Replaces the campaign's whole segment (fields left out set no condition); "
        "null: the campaign is for everyone.",
    ),
}
