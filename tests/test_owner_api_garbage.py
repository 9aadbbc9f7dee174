"""No 500s: wrong types, huge numbers, bad dates and malformed bodies get a clear, documented 4xx
from every owner endpoint."""

from __future__ import annotations

import json
from typing import Any

import pytest
from starlette.testclient import TestClient
from test_owner_api import SUMMER, Owner
from test_owner_api import settings as settings  # the settings with the admin key

GARBAGE_VALUES: list[Any] = [
    None,
    True,
    0,
    -1,
    10**40,
    1e308,
    "",
    " ",
    "\x00",
    "x" * 10_000,
    "ü🙂",
    [],
    [None],
    {},
    {"type": "credit"},
    [[[[[]]]]],
]
GARBAGE_QUERY = [
    "limit=1e9",
    "limit=99999999999999999999999999999",
    "limit=%00",
    "cursor=%00%FF",
    "cursor=" + "A" * 5000,
    "campaign=%00",
    "campaign=../../etc/passwd",
    "since=2025-02-30",
    "since=-1",
    "until=9999-12-31T23:59:59-01:00",
    "since=0001-01-01T00:00:00%2B01:00",
    "from=2025-1-1",
    "to=%2B02025-01-01",
    "status=PENDING",
    "search=%25_%5C",
    "include_archived=2",
]
LISTS = [
    "/api/v1/campaigns",
    "/api/v1/advocates",
    "/api/v1/referrals",
    "/api/v1/rewards",
    "/api/v1/campaigns/default/stats",
    "/api/v1/exports/advocates.csv",
    "/api/v1/exports/referrals.csv",
    "/api/v1/exports/rewards.csv",
]


@pytest.fixture
def owner(client: TestClient) -> Owner:
    return Owner(client)


def assert_clear_error(response: Any) -> None:
    """conforms() already checked that the status is documented and not a 500."""
    if response.status_code >= 400:
        error = response.json()["error"]
        assert error["code"] and error["message"]


@pytest.mark.parametrize("query", GARBAGE_QUERY)
def test_garbage_query_parameters_never_cause_a_500(owner: Owner, query: str) -> None:
    for url in LISTS:
        assert_clear_error(owner.get(f"{url}?{query}"))


@pytest.mark.parametrize(
    "field",
    [
        *SUMMER,
        "currency",
        "attribution_days",
        "hold_days",
        "starts_at",
        "ends_at",
        "allowed_origins",
        "new_customers_only",
        "shop_name",
    ],
)
def test_garbage_in_any_campaign_field_is_a_422(owner: Owner, field: str) -> None:
    for n, value in enumerate(GARBAGE_VALUES):
        created = owner.post(
            "/api/v1/campaigns", json={**SUMMER, "slug": f"garbage-{n}", field: value}
        )
        if created.status_code == 201:  # a value that is fine, such as a unicode name
            continue
        assert created.status_code == 422, (field, value, created.text)
        assert created.json()["error"]["field"] == field, (field, value)
        changed = owner.patch("/api/v1/campaigns/default", json={field: value})
        assert changed.status_code in (200, 422), (field, value, changed.text)
        assert_clear_error(changed)


MALFORMED_BODIES = {
    "empty": b"",
    "null": b"null",
    "array": b"[]",
    "infinity": b"1e99999",
    "nan": b"NaN",
    "huge float id": b'{"ids": [1e400]}',
    "nan id": b'{"ids": [NaN], "action": "approve"}',
    "operator object": b'{"reason": {"$ne": null}}',
    "not utf-8": b"\xff\xfe{}",
    "nested 5000 deep": b'{"a":' * 5000 + b"1" + b"}" * 5000,
    "larger than the limit": b'{"ids": [' + b"1," * 200_000 + b"1]}",
}


@pytest.mark.parametrize("content", MALFORMED_BODIES.values(), ids=MALFORMED_BODIES.keys())
def test_malformed_bodies_never_cause_a_500(owner: Owner, content: bytes) -> None:
    headers = {"content-type": "application/json"}
    for method, url in (
        ("POST", "/api/v1/campaigns"),
        ("PATCH", "/api/v1/campaigns/default"),
        ("POST", "/api/v1/rewards/1/approve"),
        ("POST", "/api/v1/rewards/1/revoke"),
        ("POST", "/api/v1/rewards/bulk"),
    ):
        assert_clear_error(owner.call(method, url, content=content, headers=headers))


def test_garbage_reward_decisions_never_cause_a_500(owner: Owner) -> None:
    for value in GARBAGE_VALUES:
        for body in (
            {"ids": value, "action": "approve"},
            {"ids": [1], "action": value},
            {"ids": [1], "action": "revoke", "reason": value},
        ):
            response = owner.post(
                "/api/v1/rewards/bulk",
                content=json.dumps(body),
                headers={"content-type": "application/json"},
            )
            assert response.status_code in (200, 422), (body, response.text)
        response = owner.post("/api/v1/rewards/1/revoke", json={"reason": value})
        assert response.status_code in (404, 422)
