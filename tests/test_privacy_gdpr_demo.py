"""A person's data request on the seeded demo, end to end through the owner API: Anna's export
holds her rows, and erasing her changes no statistic the owner reads (printed with -s for the
closing note)."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta

from shareback import tokens
from shareback.app import create_app
from shareback.demo import prepare_demo
from shareback.settings import Settings
from starlette.testclient import TestClient

KEY = "admin-key-for-tests-0123456789"
AUTH = {"authorization": f"Bearer {KEY}"}
ANNA = "anna@example.nl"


def test_erasing_a_seeded_advocate_keeps_every_statistic(settings: Settings) -> None:
    keyed = dataclasses.replace(settings, admin_api_key=KEY)
    asyncio.run(prepare_demo(keyed))
    today = tokens.now_utc().date()
    window = {"from": (today - timedelta(days=60)).isoformat(), "to": today.isoformat()}
    with TestClient(create_app(keyed)) as owner:

        def stats() -> dict[str, object]:
            answer = owner.get("/api/v1/campaigns/default/stats", params=window, headers=AUTH)
            assert answer.status_code == 200, answer.text
            return dict(answer.json())

        before = stats()
        exported = owner.get("/api/v1/gdpr/export", params={"email": ANNA}, headers=AUTH).json()
        counts = {name: len(rows) for name, rows in exported.items() if isinstance(rows, list)}
        assert counts["advocates"] == 1 and exported["advocates"][0]["name"] == "Anna de Vries"
        assert counts["clicks"] > 10 and counts["referrals_as_advocate"] > 3
        assert counts["rewards"] >= counts["referrals_as_advocate"]
        erased = owner.post("/api/v1/gdpr/delete", json={"email": ANNA}, headers=AUTH)
        assert erased.status_code == 200, erased.text
        after = stats()
        left = owner.get("/api/v1/gdpr/export", params={"email": ANNA}, headers=AUTH).json()
    assert after == before
    assert all(rows == [] for rows in left.values() if isinstance(rows, list))
    print("\nGDPR export of the demo's Anna:", ", ".join(f"{n} {k}" for k, n in counts.items()))
    print("erased:", erased.json()["erased"])
    print("statistics before = after:", before["counts"], before["money"])
