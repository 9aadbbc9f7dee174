"""The review's X-Forwarded-For bypass, limit by limit, on the real `shareback serve`: a client on
loopback that writes a new address into the header each time is still one network, because no
proxy header is believed unless SHAREBACK_FORWARDED_ALLOW_IPS names the peer. (The sign-in
throttle's own case is in test_sign_in_throttle.py.)"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import httpx
import pytest
from shareback.context import CODE_MISSES
from shareback.settings import Settings
from support import SHOP, shareback_serve

LOOK_UPS_PER_MINUTE = 20
WRONG_KEYS = 20
PER_MINUTE = 120  # sign-ups, and the widget's beacons, each (app.py)
addresses = (f"203.0.{n // 250}.{n % 250 + 1}" for n in itertools.count())


def claimed() -> dict[str, str]:
    """Headers claiming a new client address, as the attack sent them."""
    return {"x-forwarded-for": next(addresses), "origin": SHOP}


@pytest.fixture
def server(settings: Settings) -> Iterator[httpx.Client]:
    with (
        shareback_serve(settings.database_url, allowed_origins=SHOP) as url,
        httpx.Client(base_url=url) as http,
    ):
        yield http


def test_a_new_forwarded_address_each_time_does_not_reset_the_look_up_limit(
    server: httpx.Client,
) -> None:
    url = "/api/v1/campaigns/default/referrers?q=anna"
    answers = [server.get(url, headers=claimed()).status_code for _ in range(LOOK_UPS_PER_MINUTE)]
    assert answers == [200] * LOOK_UPS_PER_MINUTE
    assert server.get(url, headers=claimed()).status_code == 429


def test_a_new_forwarded_address_each_time_does_not_reset_the_unknown_code_limit(
    server: httpx.Client,
) -> None:
    for n in range(CODE_MISSES):
        assert server.get(f"/r/GUESS-{n:04d}", headers=claimed()).status_code == 404
    assert server.get("/r/GUESS-9999", headers=claimed()).status_code == 429
    assert server.get("/qr/GUESS-9999.svg", headers=claimed()).status_code == 429


def test_a_new_forwarded_address_each_time_does_not_reset_the_wrong_key_limit(
    server: httpx.Client,
) -> None:
    for n in range(WRONG_KEYS):
        headers = {**claimed(), "authorization": f"Bearer sbk_guess{n:04d}"}
        assert server.get("/api/v1/campaigns", headers=headers).status_code == 401
    headers = {**claimed(), "authorization": "Bearer sbk_guess9999"}
    assert server.get("/api/v1/campaigns", headers=headers).status_code == 429


@pytest.mark.parametrize(
    ("path", "body", "answer"),
    [
        ("/api/v1/events", {"campaign": "default", "type": "open"}, 204),
        ("/api/v1/advocates", {"campaign": "default", "email": "anna@example.nl"}, 200),
    ],
)
def test_a_new_forwarded_address_each_time_does_not_reset_the_sign_up_or_event_limit(
    server: httpx.Client, path: str, body: dict[str, str], answer: int
) -> None:
    answers = [
        server.post(path, json=body, headers=claimed()).status_code for _ in range(PER_MINUTE)
    ]
    assert answers == [answer] * PER_MINUTE
    assert server.post(path, json=body, headers=claimed()).status_code == 429
