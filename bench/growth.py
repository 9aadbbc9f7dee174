"""Issue 9's growth check: the referral link, the stats API and the dashboard overview on a shop
of 1 million clicks and on one of 10 million, over real HTTP, as a table with the ratios.

    python bench/generate.py sqlite:////tmp/sb-1m.db --clicks 1000000 --advocates 100000 --orders 50000
    python bench/generate.py sqlite:////tmp/sb-10m.db --clicks 10000000 --advocates 1000000 --orders 500000
    python bench/growth.py sqlite:////tmp/sb-1m.db sqlite:////tmp/sb-10m.db

Each database (made by bench/generate.py) is served by `shareback serve` (one worker, loopback);
an owner account is made in it and signed in through the login form. Then, round-robin over
the databases so that a noisy neighbour hurts each alike:

- `GET /r/{code}` with wrk (`-t2 -c8`, a new visitor each time, over 1,000 of the shop's
  advocates): p50 and p99 at a moderate load, every click committed before its 303;
- `GET /api/v1/campaigns/default/stats` for the last 30 and 90 days, and the dashboard overview
  (`GET /admin?from=…&to=…`) for 30 days: one request at a time, `--runs` of each, median and
  slowest.

The target: each figure at 10 million clicks within 2x of its figure at 1 million.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "server"))

import run as http_bench  # noqa: E402
from shareback.auth.passwords import hash_password  # noqa: E402
from shareback.storage import open_store  # noqa: E402

API_KEY = "bench-growth-admin-api-key-0123456789"
ADMIN = ("owner@bench.test", "a long bench password")


async def prepare(url: str) -> tuple[list[str], date, int]:
    """The owner account, 1,000 advocates' codes, the newest click's day and the click count."""
    store = await open_store(url)
    try:
        await store.create_admin_user(ADMIN[0], hash_password(ADMIN[1]), datetime.now(UTC))
        async with store._db.reading() as db:  # type: ignore[attr-defined]
            total = int((await db.fetchrow("SELECT MAX(id) FROM advocates"))[0])
            picked = random.Random(7).sample(range(1, total + 1), 1000)
            marks = ", ".join("?" * len(picked))
            rows = await db.fetch(f"SELECT code FROM advocates WHERE id IN ({marks})", picked)
            newest = (await db.fetchrow("SELECT MAX(created_at) FROM clicks"))[0]
            clicks = int((await db.fetchrow("SELECT COUNT(*) FROM clicks"))[0])
        day = newest.date() if isinstance(newest, datetime) else date.fromisoformat(newest[:10])
        return [str(row[0]) for row in rows], day, clicks
    finally:
        await store.close()


@contextlib.contextmanager
def serving(url: str, tmp: Path) -> Iterator[http_bench.Server]:
    env = http_bench.shareback_env(url, http_bench.new_secret())
    env.update(
        SHAREBACK_ADMIN_API_KEY=API_KEY,
        SHAREBACK_PUBLIC_URL="http://127.0.0.1",
        SHAREBACK_APPROVE_INTERVAL_SECONDS="3600",
        SHAREBACK_DELIVERY_INTERVAL_SECONDS="3600",
    )
    command = [sys.executable, "-m", "shareback", "serve", "--workers", "1"]
    # A first start on a generated database has work to do (the rewards whose hold ended).
    server = http_bench.start(url.rsplit("/", 1)[-1], command, env, 1, "/healthz", tmp, 600)
    try:
        yield server
    finally:
        server.stop()


def log_in(client: httpx.Client) -> None:
    form = client.get("/admin/login")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert token is not None, form.text[:500]
    answer = client.post(
        "/admin/login",
        data={"csrf": token.group(1), "email": ADMIN[0], "password": ADMIN[1], "next": "/admin"},
        headers={"origin": "http://127.0.0.1"},
    )
    assert answer.status_code == 303, answer.text[:500]


def timed(client: httpx.Client, path: str, headers: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    answer = client.get(path, headers=headers)
    took = (time.perf_counter() - started) * 1000
    assert answer.status_code == 200, answer.text[:500]
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "urls", nargs="+", help="databases made by bench/generate.py, smallest first"
    )
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=2, help="wrk runs of /r/ each (best p50)")
    parser.add_argument("-d", "--duration", type=int, default=5)
    args = parser.parse_args()
    wrk_args = argparse.Namespace(threads=2, connections=8, duration=args.duration)
    results: dict[str, dict[str, list[float]]] = {}
    sizes: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="shareback-growth-") as name:
        tmp = Path(name)
        prepared = {}
        for url in args.urls:
            codes, day, clicks = asyncio.run(prepare(url))
            prepared[url] = (codes, day)
            sizes[url] = clicks
            results[url] = {}
        for _ in range(args.rounds):
            for url in args.urls:
                codes, day = prepared[url]
                with (
                    serving(url, tmp) as server,
                    httpx.Client(base_url=server.url, timeout=60, follow_redirects=False) as client,
                ):
                    log_in(client)
                    quoted = ", ".join(f'"{code}"' for code in codes)
                    clicks = http_bench.run_wrk(
                        wrk_args,
                        server,
                        "GET /r/{code}",
                        http_bench.LUA_CLICKS % {"codes": quoted},
                        tmp,
                    )
                    cases = results[url]
                    cases.setdefault("/r/ p50 ms", []).append(clicks.p50_ms)
                    cases.setdefault("/r/ p99 ms", []).append(clicks.p99_ms)
                    cases.setdefault("/r/ req/s", []).append(clicks.rate)
                    bearer = {"authorization": f"Bearer {API_KEY}"}
                    for days in (30, 90):
                        first = day - timedelta(days=days - 1)
                        query = f"from={first}&to={day}"
                        for _ in range(args.runs):
                            cases.setdefault(f"stats API {days} days ms", []).append(
                                timed(client, f"/api/v1/campaigns/default/stats?{query}", bearer)
                            )
                            if days == 30:
                                cases.setdefault("overview 30 days ms", []).append(
                                    timed(client, f"/admin?{query}")
                                )
                print(
                    f"  {url}: /r/ {clicks.rate:,.0f} req/s, p50 {clicks.p50_ms:.1f} ms",
                    file=sys.stderr,
                )

    print(f"\nLoad average at the end: {__import__('os').getloadavg()[0]:.1f}\n")
    first_url = args.urls[0]
    header = " | ".join(f"{sizes[u]:,} clicks" for u in args.urls)
    ratios = " | ".join(f"{sizes[u] // max(1, sizes[first_url])}x / 1x" for u in args.urls[1:])
    print(f"| figure | {header} | {ratios} | within 2x |")
    print("|---|" + "---:|" * (2 * len(args.urls) - 1) + "---|")

    def figure(samples: list[float], name: str) -> float:
        if name.endswith("req/s"):
            return max(samples)
        if "/r/" in name:
            return min(samples)  # the best of the wrk rounds
        return statistics.median(samples)

    for name in results[first_url]:
        values = [figure(results[u][name], name) for u in args.urls]
        cells = " | ".join(f"{v:,.1f}" for v in values)
        if name.endswith("req/s"):
            quotients = [values[0] / v for v in values[1:]]  # how many times slower
        else:
            quotients = [v / values[0] for v in values[1:]]
        quoted = " | ".join(f"{q:.2f}" for q in quotients)
        verdict = "yes" if all(q <= 2 for q in quotients) else "**no**"
        label = name if not name.startswith("stats") and not name.startswith("overview") else (
            f"{name} (median of {args.runs * args.rounds})"
        )  # fmt: skip
        print(f"| {label} | {cells} | {quoted} | {verdict} |")


if __name__ == "__main__":
    main()
