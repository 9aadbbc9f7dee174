"""CSV exports: a header row, every matching row once (across the export's internal pages), UTF-8,
and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime

import httpx2
import pytest
from shareback import emails
from shareback.api.owner.exports import (
    ADVOCATE_COLUMNS,
    REFERRAL_COLUMNS,
    REWARD_COLUMNS,
    safe_cell,
)
from shareback.settings import Settings
from shareback.storage import open_store
from starlette.testclient import TestClient
from support import cash_for_the_referrer, join_campaign
from test_owner_api import Owner, error_of, make_rewards
from test_owner_api import settings as settings  # the settings with the admin key


@pytest.fixture
def owner(client: TestClient) -> Owner:
    return Owner(client)


def rows_of(response: httpx2.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith('attachment; filename="shareback-')
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def header_of(response: httpx2.Response) -> list[str]:
    return next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_advocates_export_is_safe_to_open_in_a_spreadsheet(
    owner: Owner, client: TestClient
) -> None:
    join_campaign(client, "anna@example.nl", '=HYPERLINK("http://evil.example","Klik")')
    join_campaign(client, "bram@example.nl", "+31 6 12345678")
    join_campaign(client, "chris@example.nl", "@SUM(A1:A9)")
    join_campaign(client, "zoe@example.nl", 'Zoë "Zee" Ünal, jr.')
    response = owner.get("/api/v1/exports/advocates.csv")
    assert header_of(response) == list(ADVOCATE_COLUMNS)
    names = {row["email"]: row["name"] for row in rows_of(response)}
    assert names == {
        "anna@example.nl": '\'=HYPERLINK("http://evil.example","Klik")',
        "bram@example.nl": "'+31 6 12345678",
        "chris@example.nl": "'@SUM(A1:A9)",
        "zoe@example.nl": 'Zoë "Zee" Ünal, jr.',
    }
    anna = next(row for row in rows_of(response) if row["email"] == "anna@example.nl")
    assert anna["link"] == f"http://refer.test/r/{anna['code']}"
    assert (anna["campaign"], anna["verified"], anna["clicks"], anna["referrals"]) == (
        "default",
        "true",
        "0",
        "0",
    )
    assert datetime.fromisoformat(anna["created_at"]).tzinfo is not None


def test_cells_that_start_like_a_formula_get_a_quote() -> None:
    assert [
        safe_cell(v) for v in ("=1+1", "+1", "-1", "@x", "\tx", "\rx", "a=b", "", None, 5, True)
    ] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@x",
        "'\tx",
        "'\rx",
        "a=b",
        "",
        "",
        "5",
        "true",
    ]


def test_rewards_export_for_payout_holds_only_approved_rewards(
    owner: Owner, client: TestClient, settings: Settings, webhook_secret: str
) -> None:
    cash_for_the_referrer(settings)  # approved, it stays approved until its payout batch
    make_rewards(client, webhook_secret, 3)
    referrers = [r["id"] for r in owner.get("/api/v1/rewards?side=referrer").json()["data"]]
    owner.post("/api/v1/rewards/bulk", json={"ids": referrers[:2], "action": "approve"})
    response = owner.get("/api/v1/exports/rewards.csv?status=approved")
    assert header_of(response) == list(REWARD_COLUMNS)
    assert "shareback-rewards-approved-" in response.headers["content-disposition"]
    rows = rows_of(response)
    assert sorted(int(row["id"]) for row in rows) == sorted(referrers[:2])
    assert {
        (r["status"], r["side"], r["email"], r["amount"], r["amount_minor"], r["currency"])
        for r in rows
    } == {("approved", "referrer", "anna@example.nl", "5.00", "500", "EUR")}
    assert all(row["approved_at"] and not row["revoked_at"] for row in rows)
    assert len(rows_of(owner.get("/api/v1/exports/rewards.csv"))) == 6
    assert len(rows_of(owner.get("/api/v1/exports/rewards.csv?side=friend&status=fulfilled"))) == 3


def test_referrals_export_has_the_order_and_its_total(
    owner: Owner, client: TestClient, webhook_secret: str
) -> None:
    make_rewards(client, webhook_secret, 2)
    response = owner.get("/api/v1/exports/referrals.csv?campaign=default&since=2020-01-01")
    assert header_of(response) == list(REFERRAL_COLUMNS)
    rows = rows_of(response)
    assert [
        (r["order_id"], r["order_total"], r["currency"], r["via"], r["channel"]) for r in rows
    ] == [
        ("anna-1", "30.00", "EUR", "link", "email"),
        ("anna-0", "30.00", "EUR", "link", "email"),
    ]
    assert rows_of(owner.get("/api/v1/exports/referrals.csv?until=2020-01-01")) == []


def test_an_export_larger_than_its_pages_holds_every_row_once(
    owner: Owner, settings: Settings
) -> None:
    async def add_advocates() -> None:
        store = await open_store(settings.database_url)
        try:
            campaign = await store.campaign("default")
            assert campaign is not None
            for n in range(1203):
                email = f"advocate{n}@example.nl"
                await store.advocate_for(
                    campaign.id,
                    email,
                    emails.email_key(email),
                    None,
                    False,
                    "ADV",
                    datetime.now(UTC),
                )
        finally:
            await store.close()

    asyncio.run(add_advocates())
    rows = rows_of(owner.get("/api/v1/exports/advocates.csv"))
    ids = [int(row["id"]) for row in rows]
    assert len(ids) == len(set(ids)) == 1203
    assert ids == sorted(ids, reverse=True)
    searched = rows_of(owner.get("/api/v1/exports/advocates.csv?search=advocate12"))
    assert {row["email"] for row in searched} == {
        f"advocate{n}@example.nl" for n in [12, *range(120, 130), *range(1200, 1203)]
    }


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/api/v1/exports/rewards.csv?status=paid", 400, "invalid_status"),
        ("/api/v1/exports/rewards.csv?limit=5", 400, "unknown_parameter"),
        ("/api/v1/exports/referrals.csv?since=soon", 400, "invalid_since"),
        ("/api/v1/exports/advocates.csv?campaign=nope", 404, "unknown_campaign"),
    ],
)
def test_a_bad_export_filter_is_a_json_error(
    owner: Owner, url: str, status: int, code: str
) -> None:
    response = owner.get(url)
    assert error_of(response)[:2] == (status, code)
    assert response.headers["content-type"] == "application/json"


def test_an_empty_export_is_just_the_header(owner: Owner) -> None:
    response = owner.get("/api/v1/exports/rewards.csv")
    header = ",".join(f'"{column}"' for column in REWARD_COLUMNS)  # every cell quoted
    assert response.content.decode("utf-8") == "\ufeff" + header + "\r\n"


def test_a_formula_after_any_list_separator_gets_a_quote_too() -> None:
    """Excel in Dutch or German splits on ";": `x;=1+1;` would hold a live cell "=1+1"."""
    assert [
        safe_cell(v)
        for v in ("x;=1+1;", "a,+1", "a\t-1", "a|@x", 'a; "=1"', "a\r\n=1", "a-b", "a;b=c")
    ] == ["x;'=1+1;", "a,'+1", "a\t'-1", "a|'@x", 'a; "\'=1"', "a\r\n'=1", "a-b", "a;b=c"]
