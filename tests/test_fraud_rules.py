"""Fraud rules on a scripted set of referrals, through the order webhook and the owner API: how
many are paid, held for review and refused, each with its reason; and the review queue."""

from __future__ import annotations

import asyncio
import dataclasses
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from platform_support import compact, with_platform_secrets
from shareback.app import create_app
from shareback.settings import Settings
from shareback.storage import open_store
from starlette.testclient import TestClient
from support import BROWSER_UA, follow_link, join_campaign, order_paid, signed_headers
from test_admin_auth import OWNER, create_admin, form_token, sign_in
from test_shopify_webhook import deliver as deliver_to_shopify
from test_shopify_webhook import with_cart_ref
from test_woocommerce_webhook import deliver as deliver_to_woocommerce
from test_woocommerce_webhook import with_ref

KEY = "fraud-test-key-0123456789abcdef"
AUTH = {"authorization": f"Bearer {KEY}"}
IP = "198.51.100.20"  # every click of the script comes from this address (one test client)
BRAM_PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Mobile/15E148 Safari/604.1"

# (step, advocate, friend's e-mail, extra order fields, verdict, first reason)
SCRIPT: list[tuple[str, str, str, dict[str, str], str, str]] = [
    ("a1", "anna", "friend1@example.com", {}, "paid", "passed"),
    ("a2", "anna", "anna@example.nl", {}, "refused", "self_referral"),
    # A Cyrillic a (U+0430): another address to the mail server, the same one to the eye.
    ("a3", "anna", "\u0430nna@example.nl", {}, "review", "self_referral_email"),
    (
        "a4",
        "anna",
        "anna.work@example.org",
        {"customer_id": "cust-anna"},
        "refused",
        "self_referral_customer",
    ),
    # Bram clicks his own link on his phone and orders from it, on the same connection.
    (
        "b1",
        "bram",
        "bram.partner@example.net",
        {"ip": IP, "user_agent": BRAM_PHONE},
        "review",
        "self_referral_ip",
    ),
    ("b2", "bram", "deal@mailinator.com", {}, "review", "disposable_email"),
    ("b3", "bram", "friend3@example.com", {}, "paid", "passed"),
    ("b4", "bram", "friend4@example.com", {}, "review", "velocity"),
    ("c1", "cara", "c.a.r.a+shop@googlemail.com", {}, "refused", "self_referral"),
    ("c2", "cara", "friend5@example.com", {}, "paid", "passed"),
    ("c3", "cara", "friend6@example.com", {}, "paid", "passed"),
    ("c4", "cara", "friend7@example.com", {}, "paid", "passed"),
    ("c5", "cara", "friend8@example.com", {}, "refused", "reward_cap"),
]
ANSWERS = {"paid": "recorded", "review": "recorded", "refused": "ignored"}


@pytest.fixture
def owner(settings: Settings) -> Iterator[TestClient]:
    app = create_app(dataclasses.replace(with_platform_secrets(settings), admin_api_key=KEY))
    with TestClient(app, headers={"user-agent": BROWSER_UA}, client=(IP, 50000)) as client:
        yield client


