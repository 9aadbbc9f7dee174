"""Two Shareback servers as two hosts against one PostgreSQL database: each `shareback serve` in
a network namespace of its own, joined by veth pairs to a bridge the test makes (`ip netns`: we
are root), or, where network namespaces cannot be made, on two loopback addresses of their own.
They share nothing but the database (reached over its Unix socket from the namespaces).

Clicks spread over both are all stored, and one address's click limit is one limit over both;
one order delivered to both at once is one referral; each outgoing event reaches a real
receiver exactly once; a host killed with SIGKILL in the middle of a load has stored every
request it had acknowledged. The counts are printed (run with -s) for the closing note."""

from __future__ import annotations

import asyncio
import itertools
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from databases import PostgresDatabases, rows
from shareback import tokens
from support import BROWSER_UA, order_paid, signed_headers

pytestmark = pytest.mark.postgres

ORIGIN = "http://shop.test"
SECRET_KEY = "one-signing-key-for-both-hosts"
ADMIN_KEY = "admin-key-for-both-hosts-0123456789"
PORT = 8000
SOCKET_DIR = "/var/run/postgresql"
START_SECONDS = 40
DELIVERY_SECONDS = 60


def run_ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, timeout=10)


def netns_reason() -> str | None:
    """Why two network namespaces cannot be made here, or None when they can."""
    if shutil.which("ip") is None:
        return "the `ip` command (iproute2) is not installed"
    if os.geteuid() != 0:
        return "making network namespaces needs root"
    probe = f"sbprobe{secrets.token_hex(3)}"
    try:
        run_ip("netns", "add", probe)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        return f"`ip netns add` failed: {getattr(exc, 'stderr', b'') or exc!r}"
    run_ip("netns", "del", probe)
    return None


@dataclass
class Network:
    """A bridge in the test's namespace (the receiver's address) and one namespace per host."""

    tag: str = field(default_factory=lambda: secrets.token_hex(2))
    subnet: str = field(
        default_factory=lambda: f"10.{200 + secrets.randbelow(50)}.{secrets.randbelow(250)}"
    )
    made: list[list[str]] = field(default_factory=list)  # how to undo each step, last first

    @property
    def bridge(self) -> str:
        return f"sbbr{self.tag}"

    @property
    def gateway(self) -> str:
        return f"{self.subnet}.1"

    def namespace(self, n: int) -> str:
        return f"sb{self.tag}h{n}"

    def address(self, n: int) -> str:
        return f"{self.subnet}.{n + 2}"

    def build(self, hosts: int) -> None:
        run_ip("link", "add", self.bridge, "type", "bridge")
        self.made.append(["link", "del", self.bridge])
        run_ip("addr", "add", f"{self.gateway}/24", "dev", self.bridge)
        run_ip("link", "set", self.bridge, "up")
        for n in range(hosts):
            ns, outside, inside = self.namespace(n), f"sbv{self.tag}{n}a", f"sbv{self.tag}{n}b"
            run_ip("netns", "add", ns)
            self.made.append(["netns", "del", ns])
            run_ip("link", "add", outside, "type", "veth", "peer", "name", inside)
            self.made.append(["link", "del", outside])
            run_ip("link", "set", inside, "netns", ns)
            run_ip("link", "set", outside, "master", self.bridge)
            run_ip("link", "set", outside, "up")
            run_ip("-n", ns, "addr", "add", f"{self.address(n)}/24", "dev", inside)
            run_ip("-n", ns, "link", "set", inside, "up")
            run_ip("-n", ns, "link", "set", "lo", "up")

    def tear_down(self) -> None:
        for undo in reversed(self.made):
            subprocess.run(["ip", *undo], capture_output=True, timeout=10)
        self.made.clear()


class Receiver:
    """A real HTTP endpoint for the outgoing events: every webhook-id it was sent, counted."""

    def __init__(self, host: str) -> None:
        received: Counter[str] = Counter()
        senders: Counter[str] = Counter()
        lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                self.rfile.read(length)
                with lock:
                    received[self.headers.get("webhook-id", "")] += 1
                    senders[self.client_address[0]] += 1
                self.send_response(200)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.received = received
        self.senders = senders  # by the sending host's address
        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.url = f"http://{host}:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Host:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


