"""Click hygiene on /r/ and /qr/: one visitor counts once a day, a script past the per-IP limit
still lands on the shop uncounted, and unknown codes are throttled so codes cannot be enumerated."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from shareback.app import create_app
from shareback.context import CLICKS_PER_HOUR, CODE_MISSES
from shareback.settings import Settings
from starlette.testclient import TestClient
from starlette.types import ASGIApp, Receive, Scope, Send
from support import (
    BROWSER_UA,
    count,
    db_rows,
    follow_link,
    join_campaign,
    order_paid,
    signed_headers,
)


def visitor(settings: Settings, ip: str) -> TestClient:
    return TestClient(create_app(settings), headers={"user-agent": BROWSER_UA}, client=(ip, 40000))


@pytest.fixture
def shop(settings: Settings) -> Iterator[TestClient]:
    with visitor(settings, "203.0.113.50") as client:
        yield client


def counted_clicks(settings: Settings) -> int:
    rollup = db_rows(settings, "SELECT COALESCE(SUM(n), 0) FROM click_days")[0][0]
    assert rollup == count(settings, "clicks")
    return int(rollup)


def test_one_visitors_repeated_clicks_count_once_a_day(
    shop: TestClient, settings: Settings
) -> None:
    code = str(join_campaign(shop, "anna@example.nl", "Anna")["code"])
    refs = [follow_link(shop, code, user_agent=BROWSER_UA) for _ in range(5)]
    [token] = [row[0] for row in db_rows(settings, "SELECT token FROM clicks")]
    assert counted_clicks(settings) == 1
    # Every ref (CODE.click.time.signature) names the day's first click.
    assert {ref.split(".")[1] for ref in refs} == {token}
    follow_link(shop, code, user_agent=BROWSER_UA + " Edg/130")  # another browser: another visitor
    assert counted_clicks(settings) == 2


def test_the_repeat_visitors_order_still_finds_its_click(
    shop: TestClient, settings: Settings, webhook_secret: str
) -> None:
    code = str(join_campaign(shop, "anna@example.nl", "Anna")["code"])
    follow_link(shop, code, "whatsapp", user_agent=BROWSER_UA)
    ref = follow_link(shop, code, "whatsapp", user_agent=BROWSER_UA)
    body = order_paid("1001", "friend@example.com", ref=ref)
    shop.post("/webhooks/orders", content=body, headers=signed_headers(webhook_secret, body, "m1"))
    linked = db_rows(
        settings, "SELECT k.channel FROM referrals r JOIN clicks k ON k.id = r.click_id"
    )
    assert [row[0] for row in linked] == ["whatsapp"]


def test_a_script_past_the_per_ip_limit_still_lands_but_is_not_counted(
    shop: TestClient, settings: Settings
) -> None:
    code = str(join_campaign(shop, "anna@example.nl", "Anna")["code"])
    for _ in range(CLICKS_PER_HOUR + 15):
        follow_link(shop, code)  # a new user agent each time: every one lands with a ref (303)
    assert counted_clicks(settings) == CLICKS_PER_HOUR
    assert count(settings, "uncounted_clicks") == 15
    with visitor(settings, "198.51.100.7") as neighbour:  # another address counts as usual
        follow_link(neighbour, code)
    assert counted_clicks(settings) == CLICKS_PER_HOUR + 1


def test_unknown_codes_are_throttled_so_codes_cannot_be_enumerated(
    shop: TestClient, settings: Settings
) -> None:
    code = str(join_campaign(shop, "anna@example.nl", "Anna")["code"])
    for n in range(CODE_MISSES // 2):
        assert shop.get(f"/r/GUESS-{n:04d}", follow_redirects=False).status_code == 404
        assert shop.get(f"/qr/GUESS-{n:04d}.svg").status_code == 404
    documented = shop.get("/openapi.json").json()["paths"]
    for path, spec_path in (
        ("/r/GUESS-9999", "/r/{code}"),
        (f"/r/{code}", "/r/{code}"),
        (f"/qr/{code}.svg", "/qr/{code}.svg"),
        ("/qr/GUESS-9999.png", "/qr/{code}.png"),
    ):
        # Known and unknown codes now answer alike: the scan learns nothing more.
        throttled = shop.get(path, follow_redirects=False)
        assert throttled.status_code == 429, path
        assert 1 <= int(throttled.headers["retry-after"]) <= 600
        answer = documented[spec_path]["get"]["responses"]["429"]  # and it is documented
        media = throttled.headers["content-type"].split(";")[0]
        assert "$ref" in answer or media in answer["content"], (path, media)
    assert count(settings, "clicks") == 0
    with visitor(settings, "198.51.100.8") as someone_else:
        assert someone_else.get(f"/r/{code}", follow_redirects=False).status_code == 303
        assert someone_else.get(f"/qr/{code}.svg").status_code == 200


def from_header(app: ASGIApp) -> ASGIApp:
    """The app with each request's client address taken from X-Test-Client: one TestClient can
    then play a client that takes a fresh IPv6 address for every request."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for name, value in scope["headers"]:
                if name == b"x-test-client":
                    scope = {**scope, "client": (value.decode(), 40000)}
        await app(scope, receive, send)

    return wrapped


