"""Reward decisions through the owner's API: approve, revoke with a reason, in bulk, each recorded
with who and why; decisions a reward cannot take are refused with a clear code."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner
from shareback.cli import main
from shareback.settings import Settings
from starlette.testclient import TestClient
from support import cash_for_the_referrer, db_rows
from test_owner_api import Owner, error_of, make_rewards
from test_owner_api import settings as settings  # the settings with the admin key


@pytest.fixture
def owner(client: TestClient, settings: Settings, webhook_secret: str) -> Owner:
    cash_for_the_referrer(settings)  # approved, it stays approved until its payout batch
    make_rewards(client, webhook_secret, 3)
    return Owner(client)


def reward_ids(owner: Owner, **filters: str) -> list[int]:
    """Pending ones unless told: the friend's checkout discount is fulfilled from the start."""
    query = "&".join(f"{k}={v}" for k, v in {"status": "pending", **filters}.items())
    return [r["id"] for r in owner.get(f"/api/v1/rewards?{query}").json()["data"]]


def test_approving_records_the_actor_and_the_optional_reason(
    owner: Owner, settings: Settings
) -> None:
    first, second = reward_ids(owner)[:2]
    approved = owner.post(
        f"/api/v1/rewards/{first}/approve", json={"reason": "checked the order"}
    ).json()
    assert approved["status"] == "approved" and approved["approved_at"] is not None
    assert [
        (h["from_status"], h["to_status"], h["reason"], h["actor"]) for h in approved["history"]
    ] == [("pending", "approved", "checked the order", "SHAREBACK_ADMIN_API_KEY")]
    without_body = owner.post(f"/api/v1/rewards/{second}/approve").json()
    assert without_body["status"] == "approved" and without_body["history"][0]["reason"] is None
    assert owner.get(f"/api/v1/rewards/{first}").json() == approved
    approvals = "SELECT COUNT(*) FROM reward_changes WHERE to_status = 'approved'"
    assert db_rows(settings, approvals)[0][0] == 2


def test_revoking_needs_a_reason_and_records_it(owner: Owner) -> None:
    reward_id = reward_ids(owner)[0]
    for body in (None, {}, {"reason": "   "}, {"reason": None}):
        response = owner.post(f"/api/v1/rewards/{reward_id}/revoke", json=body)
        assert error_of(response) == (422, "missing_reason", "reason")
    assert (
        error_of(owner.post(f"/api/v1/rewards/{reward_id}/revoke", json={"reason": 5}))[1]
        == "invalid_reason"
    )
    too_long = owner.post(f"/api/v1/rewards/{reward_id}/revoke", json={"reason": "x" * 501})
    assert error_of(too_long)[1] == "invalid_reason"
    assert owner.get(f"/api/v1/rewards/{reward_id}").json()["status"] == "pending"
    revoked = owner.post(
        f"/api/v1/rewards/{reward_id}/revoke", json={"reason": " fraud: same address "}
    ).json()
    assert revoked["status"] == "revoked"
    assert revoked["revoke_reason"] == "fraud: same address"
    assert revoked["history"][0]["reason"] == "fraud: same address"


def test_approving_a_revoked_reward_is_a_409_with_a_clear_code(owner: Owner) -> None:
    reward_id = reward_ids(owner)[0]
    owner.post(f"/api/v1/rewards/{reward_id}/revoke", json={"reason": "returned"})
    response = owner.post(f"/api/v1/rewards/{reward_id}/approve")
    assert error_of(response) == (409, "reward_already_revoked", None)
    assert "already revoked" in response.json()["error"]["message"]
    other = reward_ids(owner)[1]
    owner.post(f"/api/v1/rewards/{other}/approve")
    response = owner.post(f"/api/v1/rewards/{other}/revoke", json={"reason": "too late"})
    assert error_of(response) == (409, "reward_already_approved", None)


def test_repeating_a_decision_is_answered_as_done_and_recorded_once(owner: Owner) -> None:
    reward_id = reward_ids(owner)[0]
    first = owner.post(f"/api/v1/rewards/{reward_id}/approve").json()
    again = owner.post(f"/api/v1/rewards/{reward_id}/approve", json={"reason": "retry"})
    assert again.status_code == 200 and again.json() == first
    assert len(again.json()["history"]) == 1


def test_an_api_key_is_recorded_by_its_name_and_prefix(
    client: TestClient, owner: Owner, settings: Settings
) -> None:
    result = CliRunner().invoke(
        main,
        ["keys", "create", "--name", "Payout bot"],
        env={"SHAREBACK_DATABASE_URL": settings.database_url},
    )
    key = result.output.strip().splitlines()[-1]
    reward_id = reward_ids(owner)[0]
    approved = Owner(client, key).post(f"/api/v1/rewards/{reward_id}/approve").json()
    assert approved["history"][0]["actor"] == f"Payout bot ({key[:10]}…)"


