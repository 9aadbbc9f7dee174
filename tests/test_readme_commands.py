"""The README's two commands do not fight: the test command's installer, run while a demo that
`pip install .` installed is running, leaves that demo working (it used to reinstall the package
in editable mode into the same environment, and every page of the demo then answered 500 with
TemplateNotFound)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
from support import free_port, venv_with_our_dependencies

ROOT = Path(__file__).resolve().parent.parent


def wheel_in_a_venv(tmp_path: Path) -> Path:
    """`pip install .` into an environment of its own, as a new user runs the first command."""
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    venv = tmp_path / "demo-venv"
    venv_with_our_dependencies(venv)
    wheel = next(dist.glob("shareback-*.whl"))
    subprocess.run(
        [str(venv / "bin/python"), "-m", "pip", "install", "--quiet", "--no-deps", str(wheel)],
        check=True,
        capture_output=True,
    )
    return venv


def pages(port: int, shop_port: int) -> dict[str, int]:
    urls = [
        f"http://127.0.0.1:{port}/healthz",
        f"http://127.0.0.1:{port}/widget.js",
        f"http://127.0.0.1:{port}/admin/login",
        f"http://127.0.0.1:{shop_port}/",
        f"http://127.0.0.1:{shop_port}/login",
    ]
    return {url: httpx.get(url, timeout=10).status_code for url in urls}


def test_installing_the_tests_while_the_demo_runs_leaves_the_demo_working(tmp_path: Path) -> None:
    venv = wheel_in_a_venv(tmp_path)
    port, shop_port = free_port(), free_port()
    environ = {
        **os.environ,
        "PATH": f"{venv / 'bin'}:{os.environ['PATH']}",  # the demo's python is the one on PATH
        "SHAREBACK_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.db'}",
    }
    environ.pop("VIRTUAL_ENV", None)
    log = (tmp_path / "demo.log").open("w")
    demo = subprocess.Popen(
        [str(venv / "bin/shareback"), "demo", "--port", str(port), "--shop-port", str(shop_port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=environ,
        cwd=tmp_path,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                before = pages(port, shop_port)
                break
            except httpx.HTTPError:
                assert demo.poll() is None, (tmp_path / "demo.log").read_text()
                assert time.monotonic() < deadline, (tmp_path / "demo.log").read_text()
                time.sleep(0.2)
        assert set(before.values()) == {200}, before
        installed = subprocess.run(
            ["bash", "scripts/install-test-deps"],
            cwd=ROOT,
            env=environ,
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert installed.returncode == 0, installed.stderr[-5000:]
        after = pages(port, shop_port)
        assert after == before, after
        # The demo's environment still has its own, non-editable shareback.
        where = subprocess.run(
            [str(venv / "bin/python"), "-c", "import shareback; print(shareback.__file__)"],
            capture_output=True,
            text=True,
            check=True,
        )
        assert str(venv) in where.stdout, where.stdout
    finally:
        demo.terminate()
        demo.wait(timeout=20)
        log.close()
