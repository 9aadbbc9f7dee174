"""Numbers you can trust: KPIs cross-checked against raw events produced by scripted referral flows."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from shareback import kpis
from shareback.settings import Settings
from shareback.storage import open_store
from starlette.testclient import TestClient
from support import (
    SHOP,
    db_execute,
    db_rows,
    follow_link,
    join_campaign,
    order_paid,
    order_refunded,
    signed_headers,
)


def beacon(client: TestClient, **event: object) -> None:
    body = json.dumps({"campaign": "default", **event})
    response = client.post(
        "/api/v1/events", content=body, headers={"content-type": "text/plain", "origin": SHOP}
    )
    assert response.status_code == 204, response.text


def stats(settings: Settings) -> kpis.RawStats:
    async def run() -> kpis.RawStats:
        store = await open_store(settings.database_url)
        try:
            campaign = await store.campaign("default")
            assert campaign is not None
            now = datetime.now(UTC)
            return await store.campaign_stats(
                campaign.id, now - timedelta(days=1), now + timedelta(days=1)
            )
        finally:
            await store.close()

    return asyncio.run(run())


def test_scripted_flow_gives_exact_kpis(
    client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    # 4 advocates; 40 widget opens; 25 shares (15 WhatsApp, 6 e-mail, 4 copies); 18 human clicks
    # (12 WhatsApp, 6 e-mail) + 2 link-preview bots; 5 referred orders of €40 each, one refunded;
    # plus 3 unreferred orders of €20.
    codes = [str(join_campaign(client, f"adv{n}@example.nl", f"Adv{n}")["code"]) for n in range(4)]
    for _ in range(40):
        beacon(client, type="open")
    for n in range(15):
        beacon(client, type="share", channel="whatsapp", code=codes[n % 2])
    for _ in range(6):
        beacon(client, type="share", channel="email", code=codes[2])
    for _ in range(4):
        beacon(client, type="copy", code=codes[2])
    refs = [follow_link(client, codes[n % 2], "whatsapp") for n in range(12)]
    refs += [follow_link(client, codes[2], "email") for _ in range(6)]
    for preview in ("WhatsApp/2.23", "facebookexternalhit/1.1"):  # one fetch each counts
        client.get(
            f"/r/{codes[0]}?ch=whatsapp", headers={"user-agent": preview}, follow_redirects=False
        )
    for n in range(5):
        body = order_paid(f"r{n}", f"friend{n}@example.com", "40.00", refs[n])
        assert (
            client.post(
                "/webhooks/orders",
                content=body,
                headers=signed_headers(webhook_secret, body, f"m{n}"),
            ).json()["status"]
            == "recorded"
        )
    for n in range(3):
        body = order_paid(f"u{n}", f"walkin{n}@example.com", "20.00")
        client.post(
            "/webhooks/orders", content=body, headers=signed_headers(webhook_secret, body, f"u{n}")
        )
    body = order_refunded("r4")
    assert (
        client.post(
            "/webhooks/orders", content=body, headers=signed_headers(webhook_secret, body, "refund")
        ).json()["rewards_revoked"]
        == 1  # the referrer's: the friend's discount was given at the checkout
    )

    raw = stats(settings)
    assert raw.opens == 40
    assert raw.shares_by_channel == {"whatsapp": 15, "email": 6, "copy": 4}
    assert raw.clicks_by_channel == {"whatsapp": 12, "email": 6}
    assert raw.bot_clicks == 2
    assert raw.unique_visitors == 1  # every test request comes from one address
    assert (raw.new_advocates, raw.sharing_advocates) == (4, 3)
    assert (raw.conversions, raw.refunded_conversions) == (5, 1)
    assert raw.revenue_minor == 4 * 4000
    # Per live referral: the friend's 10 % off left €40 of €44.44 (€4.44), the referrer's €5
    # credit; the refunded one costs nothing.
    assert raw.reward_cost_minor == 4 * (444 + 500)
    assert (raw.pending_rewards, raw.approved_rewards, raw.revoked_rewards) == (4, 0, 1)
    assert raw.fulfilled_rewards == 5  # the five friends' discounts, given at the checkout
    assert (raw.all_orders, raw.all_order_total_minor) == (4 + 3, 4 * 4000 + 3 * 2000)
    assert sum(day.clicks for day in raw.days) == 18 and sum(day.opens for day in raw.days) == 40

    assert raw.cohort_conversions == 4  # all four advocates joined in the range

    derived = kpis.derive(raw)
    assert derived.shares == 25 and derived.clicks == 18
    # Conversions are the orders kept: the same number as the referred orders after a refund.
    assert derived.conversions == raw.referred_orders == 4
    assert derived.conversion_rate == Decimal("0.2222")  # 4 / 18
    assert derived.share_rate == Decimal("0.6250")  # 25 / 40
    assert derived.click_through == Decimal("0.7200")  # 18 / 25
    assert derived.return_on_reward_spend == Decimal("4.24")  # 16000 / 3776
    assert derived.k_factor == Decimal("1.00")  # the cohort's 4 customers / 4 advocates
    assert derived.aov_referred_minor == 4000
    assert derived.aov_all_minor == 3143  # 22000 / 7: referred and unreferred orders alike
    assert kpis.funnel(raw) == [("opens", 40), ("shares", 25), ("clicks", 18), ("orders", 4)]
    assert [kpis.step_ratio(*step) for step in (("shares", 25, 40), ("clicks", 18, 25))] == [
        ("per", Decimal("0.6")),
        ("per", Decimal("0.7")),
    ]
    assert kpis.step_ratio("orders", 4, 18) == ("percent", Decimal("0.2222"))
    assert set(kpis.DEFINITIONS) >= {"conversions", "k_factor", "clicks", "aov"}


def test_partial_refunds_come_off_the_revenue(
    client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    # Three referred orders of €40 and one walk-in order of €20. The first referred order gets
    # €15 back; the second keeps everything; the third is refunded in two parts that add up to
    # its total (so it is refunded, left out); the walk-in order gets €5 back.
    code = str(join_campaign(client, "adv@example.nl", "Adv")["code"])

    def send(body: bytes, message_id: str) -> dict[str, object]:
        answer = client.post(
            "/webhooks/orders",
            content=body,
            headers=signed_headers(webhook_secret, body, message_id),
        )
        assert answer.status_code == 200, answer.text
        result: dict[str, object] = answer.json()
        return result

    def refund(order_id: str, amount: str, refund_id: str) -> bytes:
        data = {"order_id": order_id, "amount": amount, "refund_id": refund_id}
        return json.dumps({"type": "order.refunded", "data": data}).encode()

    for n in range(3):
        ref = follow_link(client, code, "whatsapp")
        body = order_paid(f"r{n}", f"friend{n}@example.com", "40.00", ref)
        assert send(body, f"paid{n}")["status"] == "recorded"
    send(order_paid("u0", "walkin@example.com", "20.00"), "paid-u0")
    assert send(refund("r0", "15.00", "re_1"), "refund1")["reason"] == "partially_refunded"
    assert send(refund("r2", "10.00", "re_2"), "refund2")["reason"] == "partially_refunded"
    assert send(refund("r2", "30.00", "re_3"), "refund3")["reason"] == "refunded"
    send(refund("u0", "5.00", "re_4"), "refund4")
    send(refund("r0", "15.00", "re_1"), "refund1-again")  # a replay counts once

    raw = stats(settings)
    assert (raw.conversions, raw.refunded_conversions, raw.referred_orders) == (3, 1, 2)
    assert raw.revenue_minor == (4000 - 1500) + 4000
    assert raw.referred_order_total_minor == raw.revenue_minor
    assert sum(day.revenue_minor for day in raw.days) == raw.revenue_minor
    # Every paid order, net of its partial refunds: 25.00 + 40.00 + 15.00.
    assert (raw.all_orders, raw.all_order_total_minor) == (3, 2500 + 4000 + 1500)
    derived = kpis.derive(raw)
    assert derived.aov_referred_minor == 3250  # 6500 / 2
    assert derived.aov_all_minor == 2667  # 8000 / 3


def test_a_step_that_is_no_part_of_the_one_before_is_a_rate_never_above_100_percent() -> None:
    """One share brings many clicks: 31 clicks on 10 shares is "3.1 per share", not "310 %"; and
    orders by typed code may outnumber clicks, which makes them a rate too."""
    assert kpis.step_ratio("clicks", 31, 10) == ("per", Decimal("3.1"))
    assert kpis.step_ratio("orders", 12, 10) == ("per", Decimal("1.2"))
    assert kpis.step_ratio("orders", 0, 0) is None


def test_the_k_factor_counts_one_cohort(
    client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    """An advocate who joined before the range brings customers to the range, but is no part of
    its cohort: mixing the two gave K = 85 for one new advocate in 30 days."""
    veteran = str(join_campaign(client, "veteran@example.nl", "Vera")["code"])
    db_execute(settings, "UPDATE advocates SET created_at = ?", (datetime(2020, 1, 1, tzinfo=UTC),))
    newcomer = str(join_campaign(client, "new@example.nl", "Nina")["code"])
    for n, code in enumerate([veteran] * 6 + [newcomer]):
        body = order_paid(f"k{n}", f"f{n}@example.com", "30.00", follow_link(client, code))
        headers = signed_headers(webhook_secret, body, f"k{n}")
        assert client.post("/webhooks/orders", content=body, headers=headers).json()["status"] == (
            "recorded"
        )
    raw = stats(settings)
    assert (raw.new_advocates, raw.cohort_conversions, raw.conversions) == (1, 1, 7)
    assert kpis.derive(raw).k_factor == Decimal("1.00")  # not 7.00


def test_rates_are_none_rather_than_zero_without_data() -> None:
    empty = kpis.RawStats(0, {}, {}, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    derived = kpis.derive(empty)
    assert (
        derived.conversion_rate is None
        and derived.k_factor is None
        and derived.aov_all_minor is None
    )


def test_whole_day_ranges_read_the_rollups_and_agree_with_the_rows(
    client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    """The dashboard's whole-day ranges read click_days/event_days; any other range counts rows."""
    code = str(join_campaign(client, "adv@example.nl", "Adv")["code"])
    for channel in ("whatsapp", "email", "whatsapp"):
        beacon(client, type="share", channel=channel, code=code)
        follow_link(client, code, channel)
    beacon(client, type="open")
    client.get(
        f"/r/{code}", headers={"user-agent": "facebookexternalhit/1.1"}, follow_redirects=False
    )

    async def both() -> tuple[kpis.RawStats, kpis.RawStats]:
        store = await open_store(settings.database_url)
        try:
            campaign = await store.campaign("default")
            assert campaign is not None
            today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
            whole = await store.campaign_stats(campaign.id, today, today + timedelta(days=1))
            exact = await store.campaign_stats(
                campaign.id, today + timedelta(microseconds=1), today + timedelta(days=1)
            )
            return whole, exact
        finally:
            await store.close()

    whole, exact = asyncio.run(both())
    assert whole == exact
    assert whole.clicks_by_channel == {"whatsapp": 2, "email": 1} and whole.bot_clicks == 1
    assert whole.shares_by_channel == {"whatsapp": 2, "email": 1} and whole.opens == 1
    rollup = {tuple(r) for r in db_rows(settings, "SELECT channel, device, n FROM click_days")}
    assert rollup == {("whatsapp", "desktop", 2), ("email", "desktop", 1), ("link", "bot", 1)}
