"""POST /webhooks/stripe with published Checkout Session and charge events, signed per Stripe."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

import httpx2
import pytest
from platform_support import (
    STRIPE_REFUND,
    STRIPE_SECRET,
    STRIPE_SESSION,
    compact,
    fixture,
    fixture_bytes,
    referral,
    stripe_headers,
    stripe_signature,
    with_platform_secrets,
)
from shareback.app import create_app
from shareback.settings import Settings
from starlette.testclient import TestClient
from support import campaigns_in, count, db_rows, percent_for_the_referrer

PAYMENT_INTENT = "pi_00000000000000"  # the session fixture's payment_intent


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return with_platform_secrets(settings)


@pytest.fixture
def client(client: TestClient, settings: Settings) -> TestClient:
    """The vendors' sample orders are in USD: so is the campaign, as rewards are booked only
    from an amount in the campaign's own currency."""
    campaigns_in(settings, "USD")
    return client


def deliver(client: TestClient, body: bytes, **signing: Any) -> httpx2.Response:
    return client.post("/webhooks/stripe", content=body, headers=stripe_headers(body, **signing))


def session_event(event_id: str = "evt_session", **changes: Any) -> dict[str, Any]:
    event: dict[str, Any] = fixture(STRIPE_SESSION)
    event["id"] = event_id
    event["data"]["object"].update(changes)
    return event


def refund_event(event_id: str, amount_refunded: int, **changes: Any) -> dict[str, Any]:
    """The published charge.refunded, as the charge of the session's payment: 250.00 USD."""
    event: dict[str, Any] = fixture(STRIPE_REFUND)
    event["id"] = event_id
    charge = event["data"]["object"]
    charge.update(
        payment_intent=PAYMENT_INTENT,
        amount=25000,
        amount_captured=25000,
        amount_refunded=amount_refunded,
        refunded=amount_refunded == 25000,
    )
    charge.update(changes)
    # Since API version 2022-11-15 a charge no longer embeds its refunds.
    del charge["refunds"]
    return event


def rewards(settings: Settings) -> dict[str, tuple[int, str]]:
    rows = db_rows(settings, "SELECT side, amount_minor, status FROM rewards")
    return {r["side"]: (r["amount_minor"], r["status"]) for r in rows}


def referred_checkout(client: TestClient) -> dict[str, Any]:
    _, ref = referral(client)
    result: dict[str, Any] = deliver(client, compact(session_event(client_reference_id=ref))).json()
    return result


def test_a_paid_checkout_session_with_the_ref_as_client_reference_id_records_a_referral(
    client: TestClient, settings: Settings
) -> None:
    result = referred_checkout(client)
    assert result["status"] == "recorded" and result["reason"] == "referral"
    row = db_rows(settings, "SELECT * FROM orders")[0]
    # The payment intent is the order's id: charge.refunded names it, never the session.
    assert (row["source"], row["order_id"], row["email"]) == (
        "stripe",
        PAYMENT_INTENT,
        "example@example.com",
    )
    assert (row["total_minor"], row["currency"]) == (25000, "USD")
    # The session's total_details.amount_discount is 0: the checkout gave the friend nothing off,
    # and the friend's discount is recorded as exactly that.
    assert (row["subtotal_minor"], row["discount_minor"]) == (25000, 0)
    assert rewards(settings) == {"friend": (0, "fulfilled"), "referrer": (500, "pending")}


def test_the_ref_in_session_metadata_attributes_the_order(client: TestClient) -> None:
    _, ref = referral(client)
    body = compact(session_event(metadata={"shareback_ref": ref}))
    assert deliver(client, body).json()["reason"] == "referral"


def test_an_advocates_code_as_client_reference_id_attributes_the_order(client: TestClient) -> None:
    code, _ = referral(client)
    body = compact(session_event(client_reference_id=code.lower()))
    assert deliver(client, body).json()["reason"] == "referral_code"


def test_a_session_without_payment_intent_uses_the_session_id(
    client: TestClient, settings: Settings
) -> None:
    deliver(client, compact(session_event(payment_intent=None)))
    assert db_rows(settings, "SELECT order_id FROM orders")[0][0] == "cs_00000000000000"


