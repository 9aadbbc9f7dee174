"""The HTTP benchmark: Shareback against a bare Starlette hello-world, SQLite and PostgreSQL.

    python bench/run.py                  # everything: SQLite 1 worker, PostgreSQL 1, 2 and 4
    python bench/run.py --no-postgres    # SQLite only
    python bench/run.py -d 10 -c 64      # longer and wider wrk runs

One run starts each server on a free loopback port (the baseline and Shareback, one uvicorn
worker each; then Shareback on a PostgreSQL database of its own, created and dropped here, with
1, 2 and 4 workers), drives each endpoint with wrk and prints one table per server: requests per
second, p50 and p99 latency, errors (non-2xx/3xx answers and socket errors) and the throughput as
a ratio to the baseline of the same run. Then the servers' resident memory, idle and under load,
and where the CPU went (server, PostgreSQL and wrk CPU seconds per 1,000 requests).

Every request is a new visitor: the referral links carry a different X-Forwarded-For address
(the bench server trusts 127.0.0.1 as its proxy) and user agent on each request, over 1,000
advocates, so neither the per-address click limit nor the per-visitor deduplication flatters
the figure; every webhook is a different signed order by a different friend with a signed ref
to one of the advocates (attribution, two rewards, the outgoing events).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "server"))

from shareback import tokens  # noqa: E402
from shareback.webhooks.standard import new_secret, sign  # noqa: E402

PG_SERVER = os.environ.get("SHAREBACK_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
SECRET_KEY = "bench-secret-key-" + "x" * 32
LANDING = "https://shop.bench.test/welcome"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


# --- processes: RSS and CPU from /proc -------------------------------------------------------


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                stat = (entry / "stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
    return found


def rss_bytes(pid: int) -> int:
    with contextlib.suppress(OSError):
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    return 0


def cpu_seconds(pid: int) -> float:
    with contextlib.suppress(OSError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return 0.0


def postgres_cpu() -> float:
    """Every postgres process on the machine (other users' too: noted in the README)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if (entry / "comm").read_text().strip() == "postgres":
                    total += cpu_seconds(int(entry.name))
    return total


def pg_commits(url: str | None) -> int:
    """pg_stat_database's committed transactions of the bench's own database (0 on SQLite).
    The statistics are reported by each backend at most every second or so: read after a pause."""
    if url is None or not url.startswith("postgresql"):
        return 0
    import asyncpg

    async def read() -> int:
        conn = await asyncpg.connect(PG_SERVER + "/postgres")
        try:
            name = url.rsplit("/", 1)[1]
            value = await conn.fetchval(
                "SELECT xact_commit FROM pg_stat_database WHERE datname = $1", name
            )
            return int(value or 0)
        finally:
            await conn.close()

    time.sleep(1.2)
    return asyncio.run(read())


@dataclasses.dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    port: int
    workers: int
    log: Path
    database_url: str | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def worker_pids(self) -> list[int]:
        """The processes that serve: the server itself with one worker, else uvicorn's children
        (without multiprocessing's resource tracker)."""
        if self.workers == 1:
            return [self.process.pid]
        pids = []
        for pid in children(self.process.pid):
            with contextlib.suppress(OSError):
                if b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                    pids.append(pid)
        return pids

    def all_pids(self) -> list[int]:
        return [self.process.pid, *children(self.process.pid)]

    def rss(self) -> list[int]:
        return [rss_bytes(pid) for pid in self.worker_pids()]

    def cpu(self) -> float:
        return sum(cpu_seconds(pid) for pid in self.all_pids())

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start(
    name: str,
    command: list[str],
    env: dict[str, str],
    workers: int,
    check: str,
    tmp: Path,
    wait: float = 60,
) -> Server:
    port = free_port()
    log = tmp / f"{name.replace(' ', '-')}.log"
    handle = log.open("wb")
    process = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
        cwd=tmp,
    )
    server = Server(name, process, port, workers, log)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{name} exited at start:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(httpx.HTTPError):
            answered = httpx.get(server.url + check, timeout=2).status_code == 200
            if answered and (workers == 1 or len(server.worker_pids()) >= workers):
                return server
        time.sleep(0.2)
    server.stop()
    raise SystemExit(
        f"{name} did not answer {check} within {wait:.0f} s:\n{log.read_text()[-3000:]}"
    )


