"""Settings → Outgoing webhooks: endpoints added (with their secret) and disabled, the delivery log,
its dead letters, one delivery's attempts and "Redeliver". Time is moved, never slept."""

from __future__ import annotations

import asyncio
import dataclasses
import re
from datetime import UTC, datetime, timedelta

import httpx
import httpx2
import pytest
from shareback.admin import formatting, webhooks_page
from shareback.outgoing.retry import EVENT_TYPES
from shareback.outgoing.worker import DeliveryWorker, Report
from shareback.settings import Settings
from shareback.storage import open_store
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient
from support import LiveServer, count, db_rows, free_port, join_campaign
from test_admin_auth import admin, form_token

__all__ = ["admin"]
PAGE = "/admin/settings/webhooks"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    # The app's own delivery worker runs once at start, then sleeps: the tests drive delivery.
    # The receivers are plain http:// on loopback.
    return dataclasses.replace(settings, delivery_interval_seconds=3600, allow_http_endpoints=True)


def add_endpoint(client: TestClient, **data: str | list[str]) -> httpx2.Response:
    body: dict[str, str | list[str]] = {"url": "https://crm.example.com/hooks", "events": ["*"]}
    body.update(data)
    return client.post(
        PAGE, data={**body, "csrf": form_token(client, PAGE)}, follow_redirects=False
    )


def deliver(settings: Settings, moment: datetime) -> Report:
    async def go() -> Report:
        store = await open_store(settings.database_url)
        try:
            async with httpx.AsyncClient(timeout=5) as http:
                return await DeliveryWorker(store, settings.public_url, http).deliver_due(moment)
        finally:
            await store.close()

    return asyncio.run(go())


def dead_delivery(client: TestClient, settings: Settings, port: int) -> int:
    """An endpoint on a closed loopback port, an event, and a worker four days later: dead."""
    assert add_endpoint(client, url=f"http://127.0.0.1:{port}/hooks").status_code == 303
    join_campaign(client, "anna@example.nl", "Anna de Vries")
    report = deliver(settings, datetime.now(UTC) + timedelta(days=4))
    assert (report.dead, report.delivered) == (1, 0)
    return int(db_rows(settings, "SELECT id FROM deliveries")[0][0])


def test_every_event_has_a_hint() -> None:
    assert set(webhooks_page.EVENT_HINTS) == set(EVENT_TYPES)


def test_settings_link_to_the_webhooks_page(admin: TestClient) -> None:
    page = admin.get("/admin/settings").text
    assert f'href="{PAGE}"' in page
    webhooks = admin.get(PAGE)
    assert webhooks.status_code == 200
    assert (
        f'<a href="{PAGE}" aria-current="page">Links to other tools (webhooks)</a>' in webhooks.text
    )
    assert "No addresses yet" in webhooks.text and "Nothing sent yet" in webhooks.text


def test_adding_an_endpoint_stores_it_and_shows_its_secret_to_copy(
    admin: TestClient, settings: Settings
) -> None:
    response = add_endpoint(
        admin,
        url="https://crm.example.com/hooks/shareback",
        description="Mailchimp via Zapier",
        events=["reward.approved", "advocate.created"],
    )
    assert response.status_code == 303
    row = db_rows(settings, "SELECT * FROM webhook_endpoints")[0]
    assert response.headers["location"] == f"{PAGE}?notice=endpoint-created#endpoint-{row['id']}"
    assert (row["url"], row["description"]) == (
        "https://crm.example.com/hooks/shareback",
        "Mailchimp via Zapier",
    )
    assert row["events"].split() == ["reward.approved", "advocate.created"]
    assert row["secret"].startswith("whsec_") and len(row["secret"]) > 40
    page = admin.get(response.headers["location"]).text
    assert "The endpoint is added" in page
    secret = re.search(rf'<input id="endpoint-secret-{row["id"]}"[^>]*>', page)
    assert secret and f'value="{row["secret"]}"' in secret[0] and 'type="password"' in secret[0]
    assert f'data-copy="endpoint-secret-{row["id"]}"' in page
    assert "Mailchimp via Zapier" in page and "reward.approved" in page