def test_the_published_events_verbatim(client: TestClient, settings: Settings) -> None:
    paid = deliver(client, fixture_bytes(STRIPE_SESSION)).json()
    assert paid == {"status": "ignored", "reason": "no_ref"}
    assert tuple(db_rows(settings, "SELECT order_id, total_minor FROM orders")[0]) == (
        PAYMENT_INTENT,
        25000,
    )
    # This charge came from the Stripe CLI without a payment intent: it cannot name an order.
    refunded = deliver(client, fixture_bytes(STRIPE_REFUND)).json()
    assert refunded == {"status": "ignored", "reason": "no_payment_intent"}


def test_a_delayed_payment_counts_when_it_succeeds(client: TestClient, settings: Settings) -> None:
    _, ref = referral(client)
    unpaid = session_event("evt_completed", client_reference_id=ref, payment_status="unpaid")
    assert deliver(client, compact(unpaid)).json() == {"status": "ignored", "reason": "not_paid"}
    assert (count(settings, "orders"), count(settings, "webhook_messages")) == (0, 0)
    succeeded = session_event("evt_succeeded", client_reference_id=ref)
    succeeded["type"] = "checkout.session.async_payment_succeeded"
    assert deliver(client, compact(succeeded)).json()["reason"] == "referral"


def test_partial_refunds_shrink_the_reward_by_the_cumulative_amount_refunded(
    client: TestClient, settings: Settings
) -> None:
    percent_for_the_referrer(settings)
    referred_checkout(client)
    first = deliver(client, compact(refund_event("evt_r1", 5000))).json()
    assert first == {"status": "recorded", "reason": "partially_refunded", "rewards_reduced": 1}
    assert rewards(settings)["referrer"] == (2000, "pending")  # 10 % of the 200.00 kept
    assert deliver(client, compact(refund_event("evt_r1", 5000))).json() == {
        "status": "duplicate",
        "reason": "message_already_processed",
    }
    # Stripe may send the same state again under a new event id: amount_refunded is the key.
    assert deliver(client, compact(refund_event("evt_r1b", 5000))).json() == {
        "status": "duplicate",
        "reason": "refund_already_recorded",
    }
    # amount_refunded is everything refunded so far: 100.00 in all, not 50 + 100.
    deliver(client, compact(refund_event("evt_r2", 10000)))
    assert rewards(settings)["referrer"] == (1500, "pending")
    # A late, smaller figure arriving out of order changes nothing.
    late = deliver(client, compact(refund_event("evt_r0", 3000))).json()
    assert late == {"status": "recorded", "reason": "partially_refunded"}
    assert rewards(settings)["referrer"] == (1500, "pending")
    assert db_rows(settings, "SELECT refunded_minor FROM orders")[0][0] == 10000


def test_a_full_refund_revokes_the_pending_rewards_once(
    client: TestClient, settings: Settings
) -> None:
    referred_checkout(client)
    result = deliver(client, compact(refund_event("evt_full", 25000))).json()
    assert result == {"status": "recorded", "reason": "refunded", "rewards_revoked": 1}
    again = deliver(client, compact(refund_event("evt_full_2", 25000))).json()
    assert again == {"status": "duplicate", "reason": "order_already_refunded"}
    assert {side: status for side, (_, status) in rewards(settings).items()} == {
        "friend": "fulfilled",
        "referrer": "revoked",
    }


def test_a_refund_of_an_unknown_payment_waits_for_it(client: TestClient) -> None:
    assert deliver(client, compact(refund_event("evt_r", 5000))).json() == {
        "status": "recorded",
        "reason": "awaiting_order",
    }


def test_a_replayed_event_counts_once(client: TestClient, settings: Settings) -> None:
    _, ref = referral(client)
    body = compact(session_event(client_reference_id=ref))
    assert deliver(client, body).json()["status"] == "recorded"
    assert deliver(client, body).json() == {
        "status": "duplicate",
        "reason": "message_already_processed",
    }
    assert (count(settings, "orders"), count(settings, "rewards")) == (1, 2)


