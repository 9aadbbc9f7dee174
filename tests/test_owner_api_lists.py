"""The owner's lists: advocates, referrals and rewards, filtered, paged with opaque cursors that walk
every row exactly once."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest
from shareback.settings import Settings
from starlette.testclient import TestClient
from support import db_rows, join_campaign
from test_owner_api import SUMMER, Owner, error_of, make_rewards
from test_owner_api import settings as settings  # the settings with the admin key


@pytest.fixture
def owner(client: TestClient) -> Owner:
    return Owner(client)


def walk(owner: Owner, url: str, limit: int) -> tuple[list[int], int]:
    """Every id the list gives, page by page, and the number of pages."""
    ids: list[int] = []
    pages = 0
    cursor = None
    separator = "&" if "?" in url else "?"
    while True:
        page_url = f"{url}{separator}limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        page = owner.get(page_url).json()
        pages += 1
        assert len(page["data"]) <= limit
        ids += [row["id"] for row in page["data"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return ids, pages
        assert len(page["data"]) == limit


def test_paging_advocates_walks_every_row_exactly_once(
    owner: Owner, client: TestClient, settings: Settings
) -> None:
    for n in range(23):
        join_campaign(client, f"advocate{n}@example.nl", f"Advocate {n}")
    ids, pages = walk(owner, "/api/v1/advocates", 5)
    expected = [row[0] for row in db_rows(settings, "SELECT id FROM advocates ORDER BY id DESC")]
    assert ids == expected and len(ids) == 23
    assert pages == 5
    exact, pages = walk(owner, "/api/v1/advocates", 23)
    assert exact == expected and pages == 1
    assert walk(owner, "/api/v1/advocates", 200) == (expected, 1)


def test_a_page_is_stable_while_new_rows_arrive(owner: Owner, client: TestClient) -> None:
    for n in range(7):
        join_campaign(client, f"early{n}@example.nl")
    first = owner.get("/api/v1/advocates?limit=3").json()
    join_campaign(client, "late@example.nl")
    second = owner.get(f"/api/v1/advocates?limit=3&cursor={first['next_cursor']}").json()
    third = owner.get(f"/api/v1/advocates?limit=3&cursor={second['next_cursor']}").json()
    seen = [a["email"] for page in (first, second, third) for a in page["data"]]
    assert sorted(seen) == sorted(f"early{n}@example.nl" for n in range(7))
    assert third["next_cursor"] is None


def test_paging_rewards_with_filters_walks_every_match_once(
    owner: Owner, client: TestClient, webhook_secret: str
) -> None:
    make_rewards(client, webhook_secret, 9)
    all_ids, _ = walk(owner, "/api/v1/rewards", 4)
    assert len(all_ids) == len(set(all_ids)) == 18
    friend_ids, pages = walk(
        owner, "/api/v1/rewards?side=friend&status=fulfilled&campaign=default", 4
    )
    assert len(friend_ids) == 9 and pages == 3
    friends = {r["id"] for r in owner.get("/api/v1/rewards?side=friend&limit=200").json()["data"]}
    assert set(friend_ids) == friends
    assert walk(owner, "/api/v1/rewards?status=approved", 4) == ([], 1)


def test_advocates_are_found_by_search_and_campaign(owner: Owner, client: TestClient) -> None:
    join_campaign(client, "anna@example.nl", "Anna de Vries")
    join_campaign(client, "bram@example.nl", "Bram")
    owner.post("/api/v1/campaigns", json=SUMMER)
    data = owner.get("/api/v1/advocates?search=VRIES").json()["data"]
    assert [a["email"] for a in data] == ["anna@example.nl"]
    assert data[0]["link"] == f"http://refer.test/r/{data[0]['code']}"
    assert (data[0]["campaign"], data[0]["clicks"], data[0]["referrals"]) == ("default", 0, 0)
    assert [a["email"] for a in owner.get("/api/v1/advocates?search=bram@").json()["data"]] == [
        "bram@example.nl"
    ]
    assert owner.get("/api/v1/advocates?search=%25").json()["data"] == []
    assert owner.get("/api/v1/advocates?campaign=summer-2025").json()["data"] == []
    assert len(owner.get("/api/v1/advocates?campaign=default").json()["data"]) == 2


def test_referrals_are_filtered_by_time(
    owner: Owner, client: TestClient, webhook_secret: str
) -> None:
    make_rewards(client, webhook_secret, 2)
    today = datetime.now(UTC).date()
    hour_ago = (
        (datetime.now(UTC) - timedelta(hours=1))
        .isoformat(timespec="seconds")
        .replace("+00:00", "Z")
    )

    def emails(query: str) -> list[str]:
        return [r["friend_email"] for r in owner.get(f"/api/v1/referrals?{query}").json()["data"]]

    assert emails("") == ["anna-friend1@example.com", "anna-friend0@example.com"]
    assert len(emails(f"since={hour_ago}")) == 2
    assert len(emails(f"since={today}&until={today}")) == 2  # a bare until includes its day
    assert emails(f"since={today + timedelta(days=1)}") == []
    assert emails(f"until={today - timedelta(days=1)}") == []
    assert emails("since=2020-01-01T00:00:00&until=2020-01-02T00:00:00%2B02:00") == []
    referral = owner.get("/api/v1/referrals?campaign=default&limit=1").json()["data"][0]
    assert referral["order"] == {
        "source": "orders",
        "id": "anna-1",
        "total": {"amount_minor": 3000, "amount": "30.00", "currency": "EUR"},
        "status": "paid",
    }
    assert (referral["via"], referral["channel"], referral["advocate"]["email"]) == (
        "link",
        "email",
        "anna@example.nl",
    )


@pytest.mark.parametrize(
    ("query", "code", "field"),
    [
        ("limit=0", "invalid_limit", "limit"),
        ("limit=201", "invalid_limit", "limit"),
        ("limit=-5", "invalid_limit", "limit"),
        ("limit=ten", "invalid_limit", "limit"),
        ("limit=99999999999999999999999999", "invalid_limit", "limit"),
        ("cursor=not-a-cursor", "invalid_cursor", "cursor"),
        ("cursor=" + base64.urlsafe_b64encode(b"rewards:5").decode(), "invalid_cursor", "cursor"),
        (
            "cursor=" + base64.urlsafe_b64encode(b"advocates:-5").decode(),
            "invalid_cursor",
            "cursor",
        ),
        (
            "cursor=" + base64.urlsafe_b64encode(b"advocates:99999999999999999999").decode(),
            "invalid_cursor",
            "cursor",
        ),
        ("cursor=%F0%9F%98%80", "invalid_cursor", "cursor"),
        ("search=" + "x" * 201, "invalid_search", "search"),
        ("page=2", "unknown_parameter", "page"),
    ],
)
def test_bad_paging_or_filters_are_400(owner: Owner, query: str, code: str, field: str) -> None:
    assert error_of(owner.get(f"/api/v1/advocates?{query}")) == (400, code, field)


@pytest.mark.parametrize(
    ("url", "status", "code", "field"),
    [
        ("/api/v1/rewards?status=paid", 400, "invalid_status", "status"),
        ("/api/v1/rewards?side=both", 400, "invalid_side", "side"),
        ("/api/v1/rewards?campaign=nope", 404, "unknown_campaign", "campaign"),
        (
            "/api/v1/rewards?cursor=" + base64.urlsafe_b64encode(b"advocates:5").decode(),
            400,
            "invalid_cursor",
            "cursor",
        ),
        ("/api/v1/referrals?since=yesterday", 400, "invalid_since", "since"),
        ("/api/v1/referrals?until=2025-02-30", 400, "invalid_until", "until"),
        ("/api/v1/referrals?since=2025-06-02&until=2025-06-01", 400, "invalid_until", "until"),
        ("/api/v1/referrals?since=0001-01-01", 400, "invalid_since", "since"),
        ("/api/v1/referrals?until=9999-12-31", 400, "invalid_until", "until"),
        ("/api/v1/referrals?campaign=" + "a" * 300, 404, "unknown_campaign", "campaign"),
        ("/api/v1/referrals?side=referrer", 400, "unknown_parameter", "side"),
        ("/api/v1/referrals?status=approved", 400, "invalid_status", "status"),
        ("/api/v1/referrals?channel=pigeon", 400, "invalid_channel", "channel"),
        ("/api/v1/referrals?search=" + "x" * 201, 400, "invalid_search", "search"),
    ],
)
def test_bad_filters_name_the_parameter(
    owner: Owner, url: str, status: int, code: str, field: str
) -> None:
    assert error_of(owner.get(url)) == (status, code, field)


def test_reward_documents_carry_money_and_times(
    owner: Owner, client: TestClient, webhook_secret: str
) -> None:
    make_rewards(client, webhook_secret, 1)
    referrer, friend = sorted(
        owner.get("/api/v1/rewards").json()["data"], key=lambda r: r["side"], reverse=True
    )
    assert (referrer["side"], referrer["type"], referrer["value"]) == ("referrer", "credit", "5.00")
    assert referrer["amount"] == {"amount_minor": 500, "amount": "5.00", "currency": "EUR"}
    # 10 % off: the €30.00 paid was what was left of €33.33, so the checkout gave €3.33.
    assert friend["amount"] == {"amount_minor": 333, "amount": "3.33", "currency": "EUR"}
    assert (friend["status"], friend["fulfilment"], friend["fulfilled_at"]) == (
        "fulfilled",
        "checkout",
        friend["created_at"],
    )
    assert (referrer["fulfilment"], referrer["fulfilled_at"]) == ("credit", None)
    assert (friend["email"], friend["order_id"], friend["campaign"]) == (
        "anna-friend0@example.com",
        "anna-0",
        "default",
    )
    created = datetime.fromisoformat(friend["created_at"])
    assert friend["created_at"].endswith("Z") and created.tzinfo is not None
    assert datetime.fromisoformat(friend["approve_after"]) - created == timedelta(days=14)