def test_all_events_wins_over_single_ones(admin: TestClient, settings: Settings) -> None:
    add_endpoint(admin, events=["*", "reward.approved"])
    assert db_rows(settings, "SELECT events FROM webhook_endpoints")[0][0] == "*"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"url": ""}, "url", "Enter the address Shareback should send events to."),
        ({"url": "crm.example.com/hooks"}, "url", "Enter a full address"),
        ({"url": "ftp://crm.example.com/hooks"}, "url", "Enter a full address"),
        ({"url": "https://crm.example.com:70000/"}, "url", "Enter a full address"),
        ({"url": "https://user:pw@crm.example.com/"}, "url", "Leave out the user name"),
        ({"events": []}, "events", "Choose at least one event"),
        ({"events": ["order.shipped"]}, "events", "Choose events from the list."),
        ({"events": ["*", "order.shipped"]}, "events", "Choose events from the list."),
        ({"description": "x" * 201}, "description", "at most 200 characters"),
    ],
)
def test_a_bad_endpoint_is_explained_beside_its_field(
    admin: TestClient,
    settings: Settings,
    data: dict[str, str | list[str]],
    field: str,
    message: str,
) -> None:
    response = add_endpoint(admin, **data)
    assert response.status_code == 400
    html = response.text
    error = re.search(rf'<p class="field-error" id="endpoint-{field}-error">(.*?)</p>', html, re.S)
    assert error and message in error[1]
    assert f'href="#endpoint-{field}"' in html
    assert 'class="alert alert-error error-summary" role="alert"' in html
    assert count(settings, "webhook_endpoints") == 0
    if field != "url":
        assert 'value="https://crm.example.com/hooks"' in html  # what was typed stays


def test_disabling_an_endpoint_stops_its_deliveries(admin: TestClient, settings: Settings) -> None:
    add_endpoint(admin)
    endpoint_id = db_rows(settings, "SELECT id FROM webhook_endpoints")[0][0]
    token = form_token(admin, PAGE)
    response = admin.post(
        f"{PAGE}/{endpoint_id}/disable", data={"csrf": token}, follow_redirects=False
    )
    assert response.headers["location"] == f"{PAGE}?notice=endpoint-disabled#endpoints"
    assert db_rows(settings, "SELECT disabled_at FROM webhook_endpoints")[0][0] is not None
    page = admin.get(PAGE).text
    assert "Disabled" in page and f'id="endpoint-secret-{endpoint_id}"' not in page
    join_campaign(admin, "anna@example.nl", "Anna")
    assert count(settings, "deliveries") == 0
    again = admin.post(f"{PAGE}/{endpoint_id}/disable", data={"csrf": token})
    assert again.status_code == 404 and "already disabled" in again.text


def test_a_dead_delivery_is_listed_explained_and_redelivered(
    admin: TestClient, settings: Settings
) -> None:
    port = free_port()
    delivery_id = dead_delivery(admin, settings, port)

    # The log and the dead letters, each row with its status, attempts and last error.
    log = admin.get(PAGE).text
    assert re.search(r'Given up <span class="tab-count tab-count-alert">1</span>', log)
    dead = admin.get(f"{PAGE}?status=dead").text
    row = re.search(r"<tbody>.*?</tbody>", dead, re.S)
    assert (
        row
        and "advocate.created" in row[0]
        and "ConnectError" in row[0]
        and "could not be reached" in row[0]
    )
    assert '<span class="badge badge-dead">Gave up</span>' in row[0]
    assert f'action="{PAGE}/deliveries/{delivery_id}/redeliver"' in row[0]
    assert 'name="back" value="dead"' in row[0]

    # One delivery's attempts.
    detail = admin.get(f"{PAGE}/deliveries/{delivery_id}")
    assert detail.status_code == 200
    attempts = re.search(r'<table class="attempts">.*?</table>', detail.text, re.S)
    assert attempts and attempts[0].count("<tr>") == 2 and "no answer" in attempts[0]
    assert "ConnectError" in attempts[0] and "gave up on this delivery" in detail.text

    # Redeliver: back in the queue with a fresh window, and said so.
    token = form_token(admin, PAGE)
    response = admin.post(
        f"{PAGE}/deliveries/{delivery_id}/redeliver",
        data={"csrf": token, "back": "dead"},
        follow_redirects=False,
    )
    assert response.headers["location"] == f"{PAGE}?status=dead&notice=delivery-queued#deliveries"
    assert "Nothing given up" in admin.get(response.headers["location"]).text
    status = db_rows(settings, "SELECT status, attempts FROM deliveries")[0]
    assert tuple(status) == ("pending", 0)
    twice = admin.post(f"{PAGE}/deliveries/{delivery_id}/redeliver", data={"csrf": token})
    assert twice.status_code == 409 and "Already waiting to be sent" in twice.text

    # The receiver is back: the next round delivers it, and the log shows the answer.
    app = Starlette(routes=[Route("/hooks", lambda r: Response(status_code=204), methods=["POST"])])
    with LiveServer(app, port=port):
        assert deliver(settings, datetime.now(UTC) + timedelta(seconds=1)).delivered == 1
    delivered = admin.get(f"{PAGE}?status=delivered").text
    assert "advocate.created" in delivered and "HTTP 204" in delivered
    detail_html = admin.get(f"{PAGE}/deliveries/{delivery_id}").text
    assert detail_html.count('<th scope="row" class="num">') == 2  # the failed try and the good one
    assert '<span class="badge badge-live">HTTP 204</span>' in detail_html
    assert "Send again" in detail_html  # a delivered one can be sent again too


