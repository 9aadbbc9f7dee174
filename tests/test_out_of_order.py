"""Out-of-order and replayed webhooks: a refund, partial refund or chargeback that arrives before
its order is kept and applied when the order comes, so that any delivery order, with any replays,
ends in the state the natural order gives (property-based, through the store and through HTTP)."""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from shareback import emails
from shareback.attribution import Candidate
from shareback.rewards import RewardSpec
from shareback.settings import Settings
from shareback.storage import open_store
from shareback.storage.base import Store
from shareback.storage.records import CampaignDraft, PaidOrder, PartialRefund, RefundPart
from starlette.testclient import TestClient
from support import db_rows, follow_link, join_campaign, order_paid, order_refunded, signed_headers

SOURCE = "orders"
TOTAL = "100.00"
ids = itertools.count(1)


@dataclass(frozen=True)
class Message:
    kind: str  # "paid" | "partial" | "refund" | "chargeback"
    key: str = ""  # a partial refund's own id
    amount: str = ""


@dataclass(frozen=True)
class Scenario:
    partials: tuple[Message, ...]
    refund: bool
    chargeback: bool
    cumulative: bool  # Stripe-style: each partial says everything refunded so far

    def natural(self) -> list[Message]:
        return [
            Message("paid"),
            *self.partials,
            *([Message("refund")] if self.refund else []),
            *([Message("chargeback")] if self.chargeback else []),
        ]


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    cumulative = draw(st.booleans())
    cents = draw(st.lists(st.integers(1, 6000), min_size=0, max_size=3, unique=True))
    if cumulative:
        cents.sort()  # amount_refunded only grows
    partials = tuple(
        Message(
            "partial", f"amount_refunded:{c}" if cumulative else f"refund:{n}", f"{c / 100:.2f}"
        )
        for n, c in enumerate(cents)
    )
    return Scenario(partials, draw(st.booleans()), draw(st.booleans()), cumulative)


@st.composite
def deliveries(draw: st.DrawFn, messages: list[Message]) -> list[tuple[Message, bool]]:
    """Every message at least once, some again (as a replay of the same delivery, or resent by
    the platform as a new one), all in a random order. (message, new_delivery_id)."""
    sent = [(m, False) for m in messages]
    for message in messages:
        for _ in range(draw(st.integers(0, 2))):
            sent.append((message, draw(st.booleans())))
    return list(draw(st.permutations(sent)))


class Shop:
    """Delivers one scenario's messages to the store, as the webhooks would."""

    def __init__(self, store: Store, advocate: Candidate, scenario: Scenario) -> None:
        self.store = store
        self.candidate = advocate
        self.scenario = scenario
        self.order_id = f"o{next(ids)}"
        self.resent = itertools.count(1)

    async def deliver(self, message: Message, new_delivery: bool) -> str:
        message_id = f"{self.order_id}/{message.kind}/{message.key}"
        if new_delivery:
            message_id += f"/resent-{next(self.resent)}"
        now = datetime.now(UTC)
        if message.kind == "paid":
            email = f"friend-{self.order_id}@example.com"
            order = PaidOrder(
                SOURCE, self.order_id, email, emails.email_key(email), 10000, "EUR", now
            )
            outcome = await self.store.record_paid_order(message_id, order, self.candidate, "")
        elif message.kind == "partial":
            part = RefundPart(message.key, Decimal(message.amount))
            refund = PartialRefund(
                SOURCE, self.order_id, (part,), "EUR", now, cumulative=self.scenario.cumulative
            )
            outcome = await self.store.record_partial_refund(message_id, refund)
        else:
            outcome = await self.store.record_refund(
                message_id, SOURCE, self.order_id, now, reason=message.kind
            )
        return outcome.status


