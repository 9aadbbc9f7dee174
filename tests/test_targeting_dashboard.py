"""Targeting in the dashboard: the campaign form's segment fields, and widening a regional
campaign from its page, recorded with who and when."""

from __future__ import annotations

import pytest
from shareback.settings import Settings
from starlette.testclient import TestClient
from support import db_rows
from test_admin_auth import OWNER, admin, form_token
from test_admin_dashboard import VALID, create_campaign, text_of

__all__ = ["admin"]  # the signed-in client fixture

REGIONAL = {
    "segment_countries": "nl, be",
    "segment_tags": "VIP, newsletter",
    "segment_min_orders": "2",
    "segment_min_spend": "99,50",
    "segment_min_score_band": "medium",
}


def test_a_campaign_is_created_with_its_segment(admin: TestClient, settings: Settings) -> None:
    response = create_campaign(admin, **REGIONAL)
    assert response.status_code == 303, text_of(response)
    rows = db_rows(settings, "SELECT * FROM campaign_segments")
    assert [(r["countries"], r["min_orders"], r["min_spend_minor"]) for r in rows] == [
        ("NL BE", 2, 9950)
    ]
    assert rows[0]["updated_by"] == OWNER
    page = admin.get("/admin/campaigns/summer").text
    assert 'value="NL, BE"' in page and 'value="vip, newsletter"' in page
    assert '<option value="medium" selected>' in page
    words = text_of(admin.get("/admin/campaigns/summer"))
    assert "in Netherlands, Belgium" in words
    assert "spent at least €99.50" in words
    assert "with an ambassador score of 30 or more" in words


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("segment_countries", "NL, XX", "“XX” is not a country code"),
        ("segment_countries", "Netherlands", "is not a country code"),
        ("segment_min_orders", "-1", "Enter the minimum number of orders as a whole number"),
        ("segment_min_orders", "two", "Enter the minimum number of orders as a whole number"),
        ("segment_min_spend", "-5", "Enter the minimum spend as an amount of 0 or more"),
        ("segment_min_spend", "1.005", "at most 2 decimals"),
        ("segment_min_score_band", "top", "Choose a score band: High: 60 or more;"),
    ],
)
def test_the_form_explains_a_bad_segment_beside_its_field(
    admin: TestClient, settings: Settings, field: str, value: str, message: str
) -> None:
    response = create_campaign(admin, **{**REGIONAL, field: value})
    assert response.status_code == 400
    assert f'id="f-{field}-error"' in response.text
    assert message in response.text
    assert db_rows(settings, "SELECT * FROM campaigns WHERE slug = 'summer'") == []


def test_saving_the_form_without_conditions_removes_the_segment(
    admin: TestClient, settings: Settings
) -> None:
    create_campaign(admin, **REGIONAL)
    token = form_token(admin, "/admin/campaigns/summer")
    empty = dict.fromkeys(REGIONAL, "")
    saved = admin.post(
        "/admin/campaigns/summer",
        data={**VALID, **empty, "csrf": token},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert db_rows(settings, "SELECT * FROM campaign_segments") == []
    actions = db_rows(settings, "SELECT action FROM campaign_segment_changes ORDER BY id")
    assert [r["action"] for r in actions] == ["set", "remove"]


def test_a_form_without_the_segment_fields_keeps_the_segment(
    admin: TestClient, settings: Settings
) -> None:
    create_campaign(admin, **REGIONAL)
    token = form_token(admin, "/admin/campaigns/summer")
    admin.post("/admin/campaigns/summer", data={**VALID, "name": "Renamed", "csrf": token})
    assert len(db_rows(settings, "SELECT * FROM campaign_segments")) == 1


def test_a_regional_campaign_is_widened_from_its_page_with_who_and_when(
    admin: TestClient, settings: Settings
) -> None:
    create_campaign(admin, **REGIONAL)
    page = admin.get("/admin/campaigns/summer").text
    assert "Open to every country" in page
    token = form_token(admin, "/admin/campaigns/summer")
    widened = admin.post(
        "/admin/campaigns/summer/widen",
        data={"action": "widen", "csrf": token},
        follow_redirects=False,
    )
    assert widened.status_code == 303
    assert "notice=segment-widened" in widened.headers["location"]
    row = db_rows(settings, "SELECT * FROM campaign_segments")[0]
    # The countries are gone; the other conditions stay.
    assert (row["countries"], row["min_orders"], row["updated_by"]) == ("", 2, OWNER)
    after = text_of(admin.get("/admin/campaigns/summer"))
    assert "The campaign is open to every country now." in text_of(
        admin.get(widened.headers["location"])
    )
    assert f"Widened by {OWNER}" in after
    assert "in Netherlands, Belgium; tagged vip, newsletter" in after
    assert "Open to every country" not in after  # nothing left to widen


def test_a_regional_campaigns_countries_are_replaced(admin: TestClient, settings: Settings) -> None:
    create_campaign(admin, **REGIONAL)
    token = form_token(admin, "/admin/campaigns/summer")
    bad = admin.post(
        "/admin/campaigns/summer/widen",
        data={"action": "replace", "widen_countries": "NL, Duitsland", "csrf": token},
    )
    assert bad.status_code == 400 and "“Duitsland” is not a country code" in bad.text
    replaced = admin.post(
        "/admin/campaigns/summer/widen",
        data={"action": "replace", "widen_countries": "NL, BE, DE", "csrf": token},
        follow_redirects=False,
    )
    assert "notice=segment-replaced" in replaced.headers["location"]
    assert db_rows(settings, "SELECT countries FROM campaign_segments")[0]["countries"] == (
        "NL BE DE"
    )
    changes = db_rows(settings, "SELECT action, actor FROM campaign_segment_changes ORDER BY id")
    assert [(r["action"], r["actor"]) for r in changes] == [("set", OWNER), ("replace", OWNER)]
