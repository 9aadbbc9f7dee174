"""docs/production.md as it is written: its nginx configuration run in front of two
`shareback serve` processes with TLS, its systemd unit verified, its settings file read, and its
backup and restore commands run against a live server. The blocks are read from the page, so the
guide cannot drift from what works."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, closing
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest
from shareback import visitors
from shareback.settings import Settings
from support import (
    count,
    db_rows,
    free_port,
    order_paid,
    shareback_serve,
    signed_headers,
)

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "production.md"
CLIENT = "127.0.0.2"  # the shopper's address as nginx sees it: not nginx's own 127.0.0.1


def block(first_line: str) -> str:
    """The guide's code block that starts with this comment line (its file name)."""
    for found in re.finditer(r"```[a-z]*\n(.*?)```", GUIDE.read_text(), re.S):
        if found[1].startswith(first_line + "\n"):
            return found[1]
    raise AssertionError(f"docs/production.md has no block starting {first_line!r}")


def needs(program: str) -> str:
    found = shutil.which(program) or (f"/usr/sbin/{program}" if program == "nginx" else None)
    if not found or not os.path.exists(found):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{program} is missing: scripts/install-test-deps installs it (CI=true)")
        pytest.skip(f"{program} is not installed: run scripts/install-test-deps")
    return found