def final_state(settings: Settings, order_id: str) -> dict[str, Any]:
    """Order status, refunded amount and why it was lost; each reward's status, amount and revoke
    reason, and what its clawbacks take back in all; nothing left waiting."""
    order = db_rows(
        settings,
        "SELECT status, refunded_minor, lost_reason FROM orders WHERE source = ? AND order_id = ?",
        (SOURCE, order_id),
    )
    rewards = db_rows(
        settings,
        "SELECT w.side, w.status, w.amount_minor, w.revoke_reason, "
        "(SELECT COALESCE(SUM(k.amount_minor), 0) FROM clawbacks k WHERE k.reward_id = w.id), "
        "(SELECT COUNT(*) FROM clawbacks k WHERE k.reward_id = w.id AND k.amount_minor IS NULL) "
        "FROM rewards w JOIN referrals r ON r.id = w.referral_id "
        "JOIN orders o ON o.id = r.order_pk WHERE o.order_id = ? ORDER BY w.side",
        (order_id,),
    )
    waiting = db_rows(
        settings, "SELECT COUNT(*) FROM pending_adjustments WHERE order_id = ?", (order_id,)
    )
    return {
        "order": [tuple(row) for row in order],
        "rewards": [tuple(row) for row in rewards],
        "waiting": waiting[0][0],
    }


@pytest.fixture
def runner() -> Iterator[asyncio.Runner]:
    with asyncio.Runner() as loop:
        yield loop


async def opened(settings: Settings, hold_days: int) -> tuple[Store, int]:
    store = await open_store(settings.database_url)
    await store.migrate()
    campaign = await store.ensure_campaign(
        CampaignDraft(
            slug="default",
            name="Default",
            shop_name="Shop",
            landing_url="https://shop.example/",
            allowed_origins=("https://shop.example",),
            # A share of the order (shrinks with partial refunds) and a fixed credit (does not).
            referrer_reward=RewardSpec("credit", "5.00"),
            friend_reward=RewardSpec("percent_discount", "10"),
            hold_days=hold_days,
        )
    )
    return store, campaign.id


async def new_advocate(store: Store, campaign_id: int) -> Candidate:
    """A new advocate for each example: the fraud rules' daily limit never comes into it."""
    email = f"advocate-{next(ids)}@example.nl"
    advocate, _ = await store.advocate_for(
        campaign_id, email, emails.email_key(email), "Anna", True, "ANNA", datetime.now(UTC)
    )
    return Candidate(advocate.id, advocate.email_key, campaign_id, "link")


PROPERTY = hypothesis_settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@PROPERTY
@given(data=st.data(), scenario=scenarios())
def test_any_delivery_order_with_replays_ends_as_the_natural_order(
    settings: Settings, runner: asyncio.Runner, data: st.DataObject, scenario: Scenario
) -> None:
    store, campaign_id = runner.run(opened(settings, hold_days=14))
    try:
        natural = Shop(store, runner.run(new_advocate(store, campaign_id)), scenario)
        for message in scenario.natural():
            runner.run(natural.deliver(message, False))
        shuffled = Shop(store, runner.run(new_advocate(store, campaign_id)), scenario)
        for message, new_delivery in data.draw(deliveries(scenario.natural())):
            runner.run(shuffled.deliver(message, new_delivery))
    finally:
        runner.run(store.close())
    expected = final_state(settings, natural.order_id)
    assert final_state(settings, shuffled.order_id) == expected
    assert expected["waiting"] == 0 and len(expected["rewards"]) == 2


@PROPERTY
@given(data=st.data(), scenario=scenarios())
def test_refunds_after_approval_claw_back_the_same_whatever_their_order(
    settings: Settings, runner: asyncio.Runner, data: st.DataObject, scenario: Scenario
) -> None:
    """Once the rewards are approved, refunds leave clawbacks: the same amounts in any order."""
    store, campaign_id = runner.run(opened(settings, hold_days=0))
    adjustments = scenario.natural()[1:]
    try:
        shops = [Shop(store, runner.run(new_advocate(store, campaign_id)), scenario) for _ in "ab"]
        for shop in shops:
            runner.run(shop.deliver(Message("paid"), False))
        runner.run(store.approve_due_rewards(datetime.now(UTC) + timedelta(seconds=1)))
        for message in adjustments:
            runner.run(shops[0].deliver(message, False))
        for message, new_delivery in data.draw(deliveries(adjustments)):
            runner.run(shops[1].deliver(message, new_delivery))
    finally:
        runner.run(store.close())
    assert final_state(settings, shops[1].order_id) == final_state(settings, shops[0].order_id)


