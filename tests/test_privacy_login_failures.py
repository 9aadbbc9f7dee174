"""Failed sign-ins: counted for the throttle, but kept neither in the clear nor for long."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shareback.settings import Settings
from shareback.storage.base import Store
from starlette.testclient import TestClient
from support import count, db_execute, db_rows
from test_admin_auth import OWNER, create_admin, sign_in
from test_owner_store import with_store


def test_a_failed_sign_in_keeps_no_address_and_no_typed_email(
    client: TestClient, settings: Settings
) -> None:
    create_admin(settings)
    assert sign_in(client, email="typo.owner@brandpunt.nl", password="wrong").status_code == 401
    keys = [str(row[0]) for row in db_rows(settings, "SELECT key FROM login_failures")]
    assert len(keys) == 2  # one per typed address, one per network address
    for key in keys:
        assert "typo" not in key and "@" not in key and "testclient" not in key
        assert len(key) == 64  # an HMAC-SHA256, keyed by a secret only the store reads
    # Still counted: five failures lock the account, as before.
    for _ in range(4):
        sign_in(client, password="wrong")
    assert sign_in(client).status_code == 429


def test_failed_sign_ins_are_deleted_once_past_the_throttle_window(
    client: TestClient, settings: Settings
) -> None:
    create_admin(settings)
    for _ in range(3):
        sign_in(client, email="someone@else.example", password="wrong")
    assert count(settings, "login_failures") == 6
    two_hours_ago = datetime.now(UTC) - timedelta(hours=2)
    db_execute(settings, "UPDATE login_failures SET at = ?", (two_hours_ago,))
    # On the next write…
    sign_in(client, email=OWNER, password="wrong")
    assert count(settings, "login_failures") == 2
    # …and on the approval loop's beat, without any new failure.
    db_execute(settings, "UPDATE login_failures SET at = ?", (two_hours_ago,))

    async def forget(store: Store) -> int:
        return (await store.forget_expired(datetime.now(UTC))).login_failures

    assert with_store(settings, forget) == 2
    assert count(settings, "login_failures") == 0
