"""`shareback serve` logs requests without the client's address and without query strings, where
shoppers' typed names (the referrer look-up) and signed refs travel."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from support import free_port

ORIGIN = "http://shop.test"


def serve_and_log(database_url: str, tmp_path: Path, **env: str) -> list[str]:
    """Runs `shareback serve`, asks what a checkout would ask, and returns the access log lines."""
    port = free_port()
    log = tmp_path / f"serve-{port}.log"
    environment = {
        **os.environ,
        "SHAREBACK_DATABASE_URL": database_url,
        "SHAREBACK_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "SHAREBACK_LANDING_URL": f"{ORIGIN}/welcome",
        "SHAREBACK_ALLOWED_ORIGINS": ORIGIN,
        **{f"SHAREBACK_{name.upper()}": value for name, value in env.items()},
    }
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "shareback", "serve", "--port", str(port)],
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"shareback serve exited:\n{log.read_text()}")
                try:
                    if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"shareback serve did not answer:\n{log.read_text()}")
                time.sleep(0.1)
            looked_up = httpx.get(
                f"{url}/api/v1/campaigns/default/referrers",
                params={"q": "Anna de Vries"},
                headers={"origin": ORIGIN},
            )
            assert looked_up.status_code == 200, looked_up.text
            httpx.get(f"{url}/r/ANNA-2345", params={"ch": "whatsapp"})
        finally:
            process.terminate()
            process.wait(timeout=15)
    return [line for line in log.read_text().splitlines() if '"GET ' in line]


def test_the_access_log_keeps_no_address_and_no_query_string(
    database_url: str, tmp_path: Path
) -> None:
    lines = serve_and_log(database_url, tmp_path)
    look_up = [line for line in lines if "/referrers" in line]
    assert look_up, lines  # requests are logged…
    assert '"GET /api/v1/campaigns/default/referrers HTTP/1.1" 200' in look_up[0]
    assert any('"GET /r/ANNA-2345 HTTP/1.1" 404' in line for line in lines), lines
    for line in lines:  # …without who asked, or what they typed
        assert "127.0.0.1" not in line and "?" not in line, line
        assert "Anna" not in line and "whatsapp" not in line, line


@pytest.mark.parametrize("mode", ["full", "off"])
def test_the_access_log_can_be_made_full_or_turned_off(
    database_url: str, tmp_path: Path, mode: str
) -> None:
    lines = serve_and_log(database_url, tmp_path, access_log=mode)
    if mode == "off":
        assert lines == []
    else:
        assert any("127.0.0.1" in line and "q=Anna" in line for line in lines), lines