def test_a_refund_before_its_order_revokes_the_rewards_it_would_have_kept(
    client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    """The review's attack: the refund came first and was forgotten (200 unknown_order), so the
    paid order kept two pending rewards that were later approved."""

    def deliver(body: bytes, message_id: str) -> dict[str, Any]:
        headers = signed_headers(webhook_secret, body, message_id)
        response = client.post("/webhooks/orders", content=body, headers=headers)
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()
        return answer

    ref = follow_link(client, str(join_campaign(client, "anna@example.nl", "Anna")["code"]))
    assert deliver(order_refunded("1001"), "refund") == {
        "status": "recorded",
        "reason": "awaiting_order",
    }
    assert deliver(order_refunded("1001"), "refund-resent")["status"] == "duplicate"
    paid = deliver(order_paid("1001", "friend@example.com", "59.90", ref), "paid")
    # The referrer's; the friend's discount was given at the checkout whatever came after.
    assert paid["status"] == "recorded" and paid["rewards_revoked"] == 1

    async def approve() -> int:
        store = await open_store(settings.database_url)
        try:
            return await store.approve_due_rewards(datetime.now(UTC) + timedelta(days=60))
        finally:
            await store.close()

    assert asyncio.run(approve()) == 0
    rewards = db_rows(settings, "SELECT side, status, revoke_reason FROM rewards ORDER BY side")
    assert [tuple(row) for row in rewards] == [
        ("friend", "fulfilled", None),
        ("referrer", "revoked", "refund"),
    ]
    assert db_rows(settings, "SELECT COUNT(*) FROM pending_adjustments")[0][0] == 0


HTTP_PROPERTY = hypothesis_settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@HTTP_PROPERTY
@given(data=st.data(), scenario=scenarios())
def test_through_the_order_webhook_any_delivery_order_ends_the_same(
    client: TestClient,
    settings: Settings,
    webhook_secret: str,
    data: st.DataObject,
    scenario: Scenario,
) -> None:
    def body(message: Message, order_id: str, email: str, ref: str) -> bytes:
        if message.kind == "paid":
            return order_paid(order_id, email, TOTAL, ref)
        if message.kind == "chargeback":
            return json.dumps(
                {"type": "order.charged_back", "data": {"order_id": order_id}}
            ).encode()
        if message.kind == "refund":
            return order_refunded(order_id)
        data = {"order_id": order_id, "amount": message.amount, "refund_id": message.key}
        return json.dumps({"type": "order.refunded", "data": data}).encode()

    if scenario.cumulative:  # the generic webhook's refunds are separate, by refund_id
        scenario = Scenario(scenario.partials, scenario.refund, scenario.chargeback, False)
    orders = []
    for delivery in (
        [(m, False) for m in scenario.natural()],
        data.draw(deliveries(scenario.natural())),
    ):
        n = next(ids)
        order_id, email = f"h{n}", f"friend-{n}@example.com"
        code = str(join_campaign(client, f"advocate-{n}@example.nl", "Anna")["code"])
        ref = follow_link(client, code)
        for number, (message, new_delivery) in enumerate(delivery):
            message_id = f"{order_id}/{message.kind}/{message.key}"
            message_id += f"/{number}" if new_delivery else ""
            content = body(message, order_id, email, ref)
            headers = signed_headers(webhook_secret, content, message_id)
            response = client.post("/webhooks/orders", content=content, headers=headers)
            assert response.status_code == 200, response.text
        orders.append(order_id)
    assert final_state(settings, orders[1]) == final_state(settings, orders[0])
