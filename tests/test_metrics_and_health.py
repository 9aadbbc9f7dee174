"""GET /healthz and GET /metrics (Prometheus text format)."""

from __future__ import annotations

import re

from starlette.testclient import TestClient
from support import join_campaign


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
