"""Campaign segments through the owner API: created, changed, shown, refused clearly."""

from __future__ import annotations

from dataclasses import replace

import pytest
from shareback.settings import Settings
from starlette.testclient import TestClient
from test_owner_api import ADMIN_KEY, Owner, error_of

DUTCH = {
    "slug": "dutch-vip",
    "name": "Dutch VIPs",
    "landing_url": "http://shop.test/welcome",
    "referrer_reward": {"type": "credit", "value": "10.00"},
    "friend_reward": {"type": "percent_discount", "value": "15"},
}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, admin_api_key=ADMIN_KEY)


@pytest.fixture
def owner(client: TestClient) -> Owner:
    return Owner(client)


def test_a_campaign_is_created_with_its_segment_and_shows_it(owner: Owner) -> None:
    segment = {"countries": ["nl", "BE"], "tags": ["VIP"], "min_spend": "100", "min_orders": 2}
    created = owner.post("/api/v1/campaigns", json={**DUTCH, "segment": segment})
    assert created.status_code == 201, created.text
    assert created.json()["segment"] == {
        "countries": ["NL", "BE"],
        "tags": ["vip"],
        "min_orders": 2,
        "min_spend": "100.00",
        "currency": "EUR",
        "min_score_band": None,
    }
    shown = owner.get("/api/v1/campaigns/dutch-vip").json()
    assert shown["segment"] == created.json()["segment"]
    listed = {c["slug"]: c["segment"] for c in owner.get("/api/v1/campaigns").json()["data"]}
    assert listed == {"default": None, "dutch-vip": created.json()["segment"]}


def test_a_change_replaces_the_segment_and_null_removes_it(owner: Owner) -> None:
    owner.post("/api/v1/campaigns", json={**DUTCH, "segment": {"countries": ["NL"]}})
    changed = owner.patch(
        "/api/v1/campaigns/dutch-vip", json={"segment": {"min_score_band": "High"}}
    ).json()
    assert changed["segment"]["countries"] == [] and changed["segment"]["min_score_band"] == "high"
    # Leaving segment out keeps it.
    assert owner.patch("/api/v1/campaigns/dutch-vip", json={"name": "VIPs"}).json()["segment"]
    cleared = owner.patch("/api/v1/campaigns/dutch-vip", json={"segment": None}).json()
    assert cleared["segment"] is None
    # A segment without conditions is no segment at all.
    owner.patch("/api/v1/campaigns/dutch-vip", json={"segment": {"countries": ["NL"]}})
    emptied = owner.patch("/api/v1/campaigns/dutch-vip", json={"segment": {"countries": []}})
    assert emptied.json()["segment"] is None


def test_min_spend_follows_the_campaign_currency_given_in_the_same_change(owner: Owner) -> None:
    owner.post("/api/v1/campaigns", json=DUTCH)
    changed = owner.patch(
        "/api/v1/campaigns/dutch-vip", json={"currency": "JPY", "segment": {"min_spend": "5000"}}
    ).json()
    assert changed["segment"]["min_spend"] == "5000" and changed["segment"]["currency"] == "JPY"


@pytest.mark.parametrize(
    ("segment", "status", "code", "field"),
    [
        ({"countries": ["XX"]}, 422, "unknown_country", "segment.countries"),
        ({"countries": ["Nederland"]}, 422, "unknown_country", "segment.countries"),
        ({"countries": "NL"}, 422, "invalid_segment_countries", "segment.countries"),
        ({"countries": [1]}, 422, "invalid_segment_countries", "segment.countries"),
        ({"tags": [""]}, 422, "invalid_segment_tags", "segment.tags"),
        ({"min_orders": -1}, 422, "invalid_segment_min_orders", "segment.min_orders"),
        ({"min_orders": 1.5}, 422, "invalid_segment_min_orders", "segment.min_orders"),
        ({"min_orders": True}, 422, "invalid_segment_min_orders", "segment.min_orders"),
        ({"min_spend": "-10.00"}, 422, "invalid_segment_min_spend", "segment.min_spend"),
        ({"min_spend": -10}, 422, "invalid_segment_min_spend", "segment.min_spend"),
        ({"min_spend": "1.001"}, 422, "invalid_segment_min_spend", "segment.min_spend"),
        ({"min_spend": {}}, 422, "invalid_segment_min_spend", "segment.min_spend"),
        ({"min_score_band": "top"}, 422, "invalid_segment_score_band", "segment.min_score_band"),
        ({"min_score_band": 8}, 422, "invalid_segment_score_band", "segment.min_score_band"),
        (
            {"currency": "USD", "min_spend": "5"},
            422,
            "invalid_segment_currency",
            "segment.currency",
        ),
        ({"loyalty_tier": "gold"}, 422, "invalid_segment", "segment"),
        (["NL"], 422, "invalid_segment", "segment"),
    ],
)
def test_a_bad_segment_is_refused_and_nothing_is_written(
    owner: Owner, segment: object, status: int, code: str, field: str
) -> None:
    created = owner.post("/api/v1/campaigns", json={**DUTCH, "segment": segment})
    assert error_of(created) == (status, code, field)
    assert owner.get("/api/v1/campaigns/dutch-vip").status_code == 404
    changed = owner.patch("/api/v1/campaigns/default", json={"name": "x", "segment": segment})
    assert error_of(changed) == (status, code, field)
    assert owner.get("/api/v1/campaigns/default").json()["name"] != "x"
