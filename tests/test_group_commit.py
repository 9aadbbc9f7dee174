"""Group-committed referral clicks (storage/group_commit.py): concurrent clicks share one
transaction, every redirect waits for its click's COMMIT, and a click that could not be stored
is never acknowledged as stored, though the friend still lands on the shop."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Protocol
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from databases import backend
from shareback import tokens
from shareback.app import create_app
from shareback.settings import Settings
from shareback.storage.base import Store
from shareback.storage.group_commit import GroupCommit
from store_contract import join, make_campaign, run
from support import BROWSER_UA, LiveServer, count, db_execute, db_rows

CLICKS = 60


def refuse_commits(settings: Settings, advocate_id: int | None = None) -> None:
    """Clicks (of one advocate, or all) that reach the database but cannot be committed: each
    inserts a row whose foreign key is checked only at COMMIT, and names no campaign."""
    db_execute(
        settings,
        "CREATE TABLE commit_guard (campaign_id INTEGER REFERENCES campaigns (id) "
        "DEFERRABLE INITIALLY DEFERRED)",
    )
    when = "" if advocate_id is None else f" WHEN NEW.advocate_id = {advocate_id}"
    if backend() == "sqlite":
        db_execute(
            settings,
            f"CREATE TRIGGER guard_clicks AFTER INSERT ON clicks FOR EACH ROW{when} "
            "BEGIN INSERT INTO commit_guard VALUES (-1); END",
        )
        return
    db_execute(
        settings,
        "CREATE FUNCTION guard_click() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN INSERT INTO commit_guard VALUES (-1); RETURN NEW; END $$",
    )
    when = "" if advocate_id is None else f" WHEN (NEW.advocate_id = {advocate_id})"
    db_execute(
        settings,
        f"CREATE TRIGGER guard_clicks AFTER INSERT ON clicks FOR EACH ROW{when} "
        "EXECUTE FUNCTION guard_click()",
    )


def allow_commits(settings: Settings) -> None:
    db_execute(
        settings, "DROP TRIGGER guard_clicks" + ("" if backend() == "sqlite" else " ON clicks")
    )


class Answer(Protocol):
    @property
    def status_code(self) -> int: ...

    @property
    def text(self) -> str: ...

    @property
    def headers(self) -> Mapping[str, str]: ...


def ref_of(response: Answer) -> str:
    assert response.status_code == 303, response.text
    return parse_qs(urlsplit(response.headers["location"]).query)["ref"][0]


def test_concurrent_clicks_are_each_stored_before_their_own_redirect(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    """Sixty friends at once, each from their own address and browser, over three links: every
    redirect carries its own click's token, and every token is a stored click."""

    async def burst(url: str, links: list[str]) -> list[httpx.Response]:
        limits = httpx.Limits(max_connections=CLICKS)
        async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:
            return await asyncio.gather(
                *(
                    client.get(
                        f"/r/{links[n % len(links)]}?ch=whatsapp",
                        headers={
                            "x-forwarded-for": f"203.0.113.{n}",
                            "user-agent": f"{BROWSER_UA} friend/{n}",
                        },
                    )
                    for n in range(CLICKS)
                )
            )

    async def advocates(store: Store) -> list[str]:
        campaign = await store.campaign("default")
        assert campaign is not None
        return [(await join(store, campaign, f"a{n}@example.nl", "Anna")).code for n in range(3)]

    app = create_app(settings)
    with LiveServer(app) as server:  # uvicorn believes X-Forwarded-For from 127.0.0.1 here
        links = run(settings.database_url, advocates)
        responses = asyncio.run(burst(server.url, links))
    key = secret_key(settings)
    claims = [tokens.verify_ref(key, ref_of(response)) for response in responses]
    acknowledged = {claim.click_token for claim in claims}
    assert len(acknowledged) == CLICKS  # each friend their own click
    stored = {row[0] for row in db_rows(settings, "SELECT token FROM clicks")}
    assert stored == acknowledged
    per_link = db_rows(
        settings,
        "SELECT a.code, COUNT(*) FROM clicks c JOIN advocates a ON a.id = c.advocate_id "
        "GROUP BY a.code",
    )
    assert sorted((row[0], row[1]) for row in per_link) == sorted(
        (code, CLICKS // 3) for code in links
    )
    assert sum(row[0] for row in db_rows(settings, "SELECT n FROM click_days")) == CLICKS
    assert [claim.code for claim in claims] == [links[n % 3] for n in range(CLICKS)]
    assert "could not be stored" not in caplog.text


def secret_key(settings: Settings) -> str:
    return str(db_rows(settings, "SELECT value FROM secrets WHERE name = 'secret_key'")[0][0])


@pytest.mark.parametrize("friends", [1, 40])
def test_concurrent_clicks_share_one_transaction(settings: Settings, friends: int) -> None:
    """Clicks that arrive while none is being written go into one transaction, each answered
    with its own token; a visitor's second click the same day gets the first one's token."""

    async def scenario(store: Store) -> None:
        campaign = await make_campaign(store)
        anna = await join(store, campaign, "anna@example.nl", "Anna")
        bram = await join(store, campaign, "bram@example.nl", "Bram")
        now = tokens.now_utc()
        clicks = [
            store.record_click(
                (anna, bram)[n % 2].id,
                f"t{n}",
                "whatsapp",
                f"ip{n}",
                "mobile",
                now,
                visitor=f"v{n}",
            )
            for n in range(friends)
        ]
        # The same visitor twice on Anna's link, in the same batch: counted once.
        clicks += [
            store.record_click(anna.id, "again1", "email", "ipx", "mobile", now, visitor="vx"),
            store.record_click(anna.id, "again2", "email", "ipx", "mobile", now, visitor="vx"),
        ]
        answers = await asyncio.gather(*clicks)
        assert answers == [f"t{n}" for n in range(friends)] + ["again1", "again1"]
        writer = store._clicks  # type: ignore[attr-defined]
        assert isinstance(writer, GroupCommit)
        assert (writer.batches, writer.items) == (1, friends + 2)
        # The next day the same visitor counts again, and alone in its batch.
        later = await store.record_click(
            anna.id, "next-day", "email", "ipx", "mobile", now + timedelta(days=1), visitor="vx"
        )
        assert later == "next-day" and writer.batches == 2

    run(settings.database_url, scenario)
    assert count(settings, "clicks") == friends + 2
    assert sum(row[0] for row in db_rows(settings, "SELECT n FROM click_days")) == friends + 2


def on_a_database_of_its_own(settings: Settings, fresh: Callable[[], str]) -> Settings:
    """These tests add a trigger: on PostgreSQL not to the database the other tests share."""
    return dataclasses.replace(settings, database_url=fresh())


def test_a_click_whose_commit_fails_is_not_acknowledged_but_the_friend_lands(
    settings: Settings, fresh_database_url: Callable[[], str], caplog: pytest.LogCaptureFixture
) -> None:
    from starlette.testclient import TestClient

    settings = on_a_database_of_its_own(settings, fresh_database_url)
    with TestClient(create_app(settings), headers={"user-agent": BROWSER_UA}) as client:
        anna = client.post(
            "/api/v1/advocates",
            json={"campaign": "default", "email": "anna@example.nl"},
            headers={"origin": "http://shop.test"},
        ).json()["code"]
        refuse_commits(settings)
        with caplog.at_level(logging.ERROR, "shareback"):
            response = client.get(f"/r/{anna}?ch=whatsapp", follow_redirects=False)
        # Sent on to the shop, with the bare code: no click token claims a stored click.
        assert response.status_code == 303
        location = urlsplit(response.headers["location"])
        assert f"{location.scheme}://{location.netloc}{location.path}" == "http://shop.test/welcome"
        assert parse_qs(location.query) == {"utm_source": ["referral"], "ref": [anna]}
        assert "could not be stored" in caplog.text
        assert count(settings, "clicks") == 0
        assert db_rows(settings, "SELECT COUNT(*) FROM click_days")[0][0] == 0

        # The writer is clean again: once the database takes them, clicks are stored.
        allow_commits(settings)
        ref = ref_of(client.get(f"/r/{anna}", follow_redirects=False))
        token = tokens.verify_ref(secret_key(settings), ref).click_token
        assert [row[0] for row in db_rows(settings, "SELECT token FROM clicks")] == [token]


def test_one_unstorable_click_does_not_take_its_batch_down(
    settings: Settings, fresh_database_url: Callable[[], str]
) -> None:
    """The batch fails as a whole, then is written click by click: the others are stored and
    acknowledged, the bad one gets the error and nothing of it is kept."""
    settings = on_a_database_of_its_own(settings, fresh_database_url)
    ids: dict[str, int] = {}

    async def seed(store: Store) -> None:
        campaign = await make_campaign(store)
        ids["anna"] = (await join(store, campaign, "anna@example.nl", "Anna")).id
        ids["bram"] = (await join(store, campaign, "bram@example.nl", "Bram")).id

    run(settings.database_url, seed)
    refuse_commits(settings, advocate_id=ids["bram"])

    async def burst(store: Store) -> None:
        now = tokens.now_utc()
        answers = await asyncio.gather(
            *(
                store.record_click(
                    ids[("anna", "bram")[n % 2]],
                    f"t{n}",
                    "link",
                    f"ip{n}",
                    "desktop",
                    now,
                    visitor=f"v{n}",
                )
                for n in range(10)
            ),
            return_exceptions=True,
        )
        assert answers[0::2] == [f"t{n}" for n in range(0, 10, 2)]
        assert all(isinstance(answer, Exception) for answer in answers[1::2])

    run(settings.database_url, burst)
    stored = sorted(row[0] for row in db_rows(settings, "SELECT token FROM clicks"))
    assert stored == [f"t{n}" for n in range(0, 10, 2)]
    assert db_rows(settings, "SELECT SUM(n) FROM click_days")[0][0] == 5
