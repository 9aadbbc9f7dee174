"""Chargebacks from the platforms themselves: a Stripe dispute and a Shopify Payments chargeback
take the order's rewards back, also when they arrive before the order (kept and applied when it
comes), and count once however often they are sent. Inquiries and early warnings, which move no
money, change nothing. (The review's finding: both answered "unsupported" and kept the rewards.)"""

from __future__ import annotations

from typing import Any

import httpx2
import pytest
from platform_support import (
    SHOPIFY_ORDER,
    STRIPE_SESSION,
    compact,
    fixture,
    referral,
    shopify_headers,
    stripe_headers,
    with_platform_secrets,
)
from shareback.settings import Settings
from starlette.testclient import TestClient
from support import campaigns_in, db_rows

PAYMENT_INTENT = "pi_00000000000000"  # the session fixture's payment_intent
SHOPIFY_ORDER_ID = 450789469  # the order fixture's id


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return with_platform_secrets(settings)


@pytest.fixture
def client(client: TestClient, settings: Settings) -> TestClient:
    campaigns_in(settings, "USD")  # the vendors' samples are in USD
    return client


def statuses(settings: Settings) -> dict[str, tuple[str, str | None]]:
    rows = db_rows(settings, "SELECT side, status, revoke_reason FROM rewards")
    return {r["side"]: (r["status"], r["revoke_reason"]) for r in rows}


def stripe(client: TestClient, event: dict[str, Any]) -> httpx2.Response:
    body = compact(event)
    return client.post("/webhooks/stripe", content=body, headers=stripe_headers(body))


def stripe_dispute(event_id: str, status: str = "needs_response") -> dict[str, Any]:
    """A charge.dispute.created as Stripe sends it (the Dispute object, API 2024+)."""
    return {
        "id": event_id,
        "object": "event",
        "api_version": "2024-06-20",
        "created": 1733040000,
        "livemode": False,
        "type": "charge.dispute.created",
        "data": {
            "object": {
                "id": "dp_1QEXAMPLE",
                "object": "dispute",
                "amount": 25000,
                "charge": "ch_00000000000000",
                "currency": "usd",
                "payment_intent": PAYMENT_INTENT,
                "reason": "fraudulent",
                "status": status,
                "is_charge_refundable": False,
            }
        },
    }


def stripe_session(client: TestClient) -> dict[str, Any]:
    _, ref = referral(client)
    event: dict[str, Any] = fixture(STRIPE_SESSION)
    event["data"]["object"]["client_reference_id"] = ref
    return event


@pytest.mark.parametrize("dispute_first", [False, True])
def test_a_stripe_dispute_takes_the_rewards_back_whenever_it_arrives(
    client: TestClient, settings: Settings, dispute_first: bool
) -> None:
    session = stripe_session(client)
    if dispute_first:
        early = stripe(client, stripe_dispute("evt_dp_1")).json()
        assert early == {"status": "recorded", "reason": "awaiting_order"}
    assert stripe(client, session).json()["status"] == "recorded"
    if not dispute_first:
        assert stripe(client, stripe_dispute("evt_dp_1")).json()["status"] == "recorded"
    # The referrer's reward goes; the friend's discount was given at the checkout (fulfilled,
    # never owed back).
    assert statuses(settings) == {
        "friend": ("fulfilled", None),
        "referrer": ("revoked", "chargeback"),
    }
    assert stripe(client, stripe_dispute("evt_dp_1")).json()["status"] == "duplicate"
    funds = {**stripe_dispute("evt_dp_2"), "type": "charge.dispute.funds_withdrawn"}
    assert stripe(client, funds).json()["status"] == "duplicate"  # the same chargeback


def test_a_stripe_early_warning_changes_nothing(client: TestClient, settings: Settings) -> None:
    stripe(client, stripe_session(client))
    warning = stripe(client, stripe_dispute("evt_w", status="warning_needs_response")).json()
    assert warning == {"status": "ignored", "reason": "dispute_inquiry"}
    assert statuses(settings) == {"friend": ("fulfilled", None), "referrer": ("pending", None)}
    broken = stripe_dispute("evt_bad")
    del broken["data"]["object"]["payment_intent"]
    refused = stripe(client, broken)
    assert refused.status_code == 422
    assert refused.json()["error"]["field"] == "data.object.payment_intent"


def shopify(client: TestClient, body: dict[str, Any], topic: str, webhook_id: str) -> Any:
    content = compact(body)
    headers = shopify_headers(content, topic, webhook_id)
    return client.post("/webhooks/shopify", content=content, headers=headers).json()


def shopify_dispute(kind: str = "chargeback") -> dict[str, Any]:
    """disputes/create: the Shopify Payments Dispute resource."""
    return {
        "id": 1052608616,
        "order_id": SHOPIFY_ORDER_ID,
        "type": kind,
        "amount": "11.50",
        "currency": "USD",
        "reason": "fraudulent",
        "network_reason_code": "4827",
        "status": "needs_response",
        "evidence_due_by": "2026-12-15T19:00:00-05:00",
        "evidence_sent_on": None,
        "finalized_on": None,
        "initiated_at": "2026-12-01T19:00:00-05:00",
    }


@pytest.mark.parametrize("dispute_first", [False, True])
def test_a_shopify_chargeback_takes_the_rewards_back_whenever_it_arrives(
    client: TestClient, settings: Settings, dispute_first: bool
) -> None:
    _, ref = referral(client)
    order: dict[str, Any] = fixture(SHOPIFY_ORDER)["order"]
    order["note_attributes"].append({"name": "shareback_ref", "value": ref})
    if dispute_first:
        early = shopify(client, shopify_dispute(), "disputes/create", "wh-d1")
        assert early == {"status": "recorded", "reason": "awaiting_order"}
    assert shopify(client, order, "orders/paid", "wh-o1")["status"] == "recorded"
    if not dispute_first:
        assert shopify(client, shopify_dispute(), "disputes/create", "wh-d1")["status"] == (
            "recorded"
        )
    # The referrer's reward goes; the friend's discount was given at the checkout (fulfilled,
    # never owed back).
    assert statuses(settings) == {
        "friend": ("fulfilled", None),
        "referrer": ("revoked", "chargeback"),
    }
    again = shopify(client, shopify_dispute(), "disputes/update", "wh-d2")
    assert again["status"] == "duplicate"


def test_a_shopify_inquiry_changes_nothing(client: TestClient, settings: Settings) -> None:
    _, ref = referral(client)
    order: dict[str, Any] = fixture(SHOPIFY_ORDER)["order"]
    order["note_attributes"].append({"name": "shareback_ref", "value": ref})
    shopify(client, order, "orders/paid", "wh-o1")
    inquiry = shopify(client, shopify_dispute("inquiry"), "disputes/create", "wh-i1")
    assert inquiry == {"status": "ignored", "reason": "dispute_inquiry"}
    assert statuses(settings) == {"friend": ("fulfilled", None), "referrer": ("pending", None)}