@dataclass
class Hosts:
    hosts: list[Host]
    database_url: str
    receiver: Receiver
    mode: str  # "network namespaces" or "loopback addresses"
    client_address: str  # where the hosts see the test's requests come from

    @property
    def urls(self) -> list[str]:
        return [host.url for host in self.hosts]


def socket_url(database_url: str) -> str:
    """The same database over PostgreSQL's Unix socket, which a network namespace still reaches
    (a namespace has a loopback of its own: 127.0.0.1 there is not the server's)."""
    name = urlsplit(database_url).path.lstrip("/")
    return f"postgresql://postgres@/{name}?host={SOCKET_DIR}"


def start_host(
    command_prefix: list[str],
    address: str,
    port: int,
    database_url: str,
    allow_from: str,
    webhook_secret: str,
    log: Path,
) -> Host:
    env = {
        **os.environ,
        "SHAREBACK_DATABASE_URL": database_url,
        "SHAREBACK_DATABASE_POOL_SIZE": "6",
        "SHAREBACK_PUBLIC_URL": f"http://{address}:{port}",
        "SHAREBACK_WEBHOOK_SECRET": webhook_secret,
        "SHAREBACK_SECRET_KEY": SECRET_KEY,
        "SHAREBACK_ADMIN_API_KEY": ADMIN_KEY,
        "SHAREBACK_IDENTITY_SECRET": "one-identity-secret",
        "SHAREBACK_LANDING_URL": f"{ORIGIN}/welcome",
        "SHAREBACK_ALLOWED_ORIGINS": ORIGIN,
        "SHAREBACK_ALLOW_HTTP_ENDPOINTS": "true",
        "SHAREBACK_DELIVERY_INTERVAL_SECONDS": "0.2",
        # The test's requests come from one address; each stands for another visitor.
        "SHAREBACK_FORWARDED_ALLOW_IPS": allow_from,
        "SHAREBACK_ACCESS_LOG": "off",
    }
    out = log.open("wb")
    process = subprocess.Popen(
        [
            *command_prefix,
            sys.executable,
            "-m",
            "shareback",
            "serve",
            "--host",
            address,
            "--port",
            str(port),
        ],
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    out.close()
    return Host(f"http://{address}:{port}", process, log)


def free_port_on(address: str) -> int:
    with socket.socket() as sock:
        sock.bind((address, 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until_up(host: Host) -> None:
    deadline = time.monotonic() + START_SECONDS
    while True:
        if host.process.poll() is not None:
            raise RuntimeError(f"{host.url} exited:\n{host.output()}")
        try:
            if httpx.get(f"{host.url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{host.url} did not answer:\n{host.output()}")
        time.sleep(0.1)


def stop(host: Host) -> None:
    if host.process.poll() is None:
        host.process.terminate()
        try:
            host.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            host.process.kill()
            host.process.wait()


@pytest.fixture
def two_hosts(
    postgres_databases: PostgresDatabases, webhook_secret: str, tmp_path: Path
) -> Iterator[Hosts]:
    database_url = postgres_databases.fresh()
    # TWO_HOSTS_ON_LOOPBACK=1 tries the fallback where namespaces could be made.
    reason = "asked for" if os.environ.get("TWO_HOSTS_ON_LOOPBACK") else netns_reason()
    network: Network | None = None
    if reason is None and Path(SOCKET_DIR, ".s.PGSQL.5432").exists():
        network = Network()
        network.build(2)
        prefixes = [["ip", "netns", "exec", network.namespace(n)] for n in range(2)]
        addresses = [network.address(n) for n in range(2)]
        ports = [PORT, PORT]  # a namespace of its own: nothing else listens there
        host_database, client, mode = (
            socket_url(database_url),
            network.gateway,
            "network namespaces",
        )
    else:
        print(
            f"\nno network namespaces ({reason or 'no local PostgreSQL socket'}): "
            "two loopback addresses instead"
        )
        prefixes = [[], []]
        addresses = ["127.0.0.2", "127.0.0.3"]
        ports = [free_port_on(address) for address in addresses]
        host_database, client, mode = database_url, "127.0.0.1", "loopback addresses"
    receiver = Receiver(network.gateway if network else "127.0.0.1")
    hosts: list[Host] = []
    try:
        for n in range(2):
            log = tmp_path / f"host{n}.log"
            hosts.append(
                start_host(
                    prefixes[n], addresses[n], ports[n], host_database, client, webhook_secret, log
                )
            )
        for host in hosts:
            wait_until_up(host)
        yield Hosts(hosts, database_url, receiver, mode, client)
    finally:
        for host in hosts:
            stop(host)
        receiver.close()
        if network is not None:
            network.tear_down()


def visitor(n: int) -> dict[str, str]:
    """Another friend's browser on another address for every n (198.18.0.0/15: for tests)."""
    return {
        "x-forwarded-for": f"198.{18 + n // 65536 % 2}.{n // 256 % 256}.{n % 256}",
        "user-agent": f"{BROWSER_UA} friend/{n}",
    }


async def join(http: httpx.AsyncClient, url: str, n: int) -> str:
    answer = await http.post(
        f"{url}/api/v1/advocates",
        json={"campaign": "default", "email": f"advocate.{n}@example.nl"},
        headers={"origin": ORIGIN, **visitor(100_000 + n)},
    )
    assert answer.status_code == 200, answer.text
    return str(answer.json()["code"])


async def gather_limited(jobs: list[Any], at_once: int = 32) -> list[Any]:
    limit = asyncio.Semaphore(at_once)

    async def one(job: Any) -> Any:
        async with limit:
            return await job

    return list(await asyncio.gather(*(one(job) for job in jobs)))


def count_of(database_url: str, sql: str) -> int:
    return int(rows(database_url, sql)[0][0])


def report(line: str) -> None:
    print(f"\ntwo hosts: {line}", flush=True)


CLICKS = 600
SAME_ADDRESS = 30


def test_clicks_spread_over_two_hosts_are_all_stored_and_one_limit_holds_for_both(
    two_hosts: Hosts,
) -> None:
    urls = two_hosts.urls

    async def run() -> tuple[list[int], list[int]]:
        async with httpx.AsyncClient(timeout=30) as http:
            codes = [await join(http, urls[n % 2], n) for n in range(10)]
            spread = await gather_limited(
                [
                    http.get(f"{urls[n % 2]}/r/{codes[n % 10]}", headers=visitor(n))
                    for n in range(CLICKS)
                ]
            )
            # One address (a script) clicking over both hosts: its hourly limit is one limit.
            script = await gather_limited(
                [
                    http.get(
                        f"{urls[n % 2]}/r/{codes[0]}",
                        headers={"x-forwarded-for": "203.0.113.99", "user-agent": f"bot/{n}"},
                    )
                    for n in range(SAME_ADDRESS)
                ]
            )
            return [r.status_code for r in spread], [r.status_code for r in script]

    spread, script = asyncio.run(run())
    url = two_hosts.database_url
    counted = count_of(url, "SELECT COUNT(*) FROM clicks")
    uncounted = count_of(url, "SELECT COUNT(*) FROM uncounted_clicks")
    advocates_clicked = rows(url, "SELECT COUNT(DISTINCT advocate_id) FROM clicks")[0][0]
    report(
        f"[{two_hosts.mode}] clicks sent {CLICKS} (303: {spread.count(303)}), stored {counted - 20}; "
        f"one address over both hosts: {SAME_ADDRESS} sent, {counted - CLICKS} counted "
        f"(limit {20}), {uncounted} kept apart"
    )
    assert spread == [303] * CLICKS and script == [303] * SAME_ADDRESS
    assert counted == CLICKS + 20 and uncounted == SAME_ADDRESS - 20
    assert advocates_clicked == 10


ORDER_DELIVERIES = 60


def test_one_order_delivered_to_both_hosts_at_once_is_one_referral(
    two_hosts: Hosts, webhook_secret: str
) -> None:
    urls = two_hosts.urls

    async def run() -> list[dict[str, Any]]:
        async with httpx.AsyncClient(timeout=30) as http:
            code = await join(http, urls[0], 1)
            landed = await http.get(f"{urls[1]}/r/{code}", headers=visitor(1))
            ref = httpx.URL(landed.headers["location"]).params["ref"]
            body = order_paid("2001", "friend@example.com", ref=ref)
            answers = await asyncio.gather(
                *(
                    http.post(
                        f"{urls[n % 2]}/webhooks/orders",
                        content=body,
                        headers=signed_headers(webhook_secret, body, f"msg_{n}"),
                    )
                    for n in range(ORDER_DELIVERIES)
                )
            )
            return [answer.json() for answer in answers]

    outcomes = Counter(answer["status"] for answer in asyncio.run(run()))
    url = two_hosts.database_url
    referrals = count_of(url, "SELECT COUNT(*) FROM referrals")
    report(
        f"one order delivered {ORDER_DELIVERIES} times over both hosts at once: {dict(outcomes)}, "
        f"{referrals} referral, {count_of(url, 'SELECT COUNT(*) FROM rewards')} rewards"
    )
    assert outcomes == {"recorded": 1, "duplicate": ORDER_DELIVERIES - 1}
    assert referrals == 1 and count_of(url, "SELECT COUNT(*) FROM rewards") == 2


JOINS = 40


def test_each_outgoing_event_reaches_the_receiver_exactly_once(
    two_hosts: Hosts, webhook_secret: str
) -> None:
    urls = two_hosts.urls
    receiver = two_hosts.receiver

    async def run() -> None:
        async with httpx.AsyncClient(timeout=30) as http:
            made = await http.post(
                f"{urls[0]}/api/v1/webhook-endpoints",
                json={"url": receiver.url, "description": "the test's receiver"},
                headers={"authorization": f"Bearer {ADMIN_KEY}"},
            )
            assert made.status_code == 201, made.text
            codes = await gather_limited([join(http, urls[n % 2], n) for n in range(JOINS)])
            for n, code in enumerate(codes[:10]):  # ten referred orders: three events each
                landed = await http.get(f"{urls[n % 2]}/r/{code}", headers=visitor(n))
                ref = httpx.URL(landed.headers["location"]).params["ref"]
                body = order_paid(f"3{n:03d}", f"friend.{n}@example.com", ref=ref)
                answer = await http.post(
                    f"{urls[(n + 1) % 2]}/webhooks/orders",
                    content=body,
                    headers=signed_headers(webhook_secret, body, f"msg_{n}"),
                )
                assert answer.json()["status"] == "recorded"

    asyncio.run(run())
    url = two_hosts.database_url
    expected = {row[0] for row in rows(url, "SELECT message_id FROM outbox")}
    deadline = time.monotonic() + DELIVERY_SECONDS
    while set(receiver.received) != expected and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1.5)  # ten more rounds of both workers: a second sending would arrive by now
    received = dict(receiver.received)
    report(
        f"events written {len(expected)}, delivered to the receiver {sum(received.values())} "
        f"times ({len(received)} distinct), sent more than once: "
        f"{sum(1 for n in received.values() if n > 1)}; sent by each host: "
        f"{dict(receiver.senders)}"
    )
    assert set(received) == expected
    assert set(received.values()) == {1}
    # Per order: referral.converted, two reward.created and the friend's reward.fulfilled.
    assert len(expected) == JOINS + 10 * 4
    statuses = Counter(row[0] for row in rows(url, "SELECT status FROM deliveries"))
    assert statuses == {"delivered": len(expected)}


def test_a_campaign_changed_on_one_host_is_in_force_on_the_other_within_seconds(
    two_hosts: Hosts,
) -> None:
    urls = two_hosts.urls

    async def run() -> float:
        async with httpx.AsyncClient(timeout=30) as http:
            code = await join(http, urls[0], 1)

            async def landing(n: int) -> str:
                answer = await http.get(f"{urls[1]}/r/{code}", headers=visitor(n))
                return answer.headers["location"].split("?")[0]

            assert await landing(0) == f"{ORIGIN}/welcome"
            changed = await http.patch(
                f"{urls[0]}/api/v1/campaigns/default",
                json={"landing_url": f"{ORIGIN}/friends"},
                headers={"authorization": f"Bearer {ADMIN_KEY}"},
            )
            assert changed.status_code == 200, changed.text
            started = time.monotonic()
            for n in itertools.count(1):
                if await landing(n) == f"{ORIGIN}/friends":
                    return time.monotonic() - started
                assert time.monotonic() - started < 15, "the other host never saw the change"
                await asyncio.sleep(0.05)
            raise AssertionError

    seconds = asyncio.run(run())
    report(f"a campaign changed on one host was in force on the other after {seconds:.2f} s")


def test_a_host_killed_mid_load_has_stored_every_request_it_acknowledged(
    two_hosts: Hosts, webhook_secret: str
) -> None:
    urls = two_hosts.urls
    victim = two_hosts.hosts[0]
    kill_after = 150  # acknowledged requests on the victim before it is killed

    async def run() -> tuple[list[str], list[str], int, int]:
        acknowledged_clicks: list[str] = []
        acknowledged_orders: list[str] = []
        failed = 0
        on_victim = 0
        killed = asyncio.Event()
        async with httpx.AsyncClient(timeout=10) as http:
            codes = [await join(http, urls[n % 2], n) for n in range(4)]
            numbers = itertools.count()

            async def load(worker: int) -> None:
                nonlocal failed, on_victim
                while True:
                    n = next(numbers)
                    if (killed.is_set() and n > kill_at[0] + 200) or n > 20_000:
                        return
                    url = urls[n % 2]
                    try:
                        if n % 3:
                            answer = await http.get(f"{url}/r/{codes[n % 4]}", headers=visitor(n))
                            if answer.status_code != 303:
                                continue
                            ref = httpx.URL(answer.headers["location"]).params["ref"]
                            claims = tokens.verify_ref(SECRET_KEY, ref)
                            acknowledged_clicks.append(claims.click_token)
                        else:
                            order = f"9{n:06d}"
                            body = order_paid(order, f"buyer.{n}@example.com")
                            answer = await http.post(
                                f"{url}/webhooks/orders",
                                content=body,
                                headers=signed_headers(webhook_secret, body, f"msg_{n}"),
                            )
                            if answer.status_code != 200:
                                continue
                            acknowledged_orders.append(order)
                    except httpx.HTTPError:
                        failed += 1
                        continue
                    if url == victim.url and not killed.is_set():
                        on_victim += 1
                        if on_victim >= kill_after:
                            victim.process.send_signal(signal.SIGKILL)
                            kill_at[0] = n
                            killed.set()

            kill_at = [10**9]
            await asyncio.wait_for(asyncio.gather(*(load(w) for w in range(24))), 120)
            return acknowledged_clicks, acknowledged_orders, failed, on_victim

    clicks, orders, failed, on_victim = asyncio.run(run())
    victim.process.wait(timeout=10)
    assert victim.process.returncode == -signal.SIGKILL
    url = two_hosts.database_url
    stored_clicks = {
        row[0]
        for row in rows(url, "SELECT token FROM clicks UNION SELECT token FROM uncounted_clicks")
    }
    stored_orders = {row[0] for row in rows(url, "SELECT order_id FROM orders")}
    lost_clicks = [token for token in clicks if token not in stored_clicks]
    lost_orders = [order for order in orders if order not in stored_orders]
    report(
        f"SIGKILL after {on_victim} answers from the killed host: acknowledged "
        f"{len(clicks)} clicks and {len(orders)} orders over both hosts, stored "
        f"{len(clicks) - len(lost_clicks)} and {len(orders) - len(lost_orders)}; "
        f"{failed} requests failed (in flight on, or sent to, the killed host)"
    )
    assert lost_clicks == [] and lost_orders == []
    assert failed > 0  # the kill did happen in the middle of the load
    assert len(clicks) > kill_after and len(orders) > kill_after // 3