def test_a_client_rotating_through_its_ipv6_64_is_one_client(settings: Settings) -> None:
    """The review's IPv6 bypass: every per-client limit counted single addresses, so a /64 (one
    home's line) gave 2^64 fresh ones. Unknown codes, clicks and sign-ups now count the /64."""
    addresses = (f"2001:db8:1:2::{n:x}" for n in itertools.count(1))
    with TestClient(from_header(create_app(settings))) as client:

        def get(path: str) -> int:
            headers = {"x-test-client": next(addresses), "user-agent": f"{BROWSER_UA} {path}"}
            return client.get(path, headers=headers, follow_redirects=False).status_code

        code = str(join_campaign(client, "anna@example.nl", "Anna")["code"])
        answers = [get(f"/r/{code}?n={n}") for n in range(CLICKS_PER_HOUR + 10)]
        assert answers == [303] * (CLICKS_PER_HOUR + 10)  # everyone lands on the shop...
        assert count(settings, "clicks") == CLICKS_PER_HOUR  # ...but the /64 counts as one
        assert count(settings, "uncounted_clicks") == 10
        misses = [get(f"/r/GUESS-{n:04d}") for n in range(CODE_MISSES + 3)]
        assert misses == [404] * CODE_MISSES + [429] * 3
        other = {"x-test-client": "2001:db8:1:3::1", "user-agent": BROWSER_UA}
        assert client.get(f"/r/{code}", headers=other, follow_redirects=False).status_code == 303
    assert count(settings, "clicks") == CLICKS_PER_HOUR + 1  # another /64 is another client


def test_a_bare_code_as_ref_is_kept_by_the_widget_and_credits_the_advocate(
    shop: TestClient, settings: Settings, webhook_secret: str
) -> None:
    """What a link hands on when its click could not be stored (the friend still lands, with the
    advocate's bare code): the widget API calls it valid, so the widget keeps it, and the order
    that carries it credits the advocate as a typed code does. Unknown bare codes count towards
    the same 429 as /r/ and /qr/."""
    code = str(join_campaign(shop, "anna@example.nl", "Anna")["code"])
    landing = shop.get("/api/v1/campaigns/default/widget", params={"ref": code}).json()
    assert landing["ref"] == "valid" and landing["friend"]["referrer_name"] == "Anna"
    body = order_paid("b1", "friend@example.com", "30.00", code)
    answer = shop.post(
        "/webhooks/orders", content=body, headers=signed_headers(webhook_secret, body, "b1")
    ).json()
    assert (answer["status"], answer["reason"]) == ("recorded", "referral_code")
    for n in range(CODE_MISSES):
        guess = shop.get("/api/v1/campaigns/default/widget", params={"ref": f"GUESS-{n:04d}"})
        assert guess.json()["ref"] == "invalid"
    blocked = shop.get("/api/v1/campaigns/default/widget", params={"ref": code})
    assert blocked.status_code == 429 and blocked.json()["error"]["code"] == "rate_limited"
