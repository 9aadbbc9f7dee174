"""The score measured against behaviour: customers whose propensity to refer follows the score's
inputs (plus noise, seeded) are invited from the dashboard by score; those who act on it share
through the widget's beacon, their friends follow the link and order through the signed order
webhook; the decile table on the ambassadors page must rank them: the top decile converts more
than the bottom by at least MARGIN."""

from __future__ import annotations

import math
import random
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from score_support import History, add_customers, on_store
from shareback.crm.score import DecileRow, calibration
from shareback.ratelimit import RateLimiter
from shareback.settings import Settings
from shareback.storage.base import Store
from starlette.testclient import TestClient
from support import SHOP, db_rows, follow_link, order_paid, signed_headers
from test_admin_auth import csrf_token
from test_ambassadors import owner as owner
from test_ambassadors import shop as shop
from test_ambassadors import smtp as smtp

CUSTOMERS = 500
SEED = 20261201
# The top decile's conversion rate (a friend's order after the invitation) minus the bottom's.
MARGIN = Decimal("0.20")


@pytest.fixture(autouse=True)
def generous_limits(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """One test client is one address: the per-address limits would stop the simulated crowd."""
    monkeypatch.setattr(
        "shareback.context.RateLimiter",
        lambda limit, window_seconds, **more: RateLimiter(10**9, window_seconds, **more),
    )
    yield


def crowd(rng: random.Random) -> tuple[list[History], list[float]]:
    """Customers and their hidden propensity to refer: more likely the more recently and often
    they order and the happier they are, less with an open ticket, plus noise the score cannot
    see. A few have a recent complaint (never invited)."""
    histories, propensities = [], []
    for n in range(CUSTOMERS):
        recency = rng.randint(0, 360)
        count = rng.choice((1, 1, 1, 2, 2, 3, 4, 5))
        orders = [
            (recency + k * rng.randint(10, 45), rng.randint(1_500, 9_000)) for k in range(count)
        ]
        nps = rng.choice((None, None, None, *range(11)))
        tickets: list[tuple[int, bool, int | None]] = []
        if nps is not None:
            tickets.append((rng.randint(60, 200), False, nps))
        old_open = rng.random() < 0.1
        if old_open:
            tickets.append((rng.randint(40, 120), True, None))
        if rng.random() < 0.05:
            tickets.append((rng.randint(0, 10), True, None))
        in_window = sum(1 for days, _ in orders if days < 90)
        latent = (
            -1.0
            + 0.55 * min(in_window, 4)
            - recency / 110
            + (0.3 * (nps - 6) if nps is not None else 0.0)
            - (1.0 if old_open else 0.0)
            + rng.gauss(0, 0.8)
        )
        propensities.append(1 / (1 + math.exp(-latent)))
        histories.append(History(f"c{n}@example.nl", f"C{n}", orders=orders, tickets=tickets))
    return histories, propensities


def share_and_convert(
    client: TestClient, secret: str, code: str, number: int, rng: random.Random
) -> bool:
    """The invitee shares on WhatsApp; a friend follows the link; most such friends order."""
    beacon = {"campaign": "default", "type": "share", "channel": "whatsapp", "code": code}
    answer = client.post("/api/v1/events", json=beacon, headers={"origin": SHOP})
    assert answer.status_code == 204, answer.text
    ref = follow_link(client, code, "whatsapp")
    if rng.random() >= 0.7:
        return False
    body = order_paid(f"friend-{number}", f"friend{number}@example.com", "42.00", ref=ref)
    answer = client.post(
        "/webhooks/orders", content=body, headers=signed_headers(secret, body, f"msg-{number}")
    )
    assert answer.status_code == 200 and answer.json()["status"] == "recorded", answer.text
    return True


def test_the_decile_table_ranks_customers_by_their_propensity_to_refer(
    owner: TestClient, shop: Settings, webhook_secret: str
) -> None:
    rng = random.Random(SEED)
    histories, propensities = crowd(rng)
    ids = add_customers(shop, histories, datetime.now(UTC))
    page = owner.get("/admin/ambassadors")
    answer = owner.post(
        "/admin/ambassadors/invite",
        data={
            "csrf": csrf_token(page.text),
            "campaign": "default",
            "customer": [str(i) for i in ids],
        },
        follow_redirects=True,
    )
    assert answer.status_code == 200 and "customers invited" in answer.text
    codes = {
        str(row[0]): str(row[1])
        for row in db_rows(shop, "SELECT email_key, code FROM advocates WHERE campaign_id = 1")
    }
    acted = 0
    for number, (history, propensity) in enumerate(zip(histories, propensities, strict=True)):
        code = codes.get(history.email)
        if code is not None and rng.random() < propensity:
            acted += share_and_convert(owner, webhook_secret, code, number, rng)

    async def deciles(store: Store) -> list[DecileRow]:
        return calibration(await store.invitation_deciles())

    rows = on_store(shop, deciles)
    for row in rows:
        print(
            f"decile {row.decile:2}: invited {row.invited:3}, shared {row.shared:3}, "
            f"converted {row.converted:3} ({row.conversion_rate}), orders {row.friend_orders}"
        )
    top, bottom = rows[0], rows[-1]
    assert sum(r.invited for r in rows) == len(codes) > 400
    assert sum(r.friend_orders for r in rows) == acted
    assert top.invited >= 40 and bottom.invited >= 40
    assert top.conversion_rate is not None and bottom.conversion_rate is not None
    assert top.conversion_rate - bottom.conversion_rate >= MARGIN
    assert top.share_rate is not None and bottom.share_rate is not None
    assert top.share_rate > bottom.share_rate
    # The upper half converts more than the lower half, too: the ranking, not one lucky decile.
    upper = sum(r.converted for r in rows[:5]) / sum(r.invited for r in rows[:5])
    lower = sum(r.converted for r in rows[5:]) / sum(r.invited for r in rows[5:])
    assert upper > 2 * lower
    # The owner sees the same table on the page.
    table = owner.get("/admin/ambassadors").text.split('class="calibration"', 1)[1]
    first = re.search(r"<tr>\s*<th scope=\"row\">1 \(the top tenth\)</th>(.*?)</tr>", table, re.S)
    assert first is not None
    cells = re.findall(r'<td class="num">([^<]*)</td>', first[1])
    assert cells[0] == str(top.invited) and cells[3] == str(top.converted)