def test_unsigned_wrongly_signed_tampered_and_stale_events_are_refused(
    client: TestClient, settings: Settings
) -> None:
    _, ref = referral(client)
    body = compact(session_event(client_reference_id=ref))
    now = int(time.time())
    good = stripe_signature(body)
    cases = [
        ({}, body, 401, "missing_signature"),
        ({"stripe-signature": "v1=" + "0" * 64}, body, 400, "invalid_signature_header"),
        ({"stripe-signature": f"t={now}"}, body, 400, "invalid_signature_header"),
        (
            {"stripe-signature": stripe_signature(body, "whsec_other")},
            body,
            401,
            "invalid_signature",
        ),
        ({"stripe-signature": good}, body.replace(b"25000", b"2500"), 401, "invalid_signature"),
        ({"stripe-signature": good.replace("v1=", "v0=")}, body, 400, "invalid_signature_header"),
        ({"stripe-signature": stripe_signature(body, at=now - 301)}, body, 401, "stale_timestamp"),
        ({"stripe-signature": stripe_signature(body, at=now + 600)}, body, 401, "stale_timestamp"),
    ]
    for headers, content, status, code in cases:
        response = client.post("/webhooks/stripe", content=content, headers=headers)
        assert response.status_code == status, (headers, response.text)
        assert response.json()["error"]["code"] == code
    assert (count(settings, "orders"), count(settings, "webhook_messages")) == (0, 0)
    # Within the tolerance is fine.
    assert deliver(client, body, at=now - 290).json()["status"] == "recorded"


def test_any_v1_signature_may_match_while_a_secret_is_rolled(
    settings: Settings, client: TestClient
) -> None:
    body = compact(session_event())
    now = int(time.time())
    new_only = stripe_signature(body, "whsec_new", now).split(",")[1]
    header = f"t={now},{new_only},v1={stripe_signature(body, STRIPE_SECRET, now).split('v1=')[1]}"
    response = client.post("/webhooks/stripe", content=body, headers={"stripe-signature": header})
    assert response.status_code == 200, response.text
    rolled = dataclasses.replace(settings, stripe_webhook_secret=f"whsec_new {STRIPE_SECRET}")
    with TestClient(create_app(rolled)) as other:
        body = compact(session_event("evt_2", payment_intent="pi_2"))
        for secret in ("whsec_new", STRIPE_SECRET):
            signed = {"stripe-signature": stripe_signature(body, secret)}
            assert other.post("/webhooks/stripe", content=body, headers=signed).status_code == 200


@pytest.mark.parametrize(
    ("event", "code", "field"),
    [
        ({"type": "checkout.session.completed"}, "invalid_body", "id"),
        ({"id": "evt_1", "type": 7}, "invalid_body", "type"),
        ({"id": "evt_1", "type": "charge.refunded", "data": {}}, "invalid_body", "data.object"),
        (session_event(amount_total="250.00"), "invalid_order", "data.object.amount_total"),
        (session_event(amount_total=-1), "invalid_order", "data.object.amount_total"),
        (session_event(currency=None), "invalid_order", "data.object.currency"),
        (session_event(metadata=[]), "invalid_order", "data.object.metadata"),
        (refund_event("evt_r", 5000, amount="250.00"), "invalid_order", "data.object.amount"),
    ],
)
def test_malformed_events_are_422_and_write_nothing(
    client: TestClient, settings: Settings, event: dict[str, Any], code: str, field: str
) -> None:
    response = deliver(client, compact(event))
    assert response.status_code == 422, response.text
    assert response.json()["error"] == {**response.json()["error"], "code": code, "field": field}
    assert (count(settings, "orders"), count(settings, "webhook_messages")) == (0, 0)


def test_other_event_types_are_acknowledged(client: TestClient) -> None:
    body = compact({"id": "evt_c", "type": "customer.created", "data": {"object": {}}})
    assert deliver(client, body).json() == {"status": "ignored", "reason": "unsupported_type"}
