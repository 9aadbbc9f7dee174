"""The sign-in throttle under attack: attempts are counted before the password is checked, so
simultaneous guesses cannot outrun the count; X-Forwarded-For is believed only from the proxies
SHAREBACK_FORWARDED_ALLOW_IPS names; scrypt runs a bounded number at a time."""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections import Counter

import httpx
import pytest
from shareback import visitors
from shareback.app import create_app
from shareback.auth import passwords, throttle
from shareback.settings import Settings
from support import LiveServer, count, shareback_serve
from test_admin_auth import OWNER, PASSWORD, create_admin

GUESSES = 200


def login_token(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the login page has no CSRF field"
    return found[1]


async def guess_at_once(url: str, guesses: list[str], email: str = OWNER) -> Counter[int]:
    """Every guess on its own connection, all sent together, with one login form's token."""
    limits = httpx.Limits(max_connections=len(guesses), max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=120) as http:
        token = login_token((await http.get("/admin/login")).text)
        start = asyncio.Event()

        async def guess(password: str) -> int:
            await start.wait()
            answer = await http.post(
                "/admin/login",
                data={"csrf": token, "email": email, "password": password},
                follow_redirects=False,
            )
            return answer.status_code

        tasks = [asyncio.create_task(guess(password)) for password in guesses]
        await asyncio.sleep(0)
        start.set()
        return Counter(await asyncio.gather(*tasks))


def test_200_simultaneous_guesses_get_five_password_checks(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The review's race: the count was read before the check and written after it, so all 200
    guesses were checked. Now five are, and the rest are refused before any scrypt runs."""
    create_admin(settings)
    checked: list[str] = []
    lock = threading.Lock()
    real = passwords.verify_password

    def counting(password: str, stored: str) -> bool:
        with lock:
            checked.append(password)
        return real(password, stored)

    monkeypatch.setattr(passwords, "verify_password", counting)
    guesses = [f"guess number {n}" for n in range(GUESSES)]
    with LiveServer(create_app(settings)) as server:
        answers = asyncio.run(guess_at_once(server.url, guesses))
        assert answers == {401: throttle.MAX_ATTEMPTS, 429: GUESSES - throttle.MAX_ATTEMPTS}
        assert len(checked) == throttle.MAX_ATTEMPTS
        # Five attempts under the account's key and five under the network's.
        assert count(settings, "login_failures") == 2 * throttle.MAX_ATTEMPTS
        # And now even the right password waits.
        late = asyncio.run(guess_at_once(server.url, [PASSWORD]))
        assert late == {429: 1}
    assert len(checked) == throttle.MAX_ATTEMPTS
    assert count(settings, "admin_sessions") == 0


def test_guesses_spread_over_many_accounts_are_still_five_per_network(
    settings: Settings,
) -> None:
    create_admin(settings)
    with LiveServer(create_app(settings)) as server:

        async def spread() -> list[int]:
            counts = await asyncio.gather(
                *(
                    guess_at_once(server.url, ["wrong password!"], email=f"user{n}@brandpunt.nl")
                    for n in range(40)
                )
            )
            return [status for answers in counts for status in answers.elements()]

        statuses = Counter(asyncio.run(spread()))
    assert statuses == {401: throttle.MAX_ATTEMPTS, 429: 40 - throttle.MAX_ATTEMPTS}


def sign_in_over_http(url: str, email: str, password: str, forwarded_for: str) -> int:
    with httpx.Client(base_url=url, timeout=30) as http:
        token = login_token(http.get("/admin/login").text)
        answer = http.post(
            "/admin/login",
            data={"csrf": token, "email": email, "password": password},
            headers={"x-forwarded-for": forwarded_for},
            follow_redirects=False,
        )
        return answer.status_code


SECOND = "second@brandpunt.nl"


def test_x_forwarded_for_from_loopback_no_longer_resets_the_sign_in_throttle(
    settings: Settings,
) -> None:
    """The review's bypass: `shareback serve` believed proxy headers from 127.0.0.1, so every
    guess with a new X-Forwarded-For came from a new network. Now nobody's header is believed
    unless SHAREBACK_FORWARDED_ALLOW_IPS says so."""
    create_admin(settings)
    create_admin(settings, email=SECOND)
    with shareback_serve(settings.database_url) as url:
        for n in range(throttle.MAX_ATTEMPTS):
            assert sign_in_over_http(url, OWNER, "wrong password!", f"203.0.113.{n}") == 401
        # Another account, another claimed address, the right password: the network is spent.
        assert sign_in_over_http(url, SECOND, PASSWORD, "198.51.100.77") == 429
    assert count(settings, "admin_sessions") == 0


def test_x_forwarded_for_from_a_configured_proxy_is_honoured(settings: Settings) -> None:
    create_admin(settings)
    create_admin(settings, email=SECOND)
    with shareback_serve(settings.database_url, forwarded_allow_ips="127.0.0.1") as url:
        for _ in range(throttle.MAX_ATTEMPTS):
            assert sign_in_over_http(url, OWNER, "wrong password!", "203.0.113.7") == 401
        # The proxy's client 203.0.113.7 is spent, for any account...
        assert sign_in_over_http(url, SECOND, PASSWORD, "203.0.113.7") == 429
        # ...and another client behind the same proxy is not; the address the proxy appended
        # (the last) counts, not one the client wrote in front of it.
        assert sign_in_over_http(url, SECOND, PASSWORD, "203.0.113.7, 198.51.100.77") == 303
    assert count(settings, "admin_sessions") == 1


def test_uvicorn_gets_proxy_headers_only_with_the_setting() -> None:
    from shareback.serving import proxy_options

    assert proxy_options(Settings()) == {"proxy_headers": False}
    assert Settings.from_env({}).forwarded_allow_ips == ()
    chosen = Settings.from_env({"SHAREBACK_FORWARDED_ALLOW_IPS": "10.0.0.1, 10.1.0.0/16"})
    assert proxy_options(chosen) == {
        "proxy_headers": True,
        "forwarded_allow_ips": "10.0.0.1,10.1.0.0/16",
    }


def test_password_checks_run_a_bounded_number_at_once_and_refuse_a_flood() -> None:
    """scrypt is CPU-heavy: however many sign-ins arrive, two run at once here and three more
    wait; the rest are refused at once (throttle.Busy, a 429) without running."""

    async def flood() -> tuple[Counter[str], int]:
        checks = throttle.PasswordChecks(concurrent=2, waiting=3)
        stored = passwords.hash_password("the right password")

        async def one() -> str:
            try:
                return "checked" if not await checks.verify("a guess", stored) else "matched"
            except throttle.Busy:
                return "busy"

        outcomes = Counter(await asyncio.gather(*(one() for _ in range(20))))
        return outcomes, checks.most_running

    started = time.monotonic()
    outcomes, most_running = asyncio.run(flood())
    assert outcomes == {"checked": 5, "busy": 15}
    assert most_running == 2
    assert time.monotonic() - started < 30


@pytest.mark.parametrize(
    ("ip", "network"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("testclient", "testclient"),
    ],
)
def test_an_ipv6_client_counts_as_its_64(ip: str, network: str) -> None:
    assert visitors.network_of(ip) == network
