"""Small test helpers that read the real SQLite file behind the app."""

from __future__ import annotations

import sqlite3
from urllib.parse import parse_qs, urlsplit

from starlette.testclient import TestClient

from shareback.settings import Settings
from shareback.storage.sqlite import database_path


def db_rows(settings: Settings, sql: str, params: tuple[object, ...] = ()) -> list[sqlite3.Row]:
    with sqlite3.connect(database_path(settings.database_url)) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute(sql, params).fetchall()


def count(settings: Settings, table: str) -> int:
    return int(db_rows(settings, f"SELECT COUNT(*) FROM {table}")[0][0])


def join_campaign(client: TestClient, email: str, name: str | None = None, **extra: object) -> dict[str, object]:
    body = {"campaign": "default", "email": email, "name": name, **extra}
    response = client.post("/api/v1/advocates", json=body, headers={"origin": "http://shop.test"})
    assert response.status_code in (200, 201), response.text
    document: dict[str, object] = response.json()
    return document


def follow_link(client: TestClient, code: str, channel: str | None = None) -> str:
    """Follows /r/{code} like a friend's browser and returns the signed ref it lands with."""
    url = f"/r/{code}" + (f"?ch={channel}" if channel else "")
    response = client.get(url, follow_redirects=False)
    assert response.status_code == 303, response.text
    return parse_qs(urlsplit(response.headers["location"]).query)["ref"][0]