def test_redeliver_from_the_detail_page_returns_there(
    admin: TestClient, settings: Settings
) -> None:
    delivery_id = dead_delivery(admin, settings, free_port())
    token = form_token(admin, PAGE)
    response = admin.post(
        f"{PAGE}/deliveries/{delivery_id}/redeliver",
        data={"csrf": token, "back": "delivery"},
        follow_redirects=False,
    )
    location = response.headers["location"]
    assert location == f"{PAGE}/deliveries/{delivery_id}?notice=delivery-queued"
    page = admin.get(location).text
    assert (
        "The delivery is back in the queue" in page
        and '<span class="badge badge-scheduled">' in page
    )


@pytest.mark.parametrize("raw", ["999", "abc", "%C2%B2", "9" * 40])
def test_an_unknown_delivery_is_a_404_page(admin: TestClient, raw: str) -> None:
    response = admin.get(f"{PAGE}/deliveries/{raw}")
    assert response.status_code == 404
    assert "content-security-policy" in response.headers
    token = form_token(admin, PAGE)
    assert admin.post(f"{PAGE}/deliveries/{raw}/redeliver", data={"csrf": token}).status_code == 404


def test_the_delivery_log_pages_newest_first(
    admin: TestClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(webhooks_page, "PAGE_SIZE", 2)
    add_endpoint(admin)
    for n in range(3):
        join_campaign(admin, f"adv{n}@example.nl", f"Adv {n}")
    ids = [r[0] for r in db_rows(settings, "SELECT id FROM deliveries ORDER BY id DESC")]
    first = admin.get(PAGE).text
    assert [int(i) for i in re.findall(r"/deliveries/(\d+)\"", first)] == ids[:2]
    older = re.search(r'<a href="([^"]+)" rel="next">Older deliveries</a>', first)
    assert older
    second = admin.get(older[1].replace("&amp;", "&")).text
    assert [int(i) for i in re.findall(r"/deliveries/(\d+)\"", second)] == ids[2:]
    assert "Older deliveries" not in second and ">Newest</a>" in second


def test_the_delivery_page_has_the_dashboards_headers(
    admin: TestClient, settings: Settings
) -> None:
    delivery_id = dead_delivery(admin, settings, free_port())
    for path in (PAGE, f"{PAGE}?status=dead", f"{PAGE}/deliveries/{delivery_id}"):
        response = admin.get(path)
        assert response.status_code == 200
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert response.headers["cache-control"] == "no-store"
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>|\sstyle=|\son[a-z]+=", response.text)


def test_addresses_wrap_after_slashes_and_stay_escaped() -> None:
    assert str(formatting.url("https://crm.example:8443/hooks/in?a=<b>")) == (
        "https://crm.example:8443/<wbr>hooks/<wbr>in?a=&lt;b&gt;"
    )
    assert str(formatting.url("https://<crm>.example")) == "https://&lt;crm&gt;.example"