def test_bulk_approval_moves_the_pending_and_explains_the_rest(owner: Owner) -> None:
    ids = reward_ids(owner)
    assert len(ids) == 3  # the referrers': the friends' discounts were given at checkout
    owner.post(f"/api/v1/rewards/{ids[0]}/revoke", json={"reason": "refund"})
    owner.post(f"/api/v1/rewards/{ids[1]}/approve")
    response = owner.post(
        "/api/v1/rewards/bulk",
        json={
            "ids": [*ids, ids[2], 999999, 0, -3, 10**30],
            "action": "approve",
            "reason": "May payout",
        },
    ).json()
    assert sorted(r["id"] for r in response["changed"]) == sorted(ids[2:])
    assert all(r["status"] == "approved" for r in response["changed"])
    assert [(s["id"], s["code"]) for s in response["skipped"]] == [
        (ids[0], "reward_already_revoked"),
        (ids[1], "reward_already_approved"),
        (999999, "unknown_reward"),
        (0, "unknown_reward"),
        (-3, "unknown_reward"),
        (10**30, "unknown_reward"),
    ]
    history = owner.get(f"/api/v1/rewards/{ids[2]}").json()["history"]
    assert [(h["reason"], h["actor"]) for h in history] == [
        ("May payout", "SHAREBACK_ADMIN_API_KEY")
    ]
    assert reward_ids(owner, status="pending") == []


def test_bulk_revocation_records_the_reason_on_each(owner: Owner) -> None:
    ids = reward_ids(owner, side="referrer")
    result = owner.post(
        "/api/v1/rewards/bulk", json={"ids": ids, "action": "revoke", "reason": "test orders"}
    ).json()
    assert {r["revoke_reason"] for r in result["changed"]} == {"test orders"}
    assert sorted(reward_ids(owner, status="revoked")) == sorted(ids)


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({"ids": [1], "action": "revoke"}, "missing_reason", "reason"),
        ({"ids": [], "action": "approve"}, "invalid_ids", "ids"),
        ({"ids": "1,2", "action": "approve"}, "invalid_ids", "ids"),
        ({"ids": [1, "2"], "action": "approve"}, "invalid_ids", "ids"),
        ({"ids": [True], "action": "approve"}, "invalid_ids", "ids"),
        ({"ids": list(range(1, 502)), "action": "approve"}, "invalid_ids", "ids"),
        ({"ids": [1], "action": "delete"}, "invalid_action", "action"),
        ({"ids": [1], "action": ["approve"]}, "invalid_action", "action"),
        ({"ids": [1]}, "invalid_action", "action"),
        ({"ids": [1], "action": "approve", "dry_run": True}, "unknown_field", "dry_run"),
        (None, "invalid_ids", "ids"),
    ],
)
def test_a_bad_bulk_request_changes_nothing(owner: Owner, body: Any, code: str, field: str) -> None:
    response = owner.post("/api/v1/rewards/bulk", json=body)
    assert error_of(response) == (422, code, field)
    assert len(reward_ids(owner, status="pending")) == 3


@pytest.mark.parametrize(
    "raw", ["999999", "0", "abc", "1e3", "99999999999999999999999", "-1", "\u0661"]
)
def test_an_unknown_reward_is_404(owner: Owner, raw: str) -> None:
    assert error_of(owner.get(f"/api/v1/rewards/{raw}"))[:2] == (404, "unknown_reward")
    assert error_of(owner.post(f"/api/v1/rewards/{raw}/approve"))[:2] == (404, "unknown_reward")
    assert error_of(owner.post(f"/api/v1/rewards/{raw}/revoke", json={"reason": "x"}))[:2] == (
        404,
        "unknown_reward",
    )


def test_a_decision_body_must_be_a_json_object_without_extras(owner: Owner) -> None:
    reward_id = reward_ids(owner)[0]
    url = f"/api/v1/rewards/{reward_id}/approve"
    assert (
        error_of(owner.post(url, content=b"[1]", headers={"content-type": "application/json"}))[1]
        == "invalid_body"
    )
    assert (
        error_of(owner.post(url, content=b"{", headers={"content-type": "application/json"}))[1]
        == "malformed_json"
    )
    assert (
        error_of(owner.post(url, content=b"x", headers={"content-type": "text/csv"}))[1]
        == "unsupported_media_type"
    )
    assert error_of(owner.post(url, json={"reason": "ok", "notify": True})) == (
        422,
        "unknown_field",
        "notify",
    )
    assert owner.get(f"/api/v1/rewards/{reward_id}").json()["status"] == "pending"


def test_decisions_through_the_api_are_announced_to_webhook_endpoints(owner: Owner) -> None:
    endpoint = {"url": "https://127.0.0.1:9/hooks", "events": ["reward.approved", "reward.revoked"]}
    assert owner.post("/api/v1/webhook-endpoints", json=endpoint).status_code == 201
    first, second = reward_ids(owner)[:2]
    owner.post(f"/api/v1/rewards/{first}/approve")
    owner.post(
        "/api/v1/rewards/bulk", json={"ids": [second], "action": "revoke", "reason": "fraud"}
    )
    deliveries = owner.get("/api/v1/webhook-deliveries").json()["data"]
    assert sorted(d["type"] for d in deliveries) == ["reward.approved", "reward.revoked"]
