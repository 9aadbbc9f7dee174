"""Several Shareback processes on one PostgreSQL: what SQLite's single writer made safe must stay
safe under concurrent transactions from separate processes (real `shareback serve` processes on
loopback, real HTTP)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import httpx
import pytest
from databases import PostgresDatabases, rows
from shareback import identity
from shareback.storage.migrate import migration_files
from support import BROWSER_UA, free_port, order_paid, signed_headers

pytestmark = pytest.mark.postgres

ORIGIN = "http://shop.test"
IDENTITY_SECRET = "one-identity-secret"


@contextmanager
def shareback_process(database_url: str, webhook_secret: str) -> Iterator[str]:
    """`shareback serve` in a process of its own, on a free loopback port, stopped afterwards."""
    port = free_port()
    env = {
        **os.environ,
        "SHAREBACK_DATABASE_URL": database_url,
        "SHAREBACK_DATABASE_POOL_SIZE": "8",
        "SHAREBACK_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "SHAREBACK_WEBHOOK_SECRET": webhook_secret,
        "SHAREBACK_SECRET_KEY": "one-signing-key-for-both-processes",
        "SHAREBACK_IDENTITY_SECRET": IDENTITY_SECRET,
        "SHAREBACK_LANDING_URL": f"{ORIGIN}/welcome",
        "SHAREBACK_ALLOWED_ORIGINS": ORIGIN,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "shareback", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                assert process.stderr is not None
                raise RuntimeError(f"shareback serve exited: {process.stderr.read().decode()}")
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"shareback serve did not answer on {url}")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        assert process.stderr is not None
        process.stderr.close()


@contextmanager
def two_processes(database_url: str, webhook_secret: str) -> Iterator[tuple[str, str]]:
    with ExitStack() as stack:
        # Started together on an empty database: both migrate, the advisory lock lets one do it.
        first = stack.enter_context(shareback_process(database_url, webhook_secret))
        second = stack.enter_context(shareback_process(database_url, webhook_secret))
        yield first, second


@pytest.fixture
def database_url(postgres_databases: PostgresDatabases) -> str:
    return postgres_databases.fresh()


def test_100_deliveries_of_one_order_over_two_processes_make_one_referral(
    database_url: str, webhook_secret: str
) -> None:
    with two_processes(database_url, webhook_secret) as servers:

        async def run() -> list[dict[str, str]]:
            async with httpx.AsyncClient(headers={"user-agent": BROWSER_UA}, timeout=60) as http:
                joined = await http.post(
                    f"{servers[0]}/api/v1/advocates",
                    json={"campaign": "default", "email": "anna@example.nl"},
                    headers={"origin": ORIGIN},
                )
                code = joined.json()["code"]
                redirect = await http.get(f"{servers[1]}/r/{code}")
                ref = httpx.URL(redirect.headers["location"]).params["ref"]
                body = order_paid("1001", "friend@example.com", ref=ref)
                answers = await asyncio.gather(
                    *(
                        http.post(
                            f"{servers[n % 2]}/webhooks/orders",
                            content=body,
                            headers=signed_headers(webhook_secret, body, f"msg_{n}"),
                        )
                        for n in range(100)
                    )
                )
                return [answer.json() for answer in answers]

        outcomes = Counter(answer["status"] for answer in asyncio.run(run()))
    assert outcomes == {"recorded": 1, "duplicate": 99}
    assert rows(database_url, "SELECT COUNT(*) FROM referrals")[0][0] == 1
    assert rows(database_url, "SELECT COUNT(*) FROM rewards")[0][0] == 2
    assert rows(database_url, "SELECT COUNT(*) FROM orders")[0][0] == 1
    # Each event once in the outbox: one conversion, two rewards (and the advocate's arrival).
    events = Counter(row[0] for row in rows(database_url, "SELECT type FROM outbox"))
    # The friend's discount, given at the checkout, is fulfilled at once: announced once too.
    assert events == {
        "advocate.created": 1,
        "referral.converted": 1,
        "reward.created": 2,
        "reward.fulfilled": 1,
    }
    migrations = rows(database_url, "SELECT name, COUNT(*) FROM schema_migrations GROUP BY name")
    # Every migration applied once, though both processes started on the empty database at once.
    expected = len(migration_files("postgresql"))
    assert len(migrations) == expected and {row[1] for row in migrations} == {1}


def test_advocates_and_coupon_codes_stay_unique_across_processes(
    database_url: str, webhook_secret: str
) -> None:
    """The same person joining from two devices at once is one advocate; forty different
    Annas joining at once each get a coupon code of their own (ANNA10, ANNA10K7, …)."""
    with two_processes(database_url, webhook_secret) as servers:

        async def run() -> tuple[list[httpx.Response], list[httpx.Response]]:
            async with httpx.AsyncClient(
                headers={"user-agent": BROWSER_UA, "origin": ORIGIN}, timeout=60
            ) as http:

                async def join(n: int, email: str) -> httpx.Response:
                    # Signed in at the shop: the same record on every device, a name-based code.
                    signed = identity.user_hash(IDENTITY_SECRET, email)
                    body = {"campaign": "default", "email": email, "name": "Anna"}
                    return await http.post(
                        f"{servers[n % 2]}/api/v1/advocates", json={**body, "user_hash": signed}
                    )

                same = await asyncio.gather(*(join(n, "anna@example.nl") for n in range(30)))
                many = await asyncio.gather(*(join(n, f"anna.{n}@example.nl") for n in range(40)))
                return list(same), list(many)

        same, many = asyncio.run(run())
    assert {response.status_code for response in same + many} == {200}
    assert len({response.json()["code"] for response in same}) == 1
    stored = rows(database_url, "SELECT email_key, code, coupon_code FROM advocates")
    assert len(stored) == 41
    assert len({row["code"] for row in stored}) == 41
    assert len({row["coupon_code"] for row in stored}) == 41
    assert all(row["coupon_code"].startswith("ANNA") for row in stored)
