"""API keys with a scope (read: GET only; full: everything) and wrong keys throttled per network:
every answer checked against /openapi.json."""

from __future__ import annotations

import asyncio

import pytest
from click.testing import CliRunner
from shareback.cli import main
from shareback.ratelimit import RateLimiter
from shareback.settings import Settings
from starlette.testclient import TestClient
from support import count, db_rows
from test_admin_auth import admin, csrf_token
from test_openapi import conforms
from test_owner_api import SUMMER, Owner, error_of, guarded_routes

__all__ = ["admin"]

WRITES = {"POST", "PATCH", "PUT", "DELETE"}


def cli_key(settings: Settings, *args: str) -> str:
    result = CliRunner().invoke(
        main, ["keys", "create", *args], env={"SHAREBACK_DATABASE_URL": settings.database_url}
    )
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def test_a_read_only_key_reads(client: TestClient, settings: Settings) -> None:
    reader = Owner(client, cli_key(settings, "--name", "BI", "--scope", "read"))
    assert reader.get("/api/v1/campaigns").status_code == 200
    assert reader.get("/api/v1/rewards").status_code == 200
    assert reader.get("/api/v1/campaigns/default/stats").status_code == 200
    assert reader.get("/api/v1/exports/rewards.csv").status_code == 200
    assert db_rows(settings, "SELECT scope FROM api_keys")[0][0] == "read"


def test_a_read_only_key_is_refused_every_write(client: TestClient, settings: Settings) -> None:
    reader = Owner(client, cli_key(settings, "--name", "BI", "--scope", "read"))
    writes = [(method, path) for method, path in guarded_routes(client) if method in WRITES]
    assert len(writes) >= 8
    for method, path in writes:
        body = SUMMER if path == "/api/v1/campaigns" else {"name": "Taken over"}
        answer = reader.call(method, path, json=body)
        assert error_of(answer) == (403, "insufficient_scope", None), (method, path)
        assert 'error="insufficient_scope"' in answer.headers["www-authenticate"]
    assert count(settings, "campaigns") == 1
    assert db_rows(settings, "SELECT name FROM campaigns")[0][0] != "Taken over"
    assert count(settings, "webhook_endpoints") == 0


def test_a_full_key_writes(client: TestClient, settings: Settings) -> None:
    writer = Owner(client, cli_key(settings, "--name", "CRM"))
    assert writer.post("/api/v1/campaigns", json=SUMMER).status_code == 201
    assert db_rows(settings, "SELECT scope FROM api_keys")[0][0] == "full"


def test_a_read_only_key_does_not_see_the_endpoints_signing_secrets(
    client: TestClient, settings: Settings
) -> None:
    writer = Owner(client, cli_key(settings, "--name", "CRM"))
    created = writer.post(
        "/api/v1/webhook-endpoints", json={"url": "https://crm.example/hooks/shareback"}
    )
    assert created.status_code == 201 and created.json()["secret"].startswith("whsec_")
    reader = Owner(client, cli_key(settings, "--name", "BI", "--scope", "read"))
    [seen] = reader.get("/api/v1/webhook-endpoints").json()["data"]
    assert "secret" not in seen and seen["url"] == "https://crm.example/hooks/shareback"
    [full] = writer.get("/api/v1/webhook-endpoints").json()["data"]
    assert full["secret"] == created.json()["secret"]


def test_the_dashboard_creates_read_only_keys(admin: TestClient, settings: Settings) -> None:
    token = csrf_token(admin.get("/admin/settings").text)
    answer = admin.post(
        "/admin/settings/api-keys", data={"csrf": token, "name": "BI", "scope": "read"}
    )
    assert answer.status_code == 201 and "New read-only key" in answer.text
    assert "read only" in admin.get("/admin/settings").text
    bad = admin.post("/admin/settings/api-keys", data={"csrf": token, "name": "X", "scope": "root"})
    assert bad.status_code == 400
    assert [tuple(r) for r in db_rows(settings, "SELECT name, scope FROM api_keys")] == [
        ("BI", "read")
    ]


def test_keys_list_shows_the_scope(settings: Settings) -> None:
    cli_key(settings, "--name", "BI", "--scope", "read")
    listing = CliRunner().invoke(
        main, ["keys", "list"], env={"SHAREBACK_DATABASE_URL": settings.database_url}
    )
    assert "\tBI\tread\tactive" in listing.output


def test_wrong_keys_from_one_network_are_throttled(client: TestClient, settings: Settings) -> None:
    good = Owner(client, cli_key(settings, "--name", "CRM"))
    for n in range(20):
        wrong = Owner(client, f"sbk_guess{n:04d}")
        assert error_of(wrong.get("/api/v1/campaigns"))[0] == 401
    throttled = Owner(client, "sbk_guess9999").get("/api/v1/campaigns")
    assert error_of(throttled) == (429, "rate_limited", None)
    assert 500 <= int(throttled.headers["retry-after"]) <= 600
    # While it lasts, a right key from that network waits too: guessing learns nothing.
    assert good.get("/api/v1/campaigns").status_code == 429
    # A request without a key is not a guess: it still learns it needs one.
    assert conforms(client.get("/api/v1/campaigns")).status_code == 401


def test_a_failure_window_passes() -> None:
    limiter = RateLimiter(limit=3, window_seconds=600)
    for moment in (0.0, 10.0, 20.0):
        assert not limiter.exceeded("ip:203.0.113.7", now=moment)
        asyncio.run(limiter.hit("ip:203.0.113.7", now=moment))
    assert limiter.exceeded("ip:203.0.113.7", now=30.0)
    assert limiter.retry_after("ip:203.0.113.7", now=30.0) == 570
    assert not limiter.exceeded("ip:198.51.100.1", now=30.0)
    assert not limiter.exceeded("ip:203.0.113.7", now=600.5)


@pytest.mark.parametrize("method", ["get", "post", "patch"])
def test_every_secured_operation_documents_429_and_writes_403(method: str) -> None:
    from test_openapi import spec

    for path, item in spec()["paths"].items():
        op = item.get(method)
        if not op or not op.get("security"):
            continue
        assert "429" in op["responses"], (method, path)
        if method != "get":
            assert "403" in op["responses"], (method, path)