def self_signed(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "fullchain.pem", folder / "privkey.pem"
    subprocess.run(
        [
            needs("openssl"),
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=refer.example.com",
            "-addext",
            "subjectAltName=DNS:refer.example.com",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def site_config(backends: list[int], http_port: int, https_port: int, folder: Path) -> str:
    """The guide's nginx site with this test's ports and certificate: nothing else changed."""
    cert, key = self_signed(folder)
    site = block("# /etc/nginx/conf.d/shareback.conf")
    for default, port in zip(("127.0.0.1:8000", "127.0.0.1:8001"), backends, strict=True):
        assert default in site
        site = site.replace(default, f"127.0.0.1:{port}")
    replacements = {
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "/etc/letsencrypt/live/refer.example.com/fullchain.pem": str(cert),
        "/etc/letsencrypt/live/refer.example.com/privkey.pem": str(key),
    }
    for old, new in replacements.items():
        assert old in site, old
        site = site.replace(old, new)
    return site


@pytest.fixture
def nginx_in_front(
    settings: Settings, tmp_path: Path
) -> Iterator[tuple[str, str, list[ExitStack], Path]]:
    """Two `shareback serve` on one database, and nginx with the guide's site in front of them.
    Yields the HTTPS and HTTP base URLs, a way to stop each backend, and nginx's access log."""
    nginx = needs("nginx")
    backends = []
    with ExitStack() as everything:
        stops = []
        for _ in range(2):
            stop = ExitStack()
            url = stop.enter_context(
                shareback_serve(
                    settings.database_url,
                    forwarded_allow_ips="127.0.0.1",
                    public_url="https://refer.example.com",
                    webhook_secret=" ".join(settings.webhook_secrets),
                )
            )
            everything.callback(stop.close)
            stops.append(stop)
            backends.append(int(url.rsplit(":", 1)[1]))
        http_port, https_port = free_port(), free_port()
        log = tmp_path / "access.log"
        temp = tmp_path / "nginx-temp"
        temp.mkdir()
        main = f"""
            daemon off;
            {"user root;" if os.geteuid() == 0 else ""}
            pid {tmp_path}/nginx.pid;
            error_log {tmp_path}/error.log warn;
            events {{ worker_connections 256; }}
            http {{
                log_format upstreams '$remote_addr $upstream_addr $status';
                access_log {log} upstreams;
                client_body_temp_path {temp}/body;
                proxy_temp_path {temp}/proxy;
                fastcgi_temp_path {temp}/fastcgi;
                uwsgi_temp_path {temp}/uwsgi;
                scgi_temp_path {temp}/scgi;
                {site_config(backends, http_port, https_port, tmp_path)}
            }}
        """
        conf = tmp_path / "nginx.conf"
        conf.write_text(main)
        checked = subprocess.run([nginx, "-t", "-c", str(conf)], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
        process = subprocess.Popen(
            [nginx, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        everything.callback(process.wait, 10)
        everything.callback(process.terminate)
        https, http = f"https://127.0.0.1:{https_port}", f"http://127.0.0.1:{http_port}"
        deadline = time.monotonic() + 10
        while True:
            try:
                httpx.get(f"{http}/", timeout=1)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.1)
        yield https, http, stops, log


def shopper(cert: Path) -> httpx.Client:
    """A client from 127.0.0.2 that checks nginx's certificate (ours, self-signed)."""
    context = ssl.create_default_context(cafile=str(cert))
    context.check_hostname = False  # the address is 127.0.0.1; the chain is still verified
    transport = httpx.HTTPTransport(local_address=CLIENT, verify=context)
    return httpx.Client(transport=transport, headers={"host": "refer.example.com"}, timeout=10)


def test_the_guides_nginx_serves_two_processes_with_tls_and_the_real_client_address(
    settings: Settings,
    nginx_in_front: tuple[str, str, list[ExitStack], Path],
    tmp_path: Path,
) -> None:
    https, http, stops, log = nginx_in_front
    with shopper(tmp_path / "fullchain.pem") as client:
        health = client.get(f"{https}/healthz")
        assert health.status_code == 200
        assert health.headers["strict-transport-security"] == "max-age=31536000"
        # Plain HTTP is sent to HTTPS, path kept.
        redirected = httpx.get(f"{http}/r/ANY", headers={"host": "refer.example.com"})
        assert redirected.status_code == 301
        assert redirected.headers["location"] == "https://refer.example.com/r/ANY"

        code = join(client, https)
        clicks = 12
        for n in range(clicks):
            # Each click claims another address: nginx replaces the header with the real one.
            answer = client.get(
                f"{https}/r/{code}",
                headers={"x-forwarded-for": f"198.51.100.{n}", "user-agent": f"Phone/{n}"},
            )
            assert answer.status_code == 303
            assert "ref=" in answer.headers["location"]
        ref = answer.headers["location"].split("ref=", 1)[1]
        body = order_paid("nginx-1", "friend@example.com", "42.00", ref)
        signed = signed_headers(settings.webhook_secrets[0], body, "nginx-msg-1")
        posted = client.post(f"{https}/webhooks/orders", content=body, headers=signed)
        assert (posted.status_code, posted.json()["status"]) == (200, "recorded")
        too_big = client.post(f"{https}/webhooks/orders", content=b"x" * 300_000, headers=signed)
        assert too_big.status_code == 413  # nginx's own limit, before Shareback reads a byte
        # A platform's large order passes nginx and reaches Shareback (which checks Shopify's
        # signature: this one has none).
        large = client.post(f"{https}/webhooks/shopify", content=b"x" * 300_000)
        assert large.status_code != 413 and large.json()["error"]["code"], large.text

    salt = db_rows(settings, "SELECT salt FROM ip_salts WHERE day = ?", (today(),))[0][0]
    hashes = {row[0] for row in db_rows(settings, "SELECT ip_hash FROM clicks")}
    hashes |= {row[0] for row in db_rows(settings, "SELECT ip_hash FROM uncounted_clicks")}
    assert hashes == {visitors.ip_hash(salt, CLIENT)}  # not one of the twelve claimed
    assert count(settings, "clicks") + count(settings, "uncounted_clicks") == clicks
    served = {line.split()[1] for line in log.read_text().splitlines() if line.startswith(CLIENT)}
    assert len(served - {"-"}) == 2, served  # both processes took requests ("-": nginx's 413)

    # One process stops (a restart): nginx sends everything to the other; nothing fails.
    stops[0].close()
    with shopper(tmp_path / "fullchain.pem") as client:
        answers = [client.get(f"{https}/healthz").status_code for _ in range(10)]
        answers += [client.get(f"{https}/r/{code}").status_code for _ in range(5)]
    assert answers == [200] * 10 + [303] * 5


def today() -> date:
    return datetime.now(UTC).date()


def dump_rows(url: str, table: str) -> int:
    return count(Settings(database_url=url), table)


def test_the_guides_systemd_unit_verifies(tmp_path: Path) -> None:
    analyze = needs("systemd-analyze")
    unit = block("# /etc/systemd/system/shareback@.service")
    binary = shutil.which("shareback") or f"{sys.prefix}/bin/shareback"
    assert "/opt/shareback/venv/bin/shareback" in unit
    unit = unit.replace("/opt/shareback/venv/bin/shareback", binary)
    unit = unit.replace("/etc/shareback/shareback.env", str(tmp_path / "shareback.env"))
    (tmp_path / "shareback.env").write_text(block("# /etc/shareback/shareback.env"))
    path = tmp_path / "shareback@8000.service"
    path.write_text(unit)
    checked = subprocess.run([analyze, "verify", str(path)], capture_output=True, text=True)
    # A bad setting is reported and ignored, a fatal one fails: both would show here.
    assert checked.returncode == 0 and not (checked.stdout + checked.stderr).strip(), checked
    assert "--port %i" in unit and "--host 127.0.0.1" in unit


def test_the_guides_settings_file_is_read_as_settings() -> None:
    lines = block("# /etc/shareback/shareback.env").splitlines()[1:]
    environ = dict(line.split("=", 1) for line in lines if line and not line.startswith("#"))
    known = set(re.findall(r'config\(\s*"([A-Z_]+)"', settings_source()))
    assert {name.removeprefix("SHAREBACK_") for name in environ} <= known
    read = Settings.from_env(environ)
    assert read.forwarded_allow_ips == ("127.0.0.1",)
    assert read.database_url == "sqlite:////var/lib/shareback/shareback.db"
    assert read.public_url == "https://refer.example.com"


def settings_source() -> str:
    return (Path(__file__).resolve().parent.parent / "server/shareback/settings.py").read_text()


def test_a_sqlite_backup_taken_while_clicks_are_written_restores_with_every_link(
    tmp_path: Path,
) -> None:
    live = tmp_path / "shareback.db"
    url = f"sqlite:///{live}"
    backup = tmp_path / "backup-2026-12-01.db"
    environ = {**os.environ, "SHAREBACK_DATABASE_URL": url}
    with shareback_serve(url) as server, httpx.Client(base_url=server) as client:
        code = join(client)
        stop = threading.Event()
        clicked: list[int] = []

        def keep_clicking() -> None:
            while not stop.is_set():
                n = len(clicked)
                agent = {"user-agent": f"Phone/{n}"}
                clicked.append(client.get(f"/r/{code}", headers=agent).status_code)

        worker = threading.Thread(target=keep_clicking)
        worker.start()
        try:
            while len(clicked) < 5:
                time.sleep(0.01)
            made = subprocess.run(
                [sys.executable, "-m", "shareback", "db", "backup", str(backup)],
                env=environ,
                capture_output=True,
                text=True,
            )
        finally:
            stop.set()
            worker.join()
        assert made.returncode == 0, made.stderr
        assert "backed up" in made.stdout
        again = subprocess.run(
            [sys.executable, "-m", "shareback", "db", "backup", str(backup)],
            env=environ,
            capture_output=True,
            text=True,
        )
        assert again.returncode == 1 and "exists" in again.stderr  # never overwritten
    with closing(sqlite3.connect(backup)) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored = copy.execute("SELECT count(*) FROM clicks").fetchone()[0]
        uncounted = copy.execute("SELECT count(*) FROM uncounted_clicks").fetchone()[0]
    assert 1 <= stored + uncounted <= len(clicked)
    # Restored in the live file's place: the link shared before the backup still works.
    for leftover in (live, Path(f"{live}-wal"), Path(f"{live}-shm")):
        leftover.unlink(missing_ok=True)
    shutil.copy(backup, live)
    with shareback_serve(url) as server:
        assert httpx.get(f"{server}/r/{code}").status_code == 303
    with closing(sqlite3.connect(live)) as restored:
        after = restored.execute("SELECT count(*) FROM clicks").fetchone()[0]
        after += restored.execute("SELECT count(*) FROM uncounted_clicks").fetchone()[0]
    assert after == stored + uncounted + 1


def join(client: httpx.Client, base: str = "") -> str:
    """Anna joins from the shop's page (the default landing URL's origin)."""
    joined = client.post(
        f"{base}/api/v1/advocates",
        json={"campaign": "default", "email": "anna@example.nl", "name": "Anna"},
        headers={"origin": "http://127.0.0.1:8001"},
    )
    assert joined.status_code == 200, joined.text
    return str(joined.json()["code"])


def test_the_backup_command_refuses_postgresql_and_a_missing_file(tmp_path: Path) -> None:
    for url, message in (
        ("postgresql://shareback:secret@db.internal/shareback", "pg_dump"),
        (f"sqlite:///{tmp_path}/nothing.db", "no SQLite database"),
    ):
        refused = subprocess.run(
            [sys.executable, "-m", "shareback", "db", "backup", str(tmp_path / "out.db")],
            env={**os.environ, "SHAREBACK_DATABASE_URL": url},
            capture_output=True,
            text=True,
        )
        assert refused.returncode == 1 and message in refused.stderr, refused.stderr
        assert "secret" not in refused.stderr


@pytest.mark.postgres
def test_a_pg_dump_restores_into_an_empty_database_with_every_link(
    database_url: str, fresh_database_url: Callable[[], str], tmp_path: Path
) -> None:
    """The guide's pg_dump --format=custom and pg_restore --no-owner, as written."""
    with shareback_serve(database_url) as server, httpx.Client(base_url=server) as client:
        code = join(client)
        landed = client.get(f"/r/{code}")
        assert landed.status_code == 303
    dump = tmp_path / "shareback-2026-12-01.dump"
    restored = fresh_database_url()
    for command in (
        [needs("pg_dump"), "--format=custom", f"--file={dump}", database_url],
        [needs("pg_restore"), "--no-owner", f"--dbname={restored}", str(dump)],
    ):
        ran = subprocess.run(command, capture_output=True, text=True)
        assert ran.returncode == 0, ran.stderr
    with shareback_serve(restored) as server:
        # The same signing secret: the link and the ref it hands out are as before.
        again = httpx.get(f"{server}/r/{code}")
        assert again.status_code == 303
    # The click before the dump is there; the same visitor again that day counts once.
    assert dump_rows(restored, "clicks") == 1
    assert dump_rows(restored, "secrets") == dump_rows(database_url, "secrets") > 0