# --- wrk --------------------------------------------------------------------------------------

LUA_COMMON = """
local threads = {}
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, '
    .. '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""

# Every referral click a different visitor: its own address and user agent, over many codes.
LUA_CLICKS = """
local codes = {%(codes)s}
local agents = {
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1 b%%d",
  "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36 b%%d",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36 b%%d",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Version/17.5 Safari/605.1.15 b%%d",
}
local channels = {"whatsapp", "facebook", "email", "copy", "link"}
local n = 0
function request()
  n = n + 1
  local k = n * 8 + tid
  local ip = string.format("10.%%d.%%d.%%d", math.floor(k / 65536) %% 256, math.floor(k / 256) %% 256, k %% 256)
  local path = "/r/" .. codes[(k %% #codes) + 1] .. "?ch=" .. channels[(k %% #channels) + 1]
  return wrk.format("GET", path, {
    ["X-Forwarded-For"] = ip,
    ["User-Agent"] = string.format(agents[(k %% #agents) + 1], k),
  })
end
"""

# The signed orders, made before the run: each line id \\t timestamp \\t signature \\t body.
LUA_ORDERS = """
local lines = {}
local n = 0
function init(args)
  local i = 0
  for line in io.lines("%(file)s") do
    if i %% %(threads)d == tid then table.insert(lines, line) end
    i = i + 1
  end
end
function request()
  n = n + 1
  if n > #lines then n = 1; io.stderr:write("out of signed orders: repeating\\n") end
  local id, ts, sig, body = lines[n]:match("([^\\t]*)\\t([^\\t]*)\\t([^\\t]*)\\t(.*)")
  return wrk.format("POST", "/webhooks/orders", {
    ["Content-Type"] = "application/json",
    ["webhook-id"] = id, ["webhook-timestamp"] = ts, ["webhook-signature"] = sig,
  }, body)
end
"""

# The widget's sign-up: a new shopper (address and e-mail) each time.
LUA_JOIN = """
local n = 0
function request()
  n = n + 1
  local k = n * 8 + tid
  local ip = string.format("10.%%d.%%d.%%d", 128 + math.floor(k / 65536) %% 128, math.floor(k / 256) %% 256, k %% 256)
  local body = string.format('{"campaign": "default", "email": "shopper-%%s-%%d@bench.test", "name": "Sam", "lang": "en"}', "%(run)s", k)
  return wrk.format("POST", "/api/v1/advocates", {
    ["Content-Type"] = "application/json",
    ["Origin"] = "https://shop.bench.test",
    ["X-Forwarded-For"] = ip,
  }, body)
end
"""

LUA_GET = """
function request()
  return wrk.format("GET", "%(path)s", {["Accept-Encoding"] = "gzip, deflate, br, zstd"})
end
"""


@dataclasses.dataclass
class Result:
    server: str
    target: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int
    server_cpu: float
    postgres_cpu: float
    wrk_cpu: float
    rss_max: list[int]
    commits: int = 0  # PostgreSQL transactions committed in the bench's database meanwhile

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def run_wrk(
    args: argparse.Namespace, server: Server, target: str, script: str, tmp: Path
) -> Result:
    lua = tmp / f"{uuid.uuid4().hex}.lua"
    lua.write_text(LUA_COMMON + script)
    cpu0, pg0, commits0 = server.cpu(), postgres_cpu(), pg_commits(server.database_url)
    peak: list[int] = [0] * server.workers
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.25):
            for index, value in enumerate(server.rss()[: len(peak)]):
                peak[index] = max(peak[index], value)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s"]
    output = tmp / "wrk.out"
    with output.open("wb") as handle:
        wrk = subprocess.Popen(
            [*command, "-s", str(lua), server.url], stdout=handle, stderr=subprocess.STDOUT
        )
        # Reaped here, so that its own CPU time comes with it.
        _, status, usage = os.wait4(wrk.pid, 0)
        wrk.returncode = os.waitstatus_to_exitcode(status)
    stop.set()
    sampler.join()
    wrk_cpu = usage.ru_utime + usage.ru_stime
    text = output.read_text()
    line = next((x for x in text.splitlines() if x.startswith("WRKJSON ")), None)
    if line is None or wrk.returncode != 0:
        raise SystemExit(f"wrk failed on {target}:\n{text}")
    if "out of signed orders" in text:
        print(f"  {target}: wrk ran out of signed orders (raise --orders)", file=sys.stderr)
    data = json.loads(line.removeprefix("WRKJSON "))
    errors = sum(data[k] for k in ("connect", "read", "write", "status", "timeout"))
    return Result(
        server.name,
        target,
        data["requests"],
        data["duration_us"] / 1e6,
        data["p50_us"] / 1000,
        data["p99_us"] / 1000,
        errors,
        server.cpu() - cpu0,
        postgres_cpu() - pg0,
        wrk_cpu,
        peak,
        pg_commits(server.database_url) - commits0,
    )


# --- data -------------------------------------------------------------------------------------


def shareback_env(database_url: str, webhook_secret: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHAREBACK_")}
    env.update(
        SHAREBACK_DATABASE_URL=database_url,
        SHAREBACK_SECRET_KEY=SECRET_KEY,
        SHAREBACK_WEBHOOK_SECRET=webhook_secret,
        SHAREBACK_LANDING_URL=LANDING,
        SHAREBACK_ALLOWED_ORIGINS="https://shop.bench.test",
        SHAREBACK_PUBLIC_URL="https://refer.bench.test",
        # wrk's client addresses come in X-Forwarded-For, as from a proxy on the machine.
        SHAREBACK_FORWARDED_ALLOW_IPS="127.0.0.1",
        PYTHONPATH=str(ROOT / "server"),
    )
    return env


async def seed(database_url: str, webhook_secret: str, advocates: int) -> list[str]:
    """Migrates the database (the real code), then makes the advocates; their codes."""
    from shareback.bootstrap import bootstrap
    from shareback.settings import Settings
    from shareback.storage import open_store

    settings = Settings.from_env(shareback_env(database_url, webhook_secret))
    store = await open_store(database_url)
    try:
        await bootstrap(store, settings)
        campaign = await store.campaign("default")
        assert campaign is not None
        now = tokens.now_utc()
        made: list[str] = []
        for start in range(0, advocates, 50):
            batch = await asyncio.gather(
                *(
                    store.advocate_for(
                        campaign.id,
                        f"advocate{i}@bench.test",
                        f"advocate{i}@bench.test",
                        f"Advocate {i}",
                        True,
                        "ANNA",
                        now,
                    )
                    for i in range(start, min(advocates, start + 50))
                )
            )
            made += [advocate.code for advocate, _ in batch]
        return made
    finally:
        await store.close()


def signed_orders(path: Path, codes: list[str], webhook_secret: str, count: int, run: str) -> None:
    """Different orders by different friends, each with a signed ref to one of the advocates,
    signed now (the receiver allows five minutes)."""
    stamp = int(time.time())
    with path.open("w") as out:
        for i in range(count):
            ref = tokens.sign_ref(SECRET_KEY, codes[i % len(codes)], f"c{run}{i}")
            body = json.dumps(
                {
                    "type": "order.paid",
                    "data": {
                        "order_id": f"{run}-{i}",
                        "email": f"friend-{run}-{i}@bench.test",
                        "name": "Friend",
                        "total": "59.90",
                        "currency": "EUR",
                        "ref": ref,
                    },
                }
            )
            message_id = f"msg_{run}_{i}"
            signature = sign(webhook_secret, message_id, stamp, body.encode())
            out.write(f"{message_id}\t{stamp}\t{signature}\t{body}\n")


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    import asyncpg

    name = f"shareback_bench_{uuid.uuid4().hex[:8]}"

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(PG_SERVER + "/postgres")
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{PG_SERVER}/{name}"
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


# --- the run ----------------------------------------------------------------------------------


def bench_shareback(
    args: argparse.Namespace,
    name: str,
    database_url: str,
    workers: int,
    codes: list[str],
    webhook_secret: str,
    tmp: Path,
) -> tuple[list[Result], list[int], list[int]]:
    env = shareback_env(database_url, webhook_secret)
    command = [sys.executable, "-m", "shareback", "serve", "--workers", str(workers)]
    server = start(name, command, env, workers, "/healthz", tmp)
    server.database_url = database_url
    try:
        time.sleep(1)
        idle = server.rss()
        quoted = ", ".join(f'"{code}"' for code in codes)
        best: dict[str, Result] = {}
        peak = [0] * workers  # the most each worker held, over every round
        for _ in range(args.rounds):
            run = uuid.uuid4().hex[:6]  # new orders and shoppers every round
            orders = tmp / f"orders-{run}.tsv"
            signed_orders(orders, codes, webhook_secret, args.orders, run)
            scripts = [
                ("GET /r/{code}", LUA_CLICKS % {"codes": quoted}),
                (
                    "POST /webhooks/orders",
                    LUA_ORDERS % {"file": orders, "threads": args.threads},
                ),
                ("GET /widget.js", LUA_GET % {"path": "/widget.js"}),
                ("GET /qr/{code}.svg", LUA_GET % {"path": f"/qr/{codes[0]}.svg"}),
                ("POST /api/v1/advocates", LUA_JOIN % {"run": run}),
            ]
            for target, script in scripts:
                if args.only and not any(word in target for word in args.only):
                    continue
                settle(server)
                spy = profile(args, server, name, target)
                result = run_wrk(args, server, target, script, tmp)
                if spy is not None:
                    spy.wait()
                print(f"  {name}: {target}: {result.rate:,.0f} req/s", file=sys.stderr)
                if target not in best or result.rate > best[target].rate:
                    best[target] = result
                peak = [max(a, b) for a, b in zip(peak, result.rss_max, strict=False)]
        results = list(best.values())
        return results, idle, peak
    finally:
        server.stop()
        for line in server.log.read_text(errors="replace").splitlines():
            if "group commits" in line:
                print(f"  {name}: {line.split(': ', 1)[-1]}", file=sys.stderr)


def settle(server: Server, quiet: float = 0.03, longest: float = 30.0) -> None:
    """Waits until the server has caught up with what the last target left it (the orders' mail
    and outgoing events, sent by its background loops): each target is measured on a server
    using under 3 % of a core, or after 30 s at most."""
    deadline = time.monotonic() + longest
    while time.monotonic() < deadline:
        before = server.cpu()
        time.sleep(0.5)
        if server.cpu() - before < quiet * 0.5:
            return
    print(f"  {server.name}: still busy after {longest:.0f} s; measuring anyway", file=sys.stderr)


def profile(
    args: argparse.Namespace, server: Server, name: str, target: str
) -> subprocess.Popen[bytes] | None:
    """py-spy (PyPI) sampling the server's processes for the length of the wrk run: collapsed
    stacks in --profile DIR, summarised by bench/profile_summary.py."""
    if args.profile is None:
        return None
    args.profile.mkdir(parents=True, exist_ok=True)
    slug = "".join(c if c.isalnum() else "-" for c in f"{name} {target}").strip("-")
    out = args.profile / f"{slug}.txt"
    command = ["py-spy", "record", "--format", "raw", "--subprocesses", "--nonblocking"]
    command += [
        "-r",
        "200",
        "-d",
        str(args.duration),
        "-o",
        str(out),
        "-p",
        str(server.process.pid),
    ]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def mib(value: int) -> str:
    return f"{value / 2**20:.0f}"


def cpu_per_request(r: Result) -> float:
    return r.server_cpu / r.requests if r.requests else float("inf")


def table(results: list[Result], base: Result) -> str:
    """The ratio to the baseline's req/s, and the same from CPU per request (the baseline's
    server CPU per request over this target's): what the ratio would be if both had the same
    CPU, which on a machine shared with other work holds better from run to run."""
    lines = [
        "| target | req/s | p50 ms | p99 ms | errors | ratio to baseline | CPU ratio |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.target} | {r.rate:,.0f} | {r.p50_ms:.1f} | {r.p99_ms:.1f} | "
            f"{r.errors} | {r.rate / base.rate:.2f} | "
            f"{cpu_per_request(base) / cpu_per_request(r):.2f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-d", "--duration", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("-t", "--threads", type=int, default=2)
    parser.add_argument("-c", "--connections", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=1, help="best of this many runs each")
    parser.add_argument("--advocates", type=int, default=1000)
    parser.add_argument("--orders", type=int, default=30000, help="signed orders per server")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--workers", default="1,2,4", help="PostgreSQL worker counts")
    parser.add_argument("--only", nargs="*", help="targets containing these words only")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--profile", type=Path, help="py-spy each Shareback run into this folder")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")

    webhook_secret = new_secret()
    all_results: list[Result] = []
    memory: list[tuple[str, list[int], list[int]]] = []
    with tempfile.TemporaryDirectory(prefix="shareback-bench-") as name:
        tmp = Path(name)
        hello = [sys.executable, "-m", "uvicorn", "hello:app", "--app-dir", str(HERE)]
        server = start("baseline", hello, dict(os.environ), 1, "/", tmp)
        try:
            rounds = [
                run_wrk(args, server, "GET / (bare Starlette)", LUA_GET % {"path": "/"}, tmp)
                for _ in range(args.rounds)
            ]
            base = max(rounds, key=lambda r: r.rate)
        finally:
            server.stop()
        all_results.append(base)
        print(f"  baseline: {base.rate:,.0f} req/s", file=sys.stderr)

        runs: list[tuple[str, str, int]] = [
            ("SQLite, 1 worker", f"sqlite:///{tmp / 'bench.db'}", 1)
        ]
        with contextlib.ExitStack() as stack:
            if not args.no_postgres:
                pg_url = stack.enter_context(postgres_database())
                for workers in (int(n) for n in args.workers.split(",")):
                    plural = "s" if workers > 1 else ""
                    runs.append((f"PostgreSQL, {workers} worker{plural}", pg_url, workers))
            seeded: dict[str, list[str]] = {}
            for label, url, workers in runs:
                if url not in seeded:
                    seeded[url] = asyncio.run(seed(url, webhook_secret, args.advocates))
                results, idle, peak = bench_shareback(
                    args, label, url, workers, seeded[url], webhook_secret, tmp
                )
                all_results += results
                memory.append((label, idle, peak))

    print(
        f"\nwrk -t{args.threads} -c{args.connections} -d{args.duration}s, best of {args.rounds}, "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end\n"
    )
    print(
        f"Baseline (bare Starlette hello-world, 1 worker): {base.rate:,.0f} req/s, "
        f"p50 {base.p50_ms:.1f} ms, p99 {base.p99_ms:.1f} ms, {base.errors} errors\n"
    )
    for label, _, _ in runs:
        print(f"### {label}\n")
        print(table([r for r in all_results if r.server == label], base))
        print()
    if len(runs) > 2:
        print("### PostgreSQL scaling (req/s relative to 1 worker)\n")
        pg = [label for label, _, _ in runs if label.startswith("PostgreSQL")]
        print("| target | " + " | ".join(pg) + " |")
        print("|---|" + "---:|" * len(pg))
        for target in dict.fromkeys(r.target for r in all_results if r.server == pg[0]):
            row = [next(r for r in all_results if r.server == s and r.target == target) for s in pg]
            cells = [f"{r.rate:,.0f} ({r.rate / row[0].rate:.2f}x)" for r in row]
            print(f"| {target} | " + " | ".join(cells) + " |")
        print()
    print("### Where the CPU went (CPU seconds per 1,000 requests)\n")
    print("PostgreSQL commits/s: transactions committed in the bench's database per second.\n")
    print("| server | target | req/s | server | PostgreSQL | wrk | total | PostgreSQL commits/s |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for r in all_results:
        per = 1000 / r.requests if r.requests else 0
        total = (r.server_cpu + r.postgres_cpu + r.wrk_cpu) * per
        commits = f"{r.commits / r.seconds:,.0f}" if r.commits else "-"
        print(
            f"| {r.server} | {r.target} | {r.rate:,.0f} | {r.server_cpu * per:.2f} | "
            f"{r.postgres_cpu * per:.2f} | {r.wrk_cpu * per:.2f} | {total:.2f} | {commits} |"
        )
    print("\n### Resident memory (MiB)\n")
    print(
        "| server | idle, all workers | idle, per worker | under load, all | under load, per worker |"
    )
    print("|---|---:|---:|---:|---:|")
    for label, idle, peak in memory:
        print(
            f"| {label} | {mib(sum(idle))} | {' / '.join(mib(v) for v in idle)} | "
            f"{mib(sum(peak))} | {' / '.join(mib(v) for v in peak)} |"
        )
    if args.json:
        args.json.write_text(
            json.dumps([dataclasses.asdict(r) | {"rate": r.rate} for r in all_results], indent=2)
        )


if __name__ == "__main__":
    main()
