"""GET /livez, GET /healthz and GET /metrics (Prometheus text format)."""

from __future__ import annotations

import logging
import re
import socket
import time

import httpx
import pytest
from shareback.app import create_app
from shareback.settings import Settings
from starlette.testclient import TestClient
from support import LiveServer, join_campaign
from test_openapi import conforms


def test_healthz_reports_the_database(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok" and response.json()["database"] == "ok"


def test_metrics_count_requests_per_endpoint_without_codes_in_labels(client: TestClient) -> None:
    code = str(join_campaign(client, "anna@example.nl", "Anna")["code"])
    client.get(f"/r/{code}?ch=qr", follow_redirects=False)
    client.get("/r/NOPE-2345")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    text = response.text
    assert (
        'shareback_http_requests_total{endpoint="follow_referral_link",method="GET",status="303"} 1'
        in text
    )
    assert (
        'shareback_http_requests_total{endpoint="follow_referral_link",method="GET",status="404"} 1'
        in text
    )
    assert (
        'shareback_http_requests_total{endpoint="create_advocate",method="POST",status="200"} 1'
        in text
    )
    assert code not in text and "NOPE" not in text
    assert re.search(
        r'shareback_http_request_duration_seconds_count\{endpoint="follow_referral_link"\} 2', text
    )
    assert "# TYPE shareback_queue_size gauge" in text
    # Every sample line is "name{labels} value".
    for line in text.splitlines():
        if line and not line.startswith("#"):
            assert re.fullmatch(r"[a-z_]+(\{[^}]*\})? [0-9.e+-]+", line), line


def test_a_database_outage_makes_healthz_503_and_leaves_livez_200(client: TestClient) -> None:
    assert client.get("/livez").json()["status"] == "ok"
    assert client.portal is not None
    client.portal.call(client.app_state["ctx"].store.close)  # the database is gone

    health = client.get("/healthz")
    assert health.status_code == 503 and health.json()["status"] == "error"
    live = conforms(client.get("/livez"))
    assert live.status_code == 200 and live.json()["status"] == "ok"
    conforms(health)


def test_made_up_methods_share_one_metrics_series(client: TestClient) -> None:
    for n in range(5):
        client.request(f"BREW{n}", "/healthz")
    text = client.get("/metrics").text
    assert "BREW" not in text
    assert 'endpoint="check_health",method="OTHER",status="405"} 5' in text


def test_an_aborted_upload_is_neither_an_error_log_nor_a_500(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """The client announces 100 kB, sends 10 bytes and hangs up: nobody is there to answer."""
    with LiveServer(create_app(settings)) as server:
        with socket.create_connection(("127.0.0.1", server.port)) as sock:
            sock.sendall(
                b"POST /webhooks/orders HTTP/1.1\r\nHost: refer.test\r\n"
                b"Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
                b'{"type": "'
            )
            time.sleep(0.2)
        deadline = time.monotonic() + 5
        while True:
            text = httpx.get(f"{server.url}/metrics").text
            if 'endpoint="receive_order_webhook"' in text or time.monotonic() > deadline:
                break
            time.sleep(0.05)
    assert 'endpoint="receive_order_webhook",method="POST",status="499"} 1' in text
    assert 'status="500"' not in text
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]
