"""Milestones and tiers in the dashboard: the form saves what the owner API would (the same
rules, the same wording of each problem), the advocate's profile shows their tier, progress and
milestone awards, and the advocates list their tier."""

from __future__ import annotations

from shareback.settings import Settings
from starlette.testclient import TestClient
from support import follow_link, join_campaign, order_paid, order_refunded, signed_headers
from test_admin_auth import admin, csrf_token

__all__ = ["admin"]

FORM = {
    "cap": "10",
    "m0_friends": "5",
    "m0_type": "credit",
    "m0_value": "25,00",  # as the Dutch write it
    "m1_friends": "",
    "basis": "referrals",
    "demotion": "on_refund",
    "t0_name": "Brons",
    "t0_key": "bronze",
    "t0_from": "1",
    "t1_name": "Zilver",
    "t1_key": "silver",
    "t1_from": "2",
    "t1_ref_type": "credit",
    "t1_ref_value": "7.50",
}


def save(admin: TestClient, form: dict[str, str]) -> str:
    page = admin.get("/admin/campaigns/default/loyalty")
    assert page.status_code == 200
    answer = admin.post(
        "/admin/campaigns/default/loyalty",
        data={**form, "csrf": csrf_token(page.text)},
        follow_redirects=True,
    )
    return answer.text


def test_the_form_saves_the_plan_the_api_shows(admin: TestClient, settings: Settings) -> None:
    page = save(admin, FORM)
    assert "Milestones and tiers saved." in page
    assert 'value="25.00"' in page and 'value="Zilver"' in page
    plan = admin.get("/api/v1/campaigns/default/loyalty", headers={"authorization": "Bearer none"})
    assert plan.status_code == 401  # the API wants its key; the form's session is the dashboard's
    campaign = admin.get("/admin/campaigns/default").text
    assert "Edit milestones and tiers" in campaign


def test_the_form_names_the_row_at_fault(admin: TestClient) -> None:
    page = save(admin, {**FORM, "m0_friends": "12"})  # past the cap of 10
    assert "Enter a whole number from 1 to 10." in page
    assert 'id="f-m0_friends-error"' in page and 'aria-invalid="true"' in page
    page = save(admin, {**FORM, "t1_from": "1"})
    assert "each starts above the one before" in page and 'id="f-t1_from-error"' in page
    assert "Milestones and tiers saved." not in page


def test_the_profile_and_the_list_show_the_tier_and_the_milestones(
    admin: TestClient, settings: Settings, webhook_secret: str
) -> None:
    save(admin, FORM)
    anna = join_campaign(admin, "anna@example.nl", "Anna")
    for n in range(1, 6):
        ref = follow_link(admin, str(anna["code"]))
        body = order_paid(f"A{n}", f"friend{n}@example.com", "30.00", ref)
        admin.post(
            "/webhooks/orders", content=body, headers=signed_headers(webhook_secret, body, f"p{n}")
        )
    body = order_refunded("A2")
    admin.post("/webhooks/orders", content=body, headers=signed_headers(webhook_secret, body, "r2"))
    listed = admin.get("/admin/advocates").text
    assert '<th scope="col">Tier</th>' in listed and "<td>Zilver</td>" in listed
    profile_link = listed.split('href="/admin/advocates/')[1].split('"')[0]
    profile = admin.get(f"/admin/advocates/{profile_link}").text
    assert "Milestones and tier" in profile
    assert "<strong>Zilver</strong>" in profile
    assert "Revoked: a refund took the count below it" in profile  # the fifth friend's bonus
    assert "1 more friend" in profile  # to the bonus again
