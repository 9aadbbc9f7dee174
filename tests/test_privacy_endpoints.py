"""Events and validation calls carry shoppers' addresses and names: they go to https:// only,
unless plain http:// is explicitly allowed (SHAREBACK_ALLOW_HTTP_ENDPOINTS=1, local testing)."""

from __future__ import annotations

import dataclasses

from shareback.app import create_app
from shareback.settings import Settings
from starlette.testclient import TestClient

ADMIN_KEY = "test-admin-key-0123456789"
AUTH = {"authorization": f"Bearer {ADMIN_KEY}"}


def answers(settings: Settings, url: str) -> tuple[int, int]:
    owner = dataclasses.replace(settings, admin_api_key=ADMIN_KEY)
    with TestClient(create_app(owner)) as client:
        endpoint = client.post("/api/v1/webhook-endpoints", json={"url": url}, headers=AUTH)
        callback = client.patch(
            "/api/v1/campaigns/default", json={"validation_url": url}, headers=AUTH
        )
        for response in (endpoint, callback):
            if response.status_code == 422:
                assert "https://" in response.json()["error"]["message"]
        return endpoint.status_code, callback.status_code


def test_plain_http_endpoints_are_refused(settings: Settings) -> None:
    assert answers(settings, "http://crm.example.com/hooks") == (422, 422)
    assert answers(settings, "https://crm.example.com/hooks") == (201, 200)


def test_plain_http_endpoints_are_taken_when_explicitly_allowed(settings: Settings) -> None:
    allowed = dataclasses.replace(settings, allow_http_endpoints=True)
    assert answers(allowed, "http://127.0.0.1:9/hooks") == (201, 200)


def test_the_setting_reads_from_the_environment() -> None:
    assert Settings.from_env({}).allow_http_endpoints is False
    assert Settings.from_env({"SHAREBACK_ALLOW_HTTP_ENDPOINTS": "1"}).allow_http_endpoints is True
    assert Settings.from_env({"SHAREBACK_ACCESS_LOG": "FULL"}).access_log == "full"
