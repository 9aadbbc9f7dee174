"""`shareback demo`: both servers start, the URLs are printed, and the seeded history is there once."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from shareback.auth import passwords
from shareback.demo import DEMO_ADMIN, prepare_demo
from shareback.settings import Settings
from shareback.storage import open_store
from support import count, free_port


def test_prepare_demo_seeds_history_and_an_owner_login_once(
    fresh_database_url: Callable[[], str],
) -> None:
    settings = Settings(database_url=fresh_database_url(), shop_name="Brandpunt Koffie")
    _, login = asyncio.run(prepare_demo(settings))
    seeded = {
        table: count(settings, table)
        for table in ("advocates", "clicks", "events", "referrals", "rewards", "orders")
    }
    # Five named advocates share most; about a third of the shop's other customers took their
    # link on the thank-you page, and most of those never share.
    assert 60 < seeded["advocates"] < 200 and seeded["clicks"] > 100 and seeded["referrals"] >= 10
    assert seeded["rewards"] == 2 * seeded["referrals"]
    # The shop reports its unreferred orders too: "all orders" is more than the referred ones.
    assert seeded["orders"] > 3 * seeded["referrals"]
    _, again = asyncio.run(prepare_demo(settings))
    assert again == login
    assert {table: count(settings, table) for table in seeded} == seeded

    async def stored_hash() -> str:
        store = await open_store(settings.database_url)
        try:
            user = await store.admin_user(DEMO_ADMIN)
            assert user is not None
            return user.password_hash
        finally:
            await store.close()

    assert passwords.verify_password(login.password, asyncio.run(stored_hash()))


def test_the_demo_command_serves_the_shop_and_the_backend(
    tmp_path: Path, fresh_database_url: Callable[[], str]
) -> None:
    port, shop_port = free_port(), free_port()
    env = {**os.environ, "SHAREBACK_DATABASE_URL": fresh_database_url()}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "shareback",
            "demo",
            "--port",
            str(port),
            "--shop-port",
            str(shop_port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    try:
        output = ""
        deadline = time.monotonic() + 60
        assert process.stdout is not None
        while "Press Ctrl+C" not in output and time.monotonic() < deadline:
            output += process.stdout.readline()
        assert (
            f"http://127.0.0.1:{shop_port}/" in output
            and f"http://127.0.0.1:{port}/admin" in output
        )
        password = re.search(r"owner@example\.nl / (\S+)\)", output)
        assert password, output
        for _ in range(100):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        shop = httpx.get(f"http://127.0.0.1:{shop_port}/")
        assert shop.status_code == 200 and f"http://127.0.0.1:{port}/widget.js" in shop.text
        assert httpx.get(f"http://127.0.0.1:{port}/widget.js").status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=20)
        if process.stdout is not None:
            process.stdout.close()