def pay(
    client: TestClient, secret: str, order_id: str, email: str, ref: str | None, **extra: str
) -> dict[str, Any]:
    body = order_paid(order_id, email, "50.00", ref, **extra)
    response = client.post(
        "/webhooks/orders", content=body, headers=signed_headers(secret, body, f"m-{order_id}")
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def review(client: TestClient, decision_id: int, verdict: str, note: str) -> dict[str, Any]:
    response = client.post(
        f"/api/v1/fraud-decisions/{decision_id}/review",
        json={"verdict": verdict, "note": note},
        headers=AUTH,
    )
    assert response.status_code == 200, response.text
    document: dict[str, Any] = response.json()
    return document


def decisions(client: TestClient, **query: str) -> list[dict[str, Any]]:
    response = client.get("/api/v1/fraud-decisions", params={"limit": "200", **query}, headers=AUTH)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()["data"]
    return found


def approve_due(settings: Settings, days: int) -> int:
    async def approve() -> int:
        store = await open_store(settings.database_url)
        try:
            return await store.approve_due_rewards(datetime.now(UTC) + timedelta(days=days))
        finally:
            await store.close()

    return asyncio.run(approve())


def test_a_scripted_set_of_referrals_is_paid_held_and_refused_each_with_its_reason(
    owner: TestClient, settings: Settings, webhook_secret: str
) -> None:
    rules = owner.patch(
        "/api/v1/campaigns/default/fraud-rules",
        json={"daily_limit": 3, "reward_cap": 3},
        headers=AUTH,
    )
    assert rules.status_code == 200, rules.text
    assert rules.json() == {
        "campaign": "default",
        "similar_email": "review",
        "same_customer": "refuse",
        "same_ip_device": "review",
        "disposable_email": "review",
        "velocity": "review",
        "daily_limit": 3,
        "reward_cap": 3,
    }
    codes = {
        name: str(join_campaign(owner, email, name.title())["code"])
        for name, email in (
            ("anna", "anna@example.nl"),
            ("bram", "bram@example.nl"),
            ("cara", "cara@gmail.com"),
        )
    }
    # Anna's own order as a customer, with her customer id: not a referral.
    assert (
        pay(owner, webhook_secret, "own-1", "anna@example.nl", None, customer_id="cust-anna")[
            "reason"
        ]
        == "no_ref"
    )

    seen: list[tuple[str, str, str, str]] = []
    for step, advocate, email, extra, verdict, reason in SCRIPT:
        if step == "b3":
            # The owner looks at the queue first: Bram's own phone was no friend.
            held = decisions(owner, awaiting_review="true")
            b1 = next(d for d in held if d["friend_email"] == "bram.partner@example.net")
            assert b1["reasons"] == ["self_referral_ip"]
            rejected = review(owner, b1["id"], "rejected", "Bram's own phone on Bram's wifi")
            assert rejected["review"]["verdict"] == "rejected"
        agent = extra.get("user_agent")
        ref = follow_link(owner, codes[advocate], "whatsapp", user_agent=agent)
        answer = pay(owner, webhook_secret, step, email, ref, **extra)
        expected_reason = {"paid": "referral", "review": "held_for_review"}.get(verdict, reason)
        assert answer["status"] == ANSWERS[verdict] and answer["reason"] == expected_reason, (
            step,
            answer,
        )
        seen.append((step, email, verdict, reason))

    recorded = {d["order"]["id"]: d for d in decisions(owner)}
    assert set(recorded) == {step for step, *_ in SCRIPT}
    for step, _, verdict, reason in seen:
        assert (recorded[step]["verdict"], recorded[step]["reasons"][0]) == (verdict, reason), step
    assert recorded["c5"]["reasons"] == ["reward_cap", "velocity"]

    counts = Counter(d["verdict"] for d in recorded.values())
    reasons = Counter((d["verdict"], d["reasons"][0]) for d in recorded.values())
    print("\nFraud rules on the scripted referrals (daily_limit 3, reward_cap 3):")
    for step, email, verdict, _ in seen:
        print(f"  {step:3} {email:30} {verdict:8} {' '.join(recorded[step]['reasons'])}")
    print(
        f"  paid {counts['paid']}, held for review {counts['review']}, refused {counts['refused']}"
    )
    assert counts == {"paid": 5, "review": 4, "refused": 4}
    assert reasons == {
        ("paid", "passed"): 5,
        ("review", "self_referral_email"): 1,
        ("review", "self_referral_ip"): 1,
        ("review", "disposable_email"): 1,
        ("review", "velocity"): 1,
        ("refused", "self_referral"): 2,
        ("refused", "self_referral_customer"): 1,
        ("refused", "reward_cap"): 1,
    }

    # The queue holds what nobody decided; approving lets the rewards wait out the hold.
    waiting = {d["order"]["id"] for d in decisions(owner, awaiting_review="true")}
    assert waiting == {"a3", "b2", "b4"}
    approved = review(owner, recorded["b4"]["id"], "approved", "Four colleagues, one lunch")
    assert approved["review"] == {
        "verdict": "approved",
        "by": "SHAREBACK_ADMIN_API_KEY",
        "note": "Four colleagues, one lunch",
        "at": approved["review"]["at"],
    }
    again = owner.post(
        f"/api/v1/fraud-decisions/{recorded['b4']['id']}/review",
        json={"verdict": "rejected", "note": "changed my mind"},
        headers=AUTH,
    )
    assert again.status_code == 409 and again.json()["error"]["code"] == "not_awaiting_review"
    # After the hold: the referrers' rewards of the 5 paid referrals and the approved one (the
    # friends' discounts were given at the checkout); the held ones (a3, b2) stay pending, b1's
    # was revoked by the rejection.
    assert approve_due(settings, 15) == 6
    rewards = owner.get("/api/v1/rewards?status=revoked", headers=AUTH).json()["data"]
    assert {(r["order_id"], r["revoke_reason"]) for r in rewards} == {("b1", "fraud_review")}
    pending = owner.get("/api/v1/rewards?status=pending", headers=AUTH).json()["data"]
    # The held referrers' rewards wait; their friends' discounts were given at the checkout.
    assert sorted(r["order_id"] for r in pending) == ["a3", "b2"]


def test_rules_set_to_allow_or_refuse_change_the_verdict(
    owner: TestClient, webhook_secret: str
) -> None:
    changed = owner.patch(
        "/api/v1/campaigns/default/fraud-rules",
        json={"disposable_email": "refuse", "similar_email": "allow"},
        headers=AUTH,
    )
    assert changed.json()["disposable_email"] == "refuse"
    code = str(join_campaign(owner, "anna@example.nl", "Anna")["code"])
    throwaway = pay(owner, webhook_secret, "1", "x@mailinator.com", follow_link(owner, code))
    assert throwaway == {"status": "ignored", "reason": "disposable_email"}
    lookalike = pay(owner, webhook_secret, "2", "\u0430nna@example.nl", follow_link(owner, code))
    assert lookalike["reason"] == "referral"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"velocity": "block"}, "velocity"),
        ({"daily_limit": -1}, "daily_limit"),
        ({"reward_cap": "5"}, "reward_cap"),
        ({"daily_limit": True}, "daily_limit"),
        ({"reward_cap": 10**20}, "reward_cap"),
        ({"reward_cap": 1520.5}, "reward_cap"),
        ({"limit": 3}, "limit"),
    ],
)
def test_bad_fraud_rules_are_422_and_change_nothing(
    owner: TestClient, body: dict[str, object], field: str
) -> None:
    response = owner.patch("/api/v1/campaigns/default/fraud-rules", json=body, headers=AUTH)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == field
    rules = owner.get("/api/v1/campaigns/default/fraud-rules", headers=AUTH).json()
    assert (rules["velocity"], rules["daily_limit"], rules["reward_cap"]) == ("review", 10, 0)


