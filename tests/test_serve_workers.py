"""`shareback serve --workers N`: N worker processes listen on the one port."""

from __future__ import annotations

import os
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from shareback.settings import Settings
from support import BROWSER_UA, count, shareback_serve


def listening_inode(port: int) -> str | None:
    """The inode of the socket listening on 127.0.0.1:port (/proc/net/tcp, state 0A); None
    while there is none (yet)."""
    wanted = f"0100007F:{port:04X}"
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[1] == wanted and fields[3] == "0A":
            return fields[9]
    return None


def holders(inode: str) -> set[int]:
    """The processes with that socket open."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            links = [os.readlink(fd) for fd in (entry / "fd").iterdir()]
        except OSError:
            continue
        if f"socket:[{inode}]" in links:
            found.add(int(entry.name))
    return found


def serving_pids(port: int) -> set[int]:
    """Every process holding the listening socket that is not uvicorn's supervisor (the
    supervisor is the parent of the others)."""
    inode = listening_inode(port)
    if inode is None:
        return set()
    pids = holders(inode)
    parents = {
        int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1]) for pid in pids
    }
    return pids - parents


def test_two_workers_listen_on_the_port_and_answer(settings: Settings) -> None:
    with shareback_serve(
        settings.database_url, workers="2", forwarded_allow_ips="127.0.0.1"
    ) as url:
        port = urlsplit(url).port
        assert port is not None
        # The first worker may answer before the second has started: wait for both (a
        # readiness wait, not a timing assertion).
        deadline = time.monotonic() + 60
        while len(workers := serving_pids(port)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(workers) == 2
        # Each new connection goes to whichever worker accepts it first.
        seen: set[str] = set()
        joined = httpx.post(
            f"{url}/api/v1/advocates", json={"campaign": "default", "email": "anna@example.nl"}
        )
        assert joined.status_code == 200, joined.text
        code = joined.json()["code"]
        for n in range(40):
            with httpx.Client(base_url=url, headers={"user-agent": f"{BROWSER_UA} {n}"}) as friend:
                answer = friend.get(f"/r/{code}", headers={"x-forwarded-for": f"198.51.100.{n}"})
                assert answer.status_code == 303
                seen.add(answer.headers["location"])
        assert len(seen) == 40
        assert serving_pids(port) == workers  # none died
    assert count(settings, "clicks") == 40
