"""The widget's join answer gives each shopper the campaign meant for them, through HTTP: several
campaigns of one shop, customers in and out of their segments, signed and typed identities."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from shareback import identity
from shareback.crm.records import CustomerFacts, ImportedTotals
from shareback.settings import Settings
from shareback.storage import open_store
from starlette.testclient import TestClient
from support import IDENTITY_SECRET, SHOP, db_execute, db_rows
from test_admin_auth import run as run_async
from test_openapi import conforms
from test_owner_api import ADMIN_KEY, Owner

AT = datetime(2026, 11, 1, tzinfo=UTC)
CUSTOMERS = {
    # e-mail: (country, tags, orders, spend in cents)
    "anna@example.nl": ("NL", ("vip",), 5, 50000),
    "bram@example.nl": ("NL", (), 1, 3000),
    "chloe@example.be": ("BE", ("vip",), 2, 9000),
    "dirk@example.de": ("DE", ("vip",), 9, 90000),
}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, admin_api_key=ADMIN_KEY)


@pytest.fixture
def owner(client: TestClient, settings: Settings) -> Owner:
    """The shop: its default campaign for everyone, one for Dutch and Belgian customers, one for
    Dutch VIPs, one on another site, and the customers the CRM knows."""
    owner = Owner(client)
    for slug, segment, origins in (
        ("benelux", {"countries": ["NL", "BE"]}, [SHOP]),
        ("dutch-vip", {"countries": ["NL"], "tags": ["vip"], "min_spend": "100"}, [SHOP]),
        ("elsewhere", {"countries": ["DE"]}, ["https://other.example"]),
    ):
        created = owner.post(
            "/api/v1/campaigns",
            json={
                "slug": slug,
                "name": slug.title(),
                "landing_url": f"{SHOP}/{slug}",
                "allowed_origins": origins,
                "referrer_reward": {"type": "credit", "value": "7.50"},
                "friend_reward": {"type": "percent_discount", "value": "10"},
                "segment": segment,
            },
        )
        assert created.status_code == 201, created.text

    async def load() -> None:
        store = await open_store(settings.database_url)
        try:
            for email, (country, tags, orders, spend) in CUSTOMERS.items():
                totals = ImportedTotals(orders, spend, "EUR", AT)
                await store.upsert_customer(
                    CustomerFacts(email=email, country=country, tags=tags, imported=totals), AT
                )
        finally:
            await store.close()

    run_async(load())
    return owner


def join(
    client: TestClient, email: str, *, signed: bool = True, campaign: str = "default"
) -> dict[str, Any]:
    body = {"campaign": campaign, "email": email, "lang": "en"}
    if signed:
        body["user_hash"] = identity.user_hash(IDENTITY_SECRET, email)
    answer = conforms(client.post("/api/v1/advocates", json=body, headers={"origin": SHOP}))
    assert answer.status_code == 200, answer.text
    document: dict[str, Any] = answer.json()
    return document


def test_each_signed_in_shopper_gets_the_campaign_of_their_most_specific_segment(
    client: TestClient, owner: Owner
) -> None:
    assert join(client, "anna@example.nl")["campaign"] == "dutch-vip"  # NL, vip, €500
    assert join(client, "bram@example.nl")["campaign"] == "benelux"  # NL, no tag
    assert join(client, "chloe@example.be")["campaign"] == "benelux"
    # Germany's campaign is embedded on another site: the shop's own default stands.
    assert join(client, "dirk@example.de")["campaign"] == "default"
    # Someone the CRM does not know is in no segment.
    assert join(client, "erik@example.nl")["campaign"] == "default"


def test_the_answer_carries_the_chosen_campaigns_link_and_words(
    client: TestClient, owner: Owner
) -> None:
    answer = join(client, "anna@example.nl")
    advocates = owner.get("/api/v1/advocates", params={"campaign": "dutch-vip"}).json()["data"]
    assert [a["code"] for a in advocates] == [answer["code"]]
    assert answer["offer"]["referrer"] != join(client, "erik@example.nl")["offer"]["referrer"]
    follow = client.get(answer["link"].removeprefix("http://refer.test"), follow_redirects=False)
    assert follow.status_code == 303
    assert follow.headers["location"].startswith(f"{SHOP}/dutch-vip?")
    # The same shopper again: the same link (idempotent per campaign and e-mail).
    assert join(client, "anna@example.nl")["code"] == answer["code"]


def test_a_typed_address_gets_the_fallback_whatever_its_segment(
    client: TestClient, owner: Owner
) -> None:
    assert join(client, "anna@example.nl", signed=False)["campaign"] == "default"
    # A widget naming a targeted campaign gives unidentified shoppers the one for everyone.
    assert join(client, "anna@example.nl", signed=False, campaign="benelux")["campaign"] == (
        "default"
    )
    assert join(client, "chloe@example.be", campaign="dutch-vip")["campaign"] == "benelux"


def test_shares_from_a_targeted_link_count_for_its_campaign(
    client: TestClient, owner: Owner
) -> None:
    code = join(client, "anna@example.nl")["code"]
    beacon = client.post(
        "/api/v1/events",
        json={"campaign": "default", "type": "share", "channel": "whatsapp", "code": code},
        headers={"origin": SHOP},
    )
    assert beacon.status_code == 204
    shares = {
        slug: owner.get(f"/api/v1/campaigns/{slug}/stats").json()["counts"]["shares"]
        for slug in ("default", "dutch-vip")
    }
    assert shares == {"default": 0, "dutch-vip": 1}


def test_widened_or_removed_segments_change_the_choice_at_once(
    client: TestClient, owner: Owner
) -> None:
    owner.patch("/api/v1/campaigns/benelux", json={"segment": None})
    # benelux now has no segment; default, older, stays the fallback for everyone.
    assert join(client, "bram@example.nl")["campaign"] == "default"
    owner.patch("/api/v1/campaigns/dutch-vip", json={"segment": {"tags": ["vip"]}})
    assert join(client, "chloe@example.be")["campaign"] == "dutch-vip"


def score(settings: Settings, email: str, points: int, *, excluded: bool = False) -> None:
    """The ambassador score crm/score.py would have kept for this customer."""
    customer = db_rows(settings, "SELECT id FROM customers WHERE email = ?", (email,))[0]["id"]
    db_execute(
        settings,
        "INSERT INTO customer_scores (customer_id, points, excluded, reasons, scored_at) "
        "VALUES (?, ?, ?, '[]', ?)",
        (customer, points, excluded, AT),
    )


def test_a_score_band_targets_the_high_scorers_and_skips_excluded_ones(
    client: TestClient, owner: Owner, settings: Settings
) -> None:
    created = owner.post(
        "/api/v1/campaigns",
        json={
            "slug": "top-dutch",
            "name": "Top Dutch",
            "landing_url": f"{SHOP}/top",
            "referrer_reward": {"type": "credit", "value": "15.00"},
            "friend_reward": {"type": "percent_discount", "value": "20"},
            "segment": {"countries": ["NL"], "min_score_band": "high"},
        },
    )
    assert created.status_code == 201, created.text
    score(settings, "bram@example.nl", 75)
    assert join(client, "bram@example.nl")["campaign"] == "top-dutch"
    db_execute(settings, "UPDATE customer_scores SET points = 59")
    assert join(client, "bram@example.nl")["campaign"] == "benelux"  # medium: not high
    db_execute(settings, "UPDATE customer_scores SET points = 95, excluded = ?", (True,))
    # An unresolved complaint (excluded from invitations) is in no score band.
    assert join(client, "bram@example.nl")["campaign"] == "benelux"


def test_a_friend_landing_from_a_targeted_link_sees_that_campaigns_offer(
    client: TestClient, owner: Owner
) -> None:
    code = join(client, "anna@example.nl")["code"]  # dutch-vip: 10 % for the friend
    hop = client.get(f"/r/{code}?ch=whatsapp", follow_redirects=False)
    ref = hop.headers["location"].split("ref=", 1)[1]
    # The landing page's widget names the shop's default campaign, as its script tag says.
    for given in (ref, code):
        shown = conforms(
            client.get(
                "/api/v1/campaigns/default/widget",
                params={"lang": "en", "ref": given},
                headers={"origin": SHOP},
            )
        ).json()
        assert shown["ref"] == "valid", given
        assert shown["friend"]["offer"] == "10% off"
    # A code of a campaign embedded on another site is no link for this one.
    other = "https://other.example"
    joined = client.post(
        "/api/v1/advocates",
        json={"campaign": "elsewhere", "email": "dirk@example.de"},
        headers={"origin": other},
    ).json()
    assert joined["campaign"] == "elsewhere"
    stranger = client.get(
        "/api/v1/campaigns/default/widget",
        params={"lang": "en", "ref": joined["code"]},
        headers={"origin": SHOP},
    ).json()
    assert stranger["ref"] == "invalid"