def test_a_whole_number_written_with_a_point_zero_is_a_whole_number(owner: TestClient) -> None:
    """JSON Schema's "integer" takes 1520.0 (the fuzz run sent it): so does the API."""
    body = {"reward_cap": 1520.0, "daily_limit": 3.0}
    response = owner.patch("/api/v1/campaigns/default/fraud-rules", json=body, headers=AUTH)
    assert response.status_code == 200, response.text
    assert (response.json()["reward_cap"], response.json()["daily_limit"]) == (1520, 3)
    changed = owner.patch(
        "/api/v1/campaigns/default", json={"attribution_days": 45.0}, headers=AUTH
    )
    assert changed.status_code == 200 and changed.json()["attribution_days"] == 45


def test_the_review_queue_in_the_dashboard_records_who_decided_and_why(
    owner: TestClient, settings: Settings, webhook_secret: str
) -> None:
    code = str(join_campaign(owner, "anna@example.nl", "Anna")["code"])
    assert (
        pay(owner, webhook_secret, "1", "deal@mailinator.com", follow_link(owner, code))["reason"]
        == "held_for_review"
    )
    create_admin(settings)
    assert sign_in(owner).status_code == 303
    page = owner.get("/admin/review")
    assert page.status_code == 200 and "deal@mailinator.com" in page.text
    assert "Throwaway e-mail address" in page.text
    [held] = decisions(owner, awaiting_review="true")
    token = form_token(owner, "/admin/review")
    refused = owner.post(
        f"/admin/review/{held['id']}", data={"csrf": token, "verdict": "rejected", "note": ""}
    )
    assert refused.status_code == 400 and "Say why" in refused.text
    done = owner.post(
        f"/admin/review/{held['id']}",
        data={"csrf": token, "verdict": "rejected", "note": "a throwaway inbox, twice"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    decided = owner.get(f"/api/v1/fraud-decisions/{held['id']}", headers=AUTH).json()
    assert decided["review"]["verdict"] == "rejected"
    assert decided["review"]["note"] == "a throwaway inbox, twice"
    assert decided["review"]["by"] == OWNER
    assert "a throwaway inbox, twice" in owner.get("/admin/review?tab=decided").text
    statuses = owner.get("/api/v1/rewards?status=revoked", headers=AUTH).json()["data"]
    assert {r["revoke_reason"] for r in statuses} == {"fraud_review"}


def test_the_dashboard_edits_a_campaigns_fraud_rules_with_the_apis_checks(
    owner: TestClient, settings: Settings
) -> None:
    create_admin(settings)
    assert sign_in(owner).status_code == 303
    assert "Hold for review" in owner.get("/admin/campaigns/default/fraud").text
    token = form_token(owner, "/admin/campaigns/default/fraud")
    form = {
        "csrf": token,
        "similar_email": "refuse",
        "same_customer": "refuse",
        "same_ip_device": "allow",
        "disposable_email": "review",
        "velocity": "review",
        "daily_limit": "5",
        "reward_cap": "lots",
    }
    bad = owner.post("/admin/campaigns/default/fraud", data=form)
    assert bad.status_code == 400 and "Enter a whole number from 0" in bad.text
    saved = owner.post(
        "/admin/campaigns/default/fraud", data={**form, "reward_cap": "20"}, follow_redirects=False
    )
    assert saved.status_code == 303
    rules = owner.get("/api/v1/campaigns/default/fraud-rules", headers=AUTH).json()
    assert (rules["similar_email"], rules["same_ip_device"], rules["reward_cap"]) == (
        "refuse",
        "allow",
        20,
    )


def test_shopify_browser_ip_and_woocommerce_customer_ip_are_compared_with_the_click(
    owner: TestClient,
) -> None:
    # Both platforms' published orders are in USD: the campaign is too, so rewards are due.
    changed = owner.patch("/api/v1/campaigns/default", json={"currency": "USD"}, headers=AUTH)
    assert changed.status_code == 200, changed.text
    code = str(join_campaign(owner, "anna@example.nl", "Anna")["code"])
    shopify = with_cart_ref(follow_link(owner, code, user_agent=BRAM_PHONE))
    shopify["browser_ip"] = IP
    shopify["client_details"]["user_agent"] = BRAM_PHONE
    answer = deliver_to_shopify(owner, compact(shopify)).json()
    assert answer["reason"] == "held_for_review"
    woo = with_ref(
        follow_link(owner, code, user_agent=BRAM_PHONE),
        customer_ip_address=IP,
        customer_user_agent=BRAM_PHONE,
    )
    woo["billing"]["email"] = "someone.else@example.com"
    assert deliver_to_woocommerce(owner, compact(woo)).json()["reason"] == "held_for_review"
    found = {d["order"]["source"]: d["reasons"] for d in decisions(owner)}
    assert found == {"shopify": ["self_referral_ip"], "woocommerce": ["self_referral_ip"]}
    # From another address (the fixture's own 0.0.0.0 means "unknown"), nothing matches.
    other = with_cart_ref(follow_link(owner, code))
    other["id"] = 450789470
    other["email"] = other["contact_email"] = other["customer"]["email"] = "carl@example.com"
    assert (
        deliver_to_shopify(owner, compact(other), webhook_id="wh-2").json()["reason"] == "referral"
    )
