"""Unexpected errors: a branded HTML page for browsers, the JSON error shape for the API."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from shareback.app import create_app
from shareback.settings import Settings
from starlette.testclient import TestClient
from support import BROWSER_UA, SHOP, follow_link, join_campaign

BROWSER = {
    "user-agent": BROWSER_UA,
    "accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
}
SECRET_DETAIL = "disk I/O error in clicks_by_advocate"


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    """Errors come back as responses, as a real server sends them, instead of re-raised."""
    app = create_app(settings)
    with TestClient(app, raise_server_exceptions=False, headers={"user-agent": BROWSER_UA}) as c:
        yield c


def break_store(client: TestClient, monkeypatch: pytest.MonkeyPatch, method: str) -> None:
    """One store verb fails the way a lost database does, for every request from now on."""

    async def fail(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(SECRET_DETAIL)

    monkeypatch.setattr(client.app_state["ctx"].store, method, fail)


def assert_branded_error_page(response: Any) -> str:
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-store"
    page: str = response.text
    assert "Er ging iets mis" in page and "Something went wrong" in page
    assert "Probeer het over een paar minuten opnieuw." in page
    for leak in (SECRET_DETAIL, "RuntimeError", "Traceback", '"error"'):
        assert leak not in page
    with pytest.raises(json.JSONDecodeError):
        json.loads(page)
    # No script and no asset to fetch; the one <style> is allowed by the page's own CSP hash.
    assert "<script" not in page and " style=" not in page
    assert re.search(r"\b(src|href)=\"(?!data:)", page) is None
    (style,) = re.findall(r"<style>(.*?)</style>", page, re.S)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    csp = response.headers["content-security-policy"]
    assert f"style-src 'sha256-{digest}'" in csp
    assert "default-src 'none'" in csp and "script-src" not in csp
    return page


def test_referral_link_during_a_database_failure_still_sends_the_friend_on(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A click that cannot be stored is not acknowledged (no click token), but the friend still
    lands on the shop, with the bare code as ref (issue 9; tests/test_group_commit.py)."""
    doc = join_campaign(client, "anna@example.nl", "Anna")
    break_store(client, monkeypatch, "record_click")
    with caplog.at_level(logging.ERROR, logger="shareback"):
        response = client.get(f"/r/{doc['code']}", headers=BROWSER, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"&ref={doc['code']}")
    assert SECRET_DETAIL not in response.text
    # The traceback goes to the log, never to the shopper.
    assert any(r.exc_info and SECRET_DETAIL in str(r.exc_info[1]) for r in caplog.records), (
        caplog.text
    )


def test_referral_link_answers_a_page_whatever_the_client_accepts(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    break_store(client, monkeypatch, "advocate_by_code")
    response = client.get("/r/ANNA-7KQ2", headers={"accept": "*/*"}, follow_redirects=False)
    assert_branded_error_page(response)


def test_english_speakers_read_english_first(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    break_store(client, monkeypatch, "advocate_by_code")
    headers = {**BROWSER, "accept-language": "en-GB,en;q=0.9,nl;q=0.5"}
    page = assert_branded_error_page(client.get("/r/ANNA-7KQ2", headers=headers))
    assert page.startswith('<!doctype html><html lang="en">')
    assert page.index("Something went wrong") < page.index("Er ging iets mis")


def test_qr_code_and_dashboard_opened_in_a_browser_show_the_page(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    break_store(client, monkeypatch, "advocate_by_code")
    assert_branded_error_page(client.get("/qr/ANNA-7KQ2.svg", headers=BROWSER))
    break_store(client, monkeypatch, "session")
    client.cookies.set("shareback_admin", "a-session-token")
    assert_branded_error_page(client.get("/admin", headers=BROWSER))


def test_api_routes_keep_the_json_error_shape(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = join_campaign(client, "anna@example.nl", "Anna")
    ref = follow_link(client, str(doc["code"]))
    break_store(client, monkeypatch, "advocate_by_code")
    # Even a browser asking for HTML gets JSON from the API, with CORS so the widget can read it.
    response = client.get(
        f"/api/v1/campaigns/default/widget?ref={ref}", headers={**BROWSER, "origin": SHOP}
    )
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    assert response.headers["access-control-allow-origin"] == SHOP
    assert response.json() == {
        "error": {
            "code": "internal_error",
            "message": "Something went wrong on our side; it has been logged.",
        }
    }
    assert SECRET_DETAIL not in response.text


def test_images_and_scripts_asking_for_anything_get_json(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    break_store(client, monkeypatch, "advocate_by_code")
    response = client.get("/qr/ANNA-7KQ2.png", headers={"accept": "image/avif,image/*,*/*"})
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"


def test_not_found_pages_are_never_cached(client: TestClient) -> None:
    response = client.get("/r/NOPE-2345", headers=BROWSER)
    assert response.status_code == 404
    assert response.headers["cache-control"] == "no-store"
    assert "<h1>Not Found</h1>" in response.text
    assert "This referral link does not exist." in response.text
