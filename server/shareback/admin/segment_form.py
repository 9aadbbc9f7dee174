"""The campaign form's segment fields (who the campaign is meant for): values from a segment,
each field checked by crm/segment_rules.py with its message beside it, and the segment in words."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from babel import Locale

from shareback import formats, i18n, money, numbers
from shareback.campaigns import InvalidCampaign
from shareback.crm import segment_rules
from shareback.crm.segments import Segment, segment_from_document
from shareback.i18n import N_
from shareback.i18n import gettext as _

FIELDS = (
    "segment_countries",
    "segment_tags",
    "segment_min_orders",
    "segment_min_spend",
    "segment_min_score_band",
)
# The score band field's choices: "this band or a higher one" (crm/score.py's bands).
MIN_BANDS = {
    "high": N_("High ambassador score: 60 or more"),
    "medium": N_("Medium or high ambassador score: 30 or more"),
    "low": N_("Any ambassador score"),
}
MIN_BAND_WORDS = {
    "high": N_("with a high ambassador score (60 or more)"),
    "medium": N_("with an ambassador score of 30 or more"),
    "low": N_("with an ambassador score"),
}


def blank_values() -> dict[str, str]:
    return dict.fromkeys(FIELDS, "")


def segment_values(segment: Segment | None) -> dict[str, str]:
    if segment is None:
        return blank_values()
    spend = segment.min_spend_minor
    return {
        "segment_countries": ", ".join(segment.countries),
        "segment_tags": ", ".join(segment.tags),
        "segment_min_orders": "" if segment.min_orders is None else str(segment.min_orders),
        "segment_min_spend": ""
        if spend is None
        else money.from_minor(spend, segment.spend_currency or ""),
        "segment_min_score_band": segment.min_score_band or "",
    }


def submitted_values(form: Mapping[str, object], saved: Mapping[str, str]) -> dict[str, str]:
    """What the owner typed; a form without the segment's fields keeps the saved segment."""
    return {
        name: saved[name] if form.get(name) is None else str(form.get(name))[:4000].strip()
        for name in FIELDS
    }


def whole(value: str) -> int | None:
    """Blank is no minimum; -1 stands for text that is no whole number (the rule refuses it)."""
    if not value:
        return None
    found = numbers.whole_number(value)
    return -1 if found is None else found


def validate(values: Mapping[str, str], currency: str) -> tuple[Segment | None, dict[str, str]]:
    """Every field is checked, so the owner sees all problems at once."""
    errors: dict[str, str] = {}

    def check(name: str, rule: Callable[[], object]) -> None:
        try:
            rule()
        except InvalidCampaign as exc:
            errors[name] = exc.message

    split = segment_rules.split_list
    check("segment_countries", lambda: segment_rules.countries(split(values["segment_countries"])))
    check("segment_tags", lambda: segment_rules.tags(split(values["segment_tags"])))
    check(
        "segment_min_orders", lambda: segment_rules.min_orders(whole(values["segment_min_orders"]))
    )
    check(
        "segment_min_spend",
        lambda: segment_rules.min_spend(values["segment_min_spend"], currency),
    )
    check(
        "segment_min_score_band",
        lambda: segment_rules.min_score_band(values["segment_min_score_band"]),
    )
    if errors:
        return None, errors
    return segment_rules.segment(
        country_list=segment_rules.split_list(values["segment_countries"]),
        tag_list=segment_rules.split_list(values["segment_tags"]),
        orders=whole(values["segment_min_orders"]),
        spend=values["segment_min_spend"] or None,
        band=values["segment_min_score_band"] or None,
        currency=currency,
    ), {}


def country_name(code: str, locale: str) -> str:
    name = Locale.parse(locale).territories.get(code)
    return str(name) if name else code


def describe(segment: Segment | None) -> list[str]:
    """The segment's conditions in words, in the dashboard's language; [] for everyone."""
    if segment is None or segment.empty:
        return []
    locale = i18n.current_locale()
    words = []
    if segment.countries:
        names = ", ".join(country_name(code, locale) for code in segment.countries)
        words.append(_("in %(countries)s") % {"countries": names})
    if segment.tags:
        words.append(_("tagged %(tags)s") % {"tags": ", ".join(segment.tags)})
    if segment.min_orders is not None:
        words.append(
            i18n.ngettext("at least %(num)s order", "at least %(num)s orders", segment.min_orders)
            % {"num": formats.number(segment.min_orders, locale)}
        )
    if segment.min_spend_minor is not None and segment.spend_currency:
        shown = formats.amount(segment.min_spend_minor, segment.spend_currency, locale)
        words.append(_("spent at least %(amount)s") % {"amount": shown})
    if segment.min_score_band is not None:
        words.append(_(MIN_BAND_WORDS[segment.min_score_band]))
    return words


def describe_document(document: Mapping[str, Any] | None) -> list[str]:
    return describe(segment_from_document(document))
