"""Test support: live servers on loopback, signed webhooks, and reads of the real database."""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import os
import site
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import databases
import httpx
import uvicorn
from shareback import identity
from shareback.settings import Settings
from standardwebhooks.webhooks import Webhook
from starlette.testclient import TestClient

SHOP = "http://shop.test"
BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130 Safari/537.36"


def new_webhook_secret() -> str:
    return "whsec_" + base64.b64encode(os.urandom(32)).decode()


def signed_headers(
    secret: str, body: bytes, message_id: str, at: datetime | None = None
) -> dict[str, str]:
    """Headers exactly as a Standard Webhooks sender makes them, signed by the reference package."""
    moment = at or datetime.now(UTC)
    signature = Webhook(secret).sign(message_id, moment, body.decode())
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": signature,
        "content-type": "application/json",
    }


def order_paid(
    order_id: str, email: str, total: str = "59.90", ref: str | None = None, **extra: Any
) -> bytes:
    data = {
        "order_id": order_id,
        "email": email,
        "total": total,
        "currency": "EUR",
        "ref": ref,
        **extra,
    }
    return json.dumps({"type": "order.paid", "data": data}).encode()


def order_refunded(order_id: str) -> bytes:
    return json.dumps({"type": "order.refunded", "data": {"order_id": order_id}}).encode()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class LiveServer:
    """An ASGI app served by uvicorn on a free loopback port, in a thread, for the length of a test."""

    def __init__(self, app: Any, port: int | None = None) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn did not start on {self.url}")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)


def db_rows(settings: Settings, sql: str, params: tuple[object, ...] = ()) -> list[databases.Row]:
    """Rows of SQL written with `?`, on SQLite or PostgreSQL, with values as SQLite holds them."""
    return databases.rows(settings.database_url, sql, params)


def db_execute(settings: Settings, sql: str, params: tuple[object, ...] = ()) -> int:
    """For tests that change rows on purpose (an expired session, a lost coupon code)."""
    return databases.execute(settings.database_url, sql, params)


def campaigns_in(settings: Settings, currency: str) -> None:
    """Every campaign in another currency: the vendors' sample orders are in USD, and rewards are
    only booked from an amount in the campaign's own currency."""
    db_execute(settings, "UPDATE campaigns SET currency = ?", (currency,))


def percent_for_the_referrer(settings: Settings) -> None:
    """Every campaign's referrer earns 10 % of the friend's order (a coupon), pending until the
    hold ends: the share of the order that refunds shrink. The friend's 10 % is no such share:
    the checkout gave it, and it is fulfilled with the order."""
    db_execute(
        settings,
        "UPDATE campaigns SET referrer_reward_type = 'percent_discount', referrer_reward_value = '10'",
    )


def cash_for_the_referrer(settings: Settings) -> None:
    """Every campaign's referrer earns €5 paid by transfer: approved, it waits for its payout
    batch (credit and coupons are issued the moment they are approved)."""
    db_execute(
        settings,
        "UPDATE campaigns SET referrer_reward_type = 'cash', referrer_reward_value = '5.00'",
    )


def db_tables(settings: Settings) -> set[str]:
    return databases.tables(settings.database_url)


def count(settings: Settings, table: str) -> int:
    return int(db_rows(settings, f"SELECT COUNT(*) FROM {table}")[0][0])


# The settings fixture's identity secret: the shop's backend signs who is logged in with it.
IDENTITY_SECRET = "identity-secret-for-tests"


def join_campaign(
    client: TestClient,
    email: str,
    name: str | None = None,
    *,
    signed: bool = True,
    **extra: object,
) -> dict[str, object]:
    """Joins as a shopper the shop has signed in (signed=False: an address typed into the widget)."""
    body = {"campaign": "default", "email": email, "name": name, **extra}
    if signed and "user_hash" not in extra:
        body["user_hash"] = identity.user_hash(IDENTITY_SECRET, email)
    response = client.post("/api/v1/advocates", json=body, headers={"origin": "http://shop.test"})
    assert response.status_code == 200, response.text
    document: dict[str, object] = response.json()
    return document


VISITORS = itertools.count(1)


def follow_link(
    client: TestClient, code: str, channel: str | None = None, user_agent: str | None = None
) -> str:
    """Follows /r/{code} like a friend's browser and returns the signed ref it lands with. Each
    call is another friend (their own browser) unless user_agent names one: one visitor's
    repeated clicks count once a day."""
    url = f"/r/{code}" + (f"?ch={channel}" if channel else "")
    agent = user_agent or f"{BROWSER_UA} friend/{next(VISITORS)}"
    response = client.get(url, follow_redirects=False, headers={"user-agent": agent})
    assert response.status_code == 303, response.text
    return parse_qs(urlsplit(response.headers["location"]).query)["ref"][0]


@contextlib.contextmanager
def shareback_serve(database_url: str, **settings: str) -> Iterator[str]:
    """The real `shareback serve` in a process of its own on a free loopback port (with extra
    SHAREBACK_* settings given by name, lower-case; workers="N" is --workers N), stopped
    afterwards; yields its URL."""
    workers = settings.pop("workers", "1")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "SHAREBACK_DATABASE_URL": database_url,
        "SHAREBACK_PUBLIC_URL": url,
        **{f"SHAREBACK_{name.upper()}": value for name, value in settings.items()},
    }
    env.pop("FORWARDED_ALLOW_IPS", None)  # uvicorn's own variable: must not matter either way
    # Its log goes to a file, not a pipe nobody reads while it runs (a full pipe would block it).
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "shareback", "serve", "--port", str(port)]
            + (["--workers", workers] if workers != "1" else []),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )

        def logged() -> str:
            log.seek(0)
            return log.read().decode(errors="replace")

        try:
            deadline = time.monotonic() + 30
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"shareback serve exited: {logged()}")
                try:
                    if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"shareback serve did not answer on {url}: {logged()}")
                time.sleep(0.1)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def venv_with_our_dependencies(folder: Path) -> Path:
    """A new virtual environment that sees the running interpreter's packages (the test run's
    .venv: Starlette and the rest) but not its shareback, so a wheel installed into it with
    --no-deps is the only shareback there. (--system-site-packages would give the base
    interpreter's packages instead, which a fresh machine does not have.)"""
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    ours = [path for path in site.getsitepackages() if Path(path).is_dir()]
    (theirs,) = Path(folder, "lib").glob("python*/site-packages")
    # A .pth line adds a folder to sys.path without running the .pth files in it: the test
    # run's editable shareback (a .pth finder) stays out.
    (theirs / "_test_run_dependencies.pth").write_text("\n".join(ours) + "\n")
    return folder
