"""Store credit that is clawed back leaves the balance: a refunded friend's order takes the
referrer's credit off the ledger (once, however often the refund is resent), and credit spent
before the refund leaves a balance below zero that nothing can be spent from."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from shareback.app import create_app
from shareback.settings import Settings
from shareback.storage.migrate import migration_files
from starlette.testclient import TestClient
from support import (
    BROWSER_UA,
    db_execute,
    db_rows,
    follow_link,
    join_campaign,
    order_paid,
    order_refunded,
)
from test_owner_api import ADMIN_KEY, Owner, error_of
from test_reward_month import days_later, send

ADVOCATE = "anna@example.nl"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, admin_api_key=ADMIN_KEY)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), headers={"user-agent": BROWSER_UA}) as c:
        yield c


def balance(owner: Owner) -> dict[str, Any]:
    answer: dict[str, Any] = owner.get("/api/v1/credit", params={"email": ADVOCATE}).json()
    return answer


def kinds(document: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e["kind"], e["amount"]["amount"]) for e in document["entries"]]


def test_clawed_back_credit_leaves_the_balance_once_and_spent_credit_goes_below_zero(
    client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    owner = Owner(client)
    changed = owner.patch(
        "/api/v1/campaigns/default",
        json={"referrer_reward": {"type": "credit", "value": "5.00"}},
    )
    assert changed.status_code == 200, changed.text
    anna = join_campaign(client, ADVOCATE, "Anna")
    for order_id in ("f-1", "f-2"):
        ref = follow_link(client, str(anna["code"]))
        body = order_paid(order_id, f"friend-{order_id}@example.com", "30.00", ref)
        assert send(client, webhook_secret, body, f"m-{order_id}")["status"] == "recorded"
    assert days_later(settings, 15) == 2  # both credits added on approval
    assert balance(owner)["balance"]["amount"] == "10.00"

    # The first friend returns everything: Anna's €5 for that order leaves the balance, once.
    refund = send(client, webhook_secret, order_refunded("f-1"), "r-1")
    assert refund["rewards_clawed_back"] == 1
    again = send(client, webhook_secret, order_refunded("f-1"), "r-1-resent-under-a-new-id")
    assert again.get("rewards_clawed_back", 0) == 0
    after = balance(owner)
    assert after["balance"]["amount"] == "5.00"
    assert kinds(after) == [("reward", "5.00"), ("reward", "5.00"), ("clawback", "5.00")]
    clawback = after["entries"][2]
    assert clawback["reward_id"] == after["entries"][0]["reward_id"]

    # What is left can be spent, and no more than that.
    spent = owner.post(
        "/api/v1/credit/redemptions",
        json={"email": ADVOCATE, "amount": "6.00", "idempotency_key": "too-much"},
    )
    assert error_of(spent)[:2] == (409, "insufficient_credit")
    spent = owner.post(
        "/api/v1/credit/redemptions",
        json={"email": ADVOCATE, "amount": "5.00", "idempotency_key": "basket-1"},
    )
    assert spent.status_code == 201 and spent.json()["balance"]["amount"] == "0.00"

    # Then the second friend's bank takes the money back: the credit Anna already spent is owed,
    # the balance goes below zero, and nothing more can be spent until new credit pays it off.
    body = b'{"type": "order.refunded", "data": {"order_id": "f-2", "reason": "chargeback"}}'
    assert send(client, webhook_secret, body, "r-2")["rewards_clawed_back"] == 1
    owed = balance(owner)
    assert owed["balance"]["amount"] == "-5.00"
    refused = owner.post(
        "/api/v1/credit/redemptions",
        json={"email": ADVOCATE, "amount": "0.01", "idempotency_key": "basket-2"},
    )
    assert error_of(refused)[:2] == (409, "insufficient_credit")
    rows = db_rows(
        settings,
        "SELECT e.amount_minor, k.reward_id FROM credit_entries e "
        "JOIN clawbacks k ON k.id = e.clawback_id WHERE e.kind = 'clawback' ORDER BY e.id",
    )
    assert [row[0] for row in rows] == [-500, -500]
    assert len({row[1] for row in rows}) == 2  # one per clawed-back reward


def test_the_upgrade_debits_clawbacks_booked_before_the_ledger_knew_them(
    client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    """Migration 0024's second half, on a shop whose credit was clawed back before it: the
    clawback entries are removed as if never written, and the migration's backfill writes them."""
    owner = Owner(client)
    owner.patch(
        "/api/v1/campaigns/default", json={"referrer_reward": {"type": "credit", "value": "5.00"}}
    )
    anna = join_campaign(client, ADVOCATE, "Anna")
    body = order_paid("f-1", "friend@example.com", "30.00", follow_link(client, str(anna["code"])))
    send(client, webhook_secret, body, "m-1")
    assert days_later(settings, 15) == 1
    send(client, webhook_secret, order_refunded("f-1"), "r-1")
    assert db_execute(settings, "DELETE FROM credit_entries WHERE kind = 'clawback'") == 1
    assert balance(owner)["balance"]["amount"] == "5.00"  # the old schema's wrong balance

    dialect = "postgresql" if settings.database_url.startswith("postgres") else "sqlite"
    [sql] = [sql for name, sql in migration_files(dialect) if name.startswith("0024_")]
    backfill = sql[sql.index("-- Clawbacks booked before") :]
    assert db_execute(settings, backfill.rstrip().rstrip(";")) == 1
    assert balance(owner)["balance"]["amount"] == "0.00"
    assert kinds(balance(owner)) == [("reward", "5.00"), ("clawback", "5.00")]
