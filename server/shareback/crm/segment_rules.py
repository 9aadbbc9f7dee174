"""Every rule a campaign's segment obeys, with the one wording of each problem: the dashboard's
form and the owner API parse their own input, then call these. Pure: no Starlette, no storage."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from babel import Locale

from shareback import money
from shareback.campaigns import InvalidCampaign
from shareback.crm.score import BAND_LABELS
from shareback.crm.segments import SCORE_BANDS, Segment
from shareback.i18n import gettext as _

MAX_COUNTRIES = 250
MAX_TAGS = 50
MAX_TAG = 64
MAX_MIN_ORDERS = 1_000_000
# Two-letter codes in CLDR's territory list that are not ISO 3166-1 countries (regions,
# "exceptionally reserved" codes, pseudo-locales). XK (Kosovo) stays: shops and Shopify use it.
NOT_COUNTRIES = frozenset({"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN"})
NOT_COUNTRIES |= {"XA", "XB", "ZZ"}


@cache
def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes, from CLDR (Babel)."""
    names = Locale("en").territories
    codes = {str(code) for code in names}
    return frozenset(
        code for code in codes if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    )


def countries(values: Sequence[str]) -> tuple[str, ...]:
    """Country codes, any case, each kept once in the order given."""
    if len(values) > MAX_COUNTRIES:
        raise InvalidCampaign(
            "segment_countries",
            _("At most %(num)s countries per segment.") % {"num": MAX_COUNTRIES},
            "invalid_segment_countries",
        )
    found: dict[str, None] = {}
    for value in values:
        code = value.strip().upper()
        if code not in country_codes():
            given = value.strip()
            shown = given[:17] + "..." if len(given) > 20 else given
            raise InvalidCampaign(
                "segment_countries",
                _(
                    "“%(value)s” is not a country code: use ISO 3166 two-letter codes, such as "
                    "NL, BE or DE."
                )
                % {"value": shown},
                "unknown_country",
            )
        found[code] = None
    return tuple(found)


def tags(values: Sequence[str]) -> tuple[str, ...]:
    """Customer tags as the customer records keep them: trimmed, lower case, each once."""
    if len(values) > MAX_TAGS:
        raise InvalidCampaign(
            "segment_tags",
            _("At most %(num)s tags per segment.") % {"num": MAX_TAGS},
            "invalid_segment_tags",
        )
    found: dict[str, None] = {}
    for value in values:
        tag = value.strip().lower()
        if not tag or len(tag) > MAX_TAG or not tag.isprintable():
            raise InvalidCampaign(
                "segment_tags",
                _("Give each tag as 1 to %(num)s characters on one line, such as vip.")
                % {"num": MAX_TAG},
                "invalid_segment_tags",
            )
        found[tag] = None
    return tuple(found)


def min_orders(value: int | None) -> int | None:
    """None is no minimum; an adapter passes -1 for input that is no whole number at all."""
    if value is not None and not 0 <= value <= MAX_MIN_ORDERS:
        raise InvalidCampaign(
            "segment_min_orders",
            _("Enter the minimum number of orders as a whole number from 0 to %(num)s.")
            % {"num": MAX_MIN_ORDERS},
            "invalid_segment_min_orders",
        )
    return value


def min_spend(value: str | None, currency: str) -> int | None:
    """What the customer spent (net of refunds) at least, in the campaign's currency; blank or
    None is no minimum."""
    amount = (value or "").strip().replace(",", ".")  # 2,50 is how the Dutch write it
    if not amount:
        return None
    try:
        minor = money.to_minor(amount, currency) if not amount.startswith("-") else -1
    except money.InvalidAmount:
        minor = -1
    if minor < 0:
        raise InvalidCampaign(
            "segment_min_spend",
            _(
                "Enter the minimum spend as an amount of 0 or more in %(currency)s with at most "
                "%(places)s decimals, such as %(example)s."
            )
            % {
                "currency": currency,
                "places": money.exponent(currency),
                "example": money.from_minor(10000, currency),
            },
            "invalid_segment_min_spend",
        )
    return minor


def min_score_band(value: str | None) -> str | None:
    """A band of crm/score.py by name, any case; blank or None is no score condition."""
    found = (value or "").strip().lower()
    if not found:
        return None
    if found not in SCORE_BANDS:
        raise InvalidCampaign(
            "segment_min_score_band",
            _("Choose a score band: %(bands)s.")
            % {"bands": "; ".join(_(BAND_LABELS[band]) for band in SCORE_BANDS)},
            "invalid_segment_score_band",
        )
    return found


def segment(
    *,
    country_list: Sequence[str] = (),
    tag_list: Sequence[str] = (),
    orders: int | None = None,
    spend: str | None = None,
    band: str | None = None,
    currency: str,
) -> Segment:
    spend_minor = min_spend(spend, currency)
    return Segment(
        countries=countries(country_list),
        tags=tags(tag_list),
        min_orders=min_orders(orders),
        min_spend_minor=spend_minor,
        spend_currency=currency if spend_minor is not None else None,
        min_score_band=min_score_band(band),
    )


def split_list(text: str) -> list[str]:
    """A form's list field: commas or new lines between items ("NL, BE" or one per line)."""
    return [item for item in text.replace("\n", ",").split(",") if item.strip()]
