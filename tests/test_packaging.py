"""The wheel is complete: a fresh install serves the widget, runs migrations and has the demo shop."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

from support import venv_with_our_dependencies

ROOT = Path(__file__).resolve().parent.parent

CHECK = textwrap.dedent(
    """
    import shareback, sys
    from starlette.testclient import TestClient
    from shareback.app import create_app
    from shareback.settings import Settings
    import shareback.shop.app

    assert "site-packages" in shareback.__file__ and "{root}" not in shareback.__file__, shareback.__file__
    settings = Settings(database_url="sqlite:///" + sys.argv[1])
    with TestClient(create_app(settings)) as client:
        widget = client.get("/widget.js")
        assert widget.status_code == 200 and len(widget.content) > 1000, widget.status_code
        assert client.get("/healthz").json()["status"] == "ok"
        login = client.get("/admin/login")  # templates and dashboard assets are package data
        assert login.status_code == 200 and "/admin/static/admin." in login.text, login.status_code
        css = login.text.split('href="/admin/static/admin.')[1].split('"')[0]
        assert client.get("/admin/static/admin." + css).status_code == 200
        assert client.get("/openapi.json").status_code == 200
        dutch = client.get("/admin/login", headers={"accept-language": "nl"})
        assert "Log in op je dashboard" in dutch.text, "the Dutch catalogue is package data"
    print("wheel ok")
    """
)


def test_the_built_wheel_serves_the_widget_and_ships_the_shop(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--verbose",
            "-w",
            str(dist),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert built.returncode == 0, built.stderr[-5000:]
    # A fresh install prints no warning box that looks like a failure (setuptools' "Package
    # would be ignored" for a folder of templates or migrations left out of `packages`).
    warned = [line for line in (built.stdout + built.stderr).splitlines() if "Warning:" in line]
    assert not warned, warned
    wheel = next(dist.glob("shareback-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names)
    for folder in ("storage/migrations/sqlite", "storage/migrations/postgresql", "templates/admin"):
        shipped = sorted(name for name in names if name.startswith(f"shareback/{folder}/"))
        present = sorted((ROOT / "server/shareback" / folder).glob("*.*"))
        assert len(shipped) == len(present) > 0, folder
    venv = tmp_path / "venv"
    venv_with_our_dependencies(venv)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", str(wheel)], check=True
    )
    script = tmp_path / "check.py"
    script.write_text(CHECK.replace("{root}", str(ROOT)))
    result = subprocess.run(
        [str(python), "-W", "ignore", str(script), str(tmp_path / "w.db")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "wheel ok" in result.stdout
