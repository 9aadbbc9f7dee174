"""Campaign targeting's pure rules: a segment's eligibility and the choice among campaigns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from shareback.campaigns import InvalidCampaign
from shareback.crm import segment_rules
from shareback.crm.segments import (
    Segment,
    SegmentFacts,
    Targeted,
    candidates,
    choose,
    eligible,
)


@dataclass(frozen=True)
class Stub:
    id: int
    allowed_origins: tuple[str, ...] = ("https://shop.example",)
    draft: bool = False
    archived_at: datetime | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None


DUTCH_VIP = SegmentFacts(
    country="NL", tags=("vip", "newsletter"), order_count=3, revenue_minor=25000, currency="EUR"
)


def test_a_segment_without_conditions_admits_everyone() -> None:
    assert eligible(Segment(), SegmentFacts())
    assert Segment().empty


def test_country_tags_orders_and_spend_must_all_hold() -> None:
    segment = Segment(
        countries=("NL", "BE"),
        tags=("vip",),
        min_orders=3,
        min_spend_minor=25000,
        spend_currency="EUR",
    )
    assert eligible(segment, DUTCH_VIP)
    assert not eligible(segment, SegmentFacts(**{**DUTCH_VIP.__dict__, "country": "DE"}))
    assert not eligible(segment, SegmentFacts(**{**DUTCH_VIP.__dict__, "tags": ("newsletter",)}))
    assert not eligible(segment, SegmentFacts(**{**DUTCH_VIP.__dict__, "order_count": 2}))
    assert not eligible(segment, SegmentFacts(**{**DUTCH_VIP.__dict__, "revenue_minor": 24999}))


def test_unknown_facts_satisfy_no_condition() -> None:
    assert not eligible(Segment(countries=("NL",)), SegmentFacts(country=None))
    assert not eligible(Segment(min_score_band="low"), SegmentFacts(score_band=None))


@pytest.mark.parametrize(
    ("wanted", "admitted"),
    [("high", {"high"}), ("medium", {"high", "medium"}), ("low", {"high", "medium", "low"})],
)
def test_a_score_band_admits_that_band_and_the_higher_ones(wanted: str, admitted: set[str]) -> None:
    segment = Segment(min_score_band=wanted)
    found = {
        band
        for band in ("high", "medium", "low")
        if eligible(segment, SegmentFacts(score_band=band))
    }
    assert found == admitted


def test_spend_in_another_currency_is_never_compared() -> None:
    segment = Segment(min_spend_minor=100, spend_currency="EUR")
    assert not eligible(segment, SegmentFacts(revenue_minor=1_000_000, currency="USD"))
    assert not eligible(segment, SegmentFacts(revenue_minor=0, currency=None))


def test_the_most_specific_eligible_segment_wins() -> None:
    default, dutch, dutch_vip = Stub(1), Stub(2), Stub(3)
    candidates = [
        Targeted(default, Segment()),
        Targeted(dutch_vip, Segment(countries=("NL",), tags=("vip",))),
        Targeted(dutch, Segment(countries=("NL",))),
    ]
    assert choose(default, candidates, DUTCH_VIP) is dutch_vip
    assert choose(default, candidates, SegmentFacts(country="NL")) is dutch
    assert choose(default, candidates, SegmentFacts(country="DE")) is default


def test_equally_specific_segments_go_to_the_campaign_created_first() -> None:
    default, older, newer = Stub(1), Stub(5), Stub(9)
    candidates = [
        Targeted(default, Segment()),
        Targeted(newer, Segment(tags=("vip",))),
        Targeted(older, Segment(countries=("NL",))),
    ]
    assert choose(default, candidates, DUTCH_VIP) is older


def test_an_unidentified_shopper_gets_the_fallback() -> None:
    default, dutch = Stub(1), Stub(2)
    candidates = [Targeted(default, Segment()), Targeted(dutch, Segment(countries=("NL",)))]
    assert choose(default, candidates, None) is default
    # The script tag names the segmented campaign: the campaign without a segment stands in.
    assert choose(dutch, candidates, None) is default
    assert choose(dutch, candidates, SegmentFacts(country="DE")) is default


def test_with_no_campaign_open_to_all_the_named_one_stays() -> None:
    dutch, belgian = Stub(2), Stub(3)
    candidates = [
        Targeted(dutch, Segment(countries=("NL",))),
        Targeted(belgian, Segment(countries=("BE",))),
    ]
    assert choose(dutch, candidates, SegmentFacts(country="FR")) is dutch
    assert choose(dutch, candidates, SegmentFacts(country="BE")) is belgian


def test_widening_drops_the_countries_and_keeps_the_rest() -> None:
    segment = Segment(countries=("NL",), tags=("vip",))
    assert segment.without_countries() == Segment(tags=("vip",))
    assert Segment(countries=("NL",)).without_countries().empty


def test_segment_input_is_normalised() -> None:
    found = segment_rules.segment(
        country_list=["nl", " be ", "NL"], tag_list=[" VIP ", "vip"], spend="99,50", currency="EUR"
    )
    assert found == Segment(
        countries=("NL", "BE"), tags=("vip",), min_spend_minor=9950, spend_currency="EUR"
    )
    assert segment_rules.split_list("NL, BE\nDE,") == ["NL", " BE", "DE"]


@pytest.mark.parametrize(
    ("given", "code"),
    [
        ({"country_list": ["XX"]}, "unknown_country"),
        ({"country_list": ["EU"]}, "unknown_country"),
        ({"country_list": ["Netherlands"]}, "unknown_country"),
        ({"tag_list": [" "]}, "invalid_segment_tags"),
        ({"tag_list": ["x" * 65]}, "invalid_segment_tags"),
        ({"orders": -1}, "invalid_segment_min_orders"),
        ({"spend": "-5"}, "invalid_segment_min_spend"),
        ({"spend": "1.005"}, "invalid_segment_min_spend"),
        ({"spend": "lots"}, "invalid_segment_min_spend"),
        ({"band": "top"}, "invalid_segment_score_band"),
        ({"band": "8"}, "invalid_segment_score_band"),
    ],
)
def test_bad_segment_input_is_refused_with_its_code(given: dict[str, object], code: str) -> None:
    with pytest.raises(InvalidCampaign) as raised:
        segment_rules.segment(currency="EUR", **given)  # type: ignore[arg-type]
    assert raised.value.code == code


def test_candidates_are_the_live_campaigns_of_the_same_site() -> None:
    now = datetime(2026, 6, 1, tzinfo=UTC)
    named = Stub(1, ("https://a.example", "https://b.example"))
    others = [
        named,
        Stub(2, ("https://b.example",)),
        Stub(3, ("https://c.example",)),
        Stub(4, ("https://a.example",), draft=True),
        Stub(5, ("https://a.example",), archived_at=now),
        Stub(6, ("https://a.example",), starts_at=datetime(2026, 7, 1, tzinfo=UTC)),
        Stub(7, ("https://a.example",), ends_at=now),
        Stub(8, ("https://a.example",)),
    ]
    segments = {2: Segment(countries=("NL",))}
    found = candidates(named, others, segments, now, None)
    assert [(entry.campaign.id, entry.segment) for entry in found] == [
        (1, Segment()),
        (2, Segment(countries=("NL",))),
        (8, Segment()),
    ]
    # From site a, campaign 2 (embedded on b only) cannot stand in.
    assert [
        e.campaign.id for e in candidates(named, others, segments, now, "https://a.example")
    ] == [
        1,
        8,
    ]
