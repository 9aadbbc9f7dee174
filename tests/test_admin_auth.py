"""The dashboard's door: sign-in, sessions, throttling, CSRF on every form, access to every page."""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import re
from collections.abc import Coroutine, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import httpx2
import pytest
from shareback.app import create_app
from shareback.auth import keys, passwords
from shareback.settings import Settings
from shareback.storage import open_store
from shareback.storage.database import to_db_time
from starlette.testclient import TestClient
from support import BROWSER_UA, count, db_execute, db_rows

OWNER = "owner@brandpunt.nl"
PASSWORD = "correct horse battery"
T = TypeVar("T")

# Every page behind the login, and every form post, with a body that would change something.
PAGES = [
    "/admin",
    "/admin/campaigns",
    "/admin/campaigns/new",
    "/admin/campaigns/default",
    "/admin/advocates",
    "/admin/advocates?q=anna",
    "/admin/advocates.csv",
    "/admin/referrals",
    "/admin/referrals?status=paid",
    "/admin/referrals.csv",
    "/admin/rewards",
    "/admin/rewards?status=approved",
    "/admin/rewards.csv?status=approved",
    "/admin/review",
    "/admin/campaigns/default/fraud",
    "/admin/campaigns/default/loyalty",
    "/admin/campaigns/default/design",
    "/admin/settings",
    "/admin/settings/webhooks",
    "/admin/settings/webhooks?status=dead",
    "/admin/preview?campaign=default&lang=nl",
    "/admin/experiments",
    "/admin/experiments/new?campaign=default",
]
FORMS: list[tuple[str, dict[str, str]]] = [
    ("/admin/logout", {}),
    ("/admin/campaigns", {"slug": "summer", "name": "Summer"}),
    ("/admin/campaigns/default", {"name": "Renamed"}),
    ("/admin/campaigns/default/archive", {}),
    ("/admin/campaigns/default/design", {"accent": "#000000", "position": "end"}),
    ("/admin/campaigns/default/go-live", {}),
    ("/admin/advocates/1/erase", {"confirm_email": "anna@example.nl"}),
    ("/admin/rewards", {"action": "approve", "reward": "1"}),
    ("/admin/review/1", {"verdict": "approved"}),
    ("/admin/campaigns/default/fraud", {"velocity": "allow"}),
    ("/admin/campaigns/default/loyalty", {"cap": "10"}),
    ("/admin/settings/origins", {"campaign": "default", "allowed_origins": "https://evil.test"}),
    ("/admin/settings/api-keys", {"name": "CRM"}),
    ("/admin/settings/api-keys/1/revoke", {}),
    ("/admin/settings/users", {"email": "eve@evil.test", "password": "long enough password"}),
    ("/admin/settings/users/1/delete", {}),
    ("/admin/campaigns/default/code-pool", {}),
    ("/admin/settings/webhooks", {"url": "https://evil.test/hook", "events": "*"}),
    ("/admin/settings/webhooks/1/disable", {}),
    ("/admin/settings/webhooks/deliveries/1/redeliver", {}),
    ("/admin/experiments/1/status", {"action": "stop"}),
    ("/admin/experiments/new", {"campaign": "default", "name": "Sneaky"}),
]


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """On a thread of its own: with the browser tests in the same process, Playwright keeps an
    event loop running on this one."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def create_admin(settings: Settings, email: str = OWNER, password: str = PASSWORD) -> int:
    async def create() -> int:
        store = await open_store(settings.database_url)
        try:
            await store.migrate()
            user = await store.create_admin_user(
                email, passwords.hash_password(password), datetime.now(UTC)
            )
            assert user is not None
            return user.id
        finally:
            await store.close()

    return run(create())


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found[1]


def sign_in(
    client: TestClient,
    email: str = OWNER,
    password: str = PASSWORD,
    next_url: str | None = None,
    headers: dict[str, str] | None = None,
) -> httpx2.Response:
    page = client.get("/admin/login")
    data = {"csrf": csrf_token(page.text), "email": email, "password": password}
    if next_url is not None:
        data["next"] = next_url
    return client.post("/admin/login", data=data, headers=headers, follow_redirects=False)


@pytest.fixture
def admin(client: TestClient, settings: Settings) -> TestClient:
    """The client, signed in as the shop owner."""
    create_admin(settings)
    assert sign_in(client).status_code == 303
    return client


def form_token(client: TestClient, page: str = "/admin/settings") -> str:
    return csrf_token(client.get(page).text)


@pytest.mark.parametrize("page", PAGES)
def test_every_dashboard_page_sends_strangers_to_the_login_page(
    client: TestClient, page: str
) -> None:
    response = client.get(page, follow_redirects=False)
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith("/admin/login")
    if page != "/admin":
        assert "next=" in location


@pytest.mark.parametrize(("path", "data"), FORMS)
def test_every_dashboard_form_refuses_strangers(
    client: TestClient, settings: Settings, path: str, data: dict[str, str]
) -> None:
    create_admin(settings)
    response = client.post(path, data={**data, "csrf": "guess"}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/login"
    assert count(settings, "campaigns") == 1
    assert count(settings, "api_keys") == 0
    assert count(settings, "admin_users") == 1
    assert count(settings, "webhook_endpoints") == 0


def test_the_activity_feed_fragment_needs_a_session(client: TestClient) -> None:
    assert client.get("/admin/activity").status_code == 401


def test_signing_in_starts_a_twelve_hour_session_in_an_httponly_lax_cookie(
    client: TestClient, settings: Settings
) -> None:
    create_admin(settings)
    response = sign_in(client)
    assert response.status_code == 303 and response.headers["location"] == "/admin"
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith("shareback_admin=")
    )
    flags = cookie.lower()
    assert "httponly" in flags and "samesite=lax" in flags and "path=/admin" in flags
    assert "secure" not in flags  # the public URL is http:// in these tests
    assert "max-age=43200" in flags
    token = cookie.split(";")[0].split("=", 1)[1]
    rows = db_rows(settings, "SELECT token_hash, csrf_token, expires_at FROM admin_sessions")
    assert len(rows) == 1
    assert rows[0]["token_hash"] == keys.token_hash(token) and token not in rows[0]["token_hash"]
    expires = datetime.fromisoformat(rows[0]["expires_at"]).replace(tzinfo=UTC)
    assert timedelta(hours=11, minutes=59) < expires - datetime.now(UTC) <= timedelta(hours=12)
    page = client.get("/admin")
    assert page.status_code == 200 and OWNER in page.text
    assert db_rows(settings, "SELECT last_login_at FROM admin_users")[0][0] is not None


def test_the_session_cookie_is_secure_behind_an_https_public_url(
    settings: Settings,
) -> None:
    secure = dataclasses.replace(settings, public_url="https://refer.test")
    create_admin(secure)
    with TestClient(create_app(secure), base_url="https://refer.test") as client:
        response = sign_in(client)
        assert response.status_code == 303
        cookie = next(
            c for c in response.headers.get_list("set-cookie") if c.startswith("shareback_admin=")
        )
        assert "secure" in cookie.lower()


@pytest.mark.parametrize(
    ("asked", "lands"),
    [
        ("/admin/rewards?status=approved", "/admin/rewards?status=approved"),
        ("/admin/campaigns/default", "/admin/campaigns/default"),
        ("https://evil.test/admin", "/admin"),
        ("//evil.test/admin", "/admin"),
        ("/\\evil.test", "/admin"),
        ("/administrator", "/admin"),
        ("/r/ANNA-7KQ2", "/admin"),
        ("javascript:alert(1)", "/admin"),
        ("/admin/login", "/admin"),
        ("/admin/\r\nSet-Cookie: x=1", "/admin"),
    ],
)
def test_signing_in_goes_back_to_a_dashboard_page_only(
    client: TestClient, settings: Settings, asked: str, lands: str
) -> None:
    create_admin(settings)
    response = sign_in(client, next_url=asked)
    assert response.status_code == 303
    assert response.headers["location"] == lands


def test_the_login_page_carries_the_page_asked_for(client: TestClient, settings: Settings) -> None:
    first = client.get("/admin/rewards?status=revoked", follow_redirects=True)
    assert 'name="next" value="/admin/rewards?status=revoked"' in first.text


def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(
    client: TestClient, settings: Settings
) -> None:
    create_admin(settings)
    wrong = sign_in(client, password="not the password")
    unknown = sign_in(client, email="nobody@brandpunt.nl")
    assert wrong.status_code == unknown.status_code == 401
    message = "That e-mail address and password do not match an admin account."
    assert message in wrong.text and message in unknown.text
    assert "shareback_admin=" not in wrong.headers.get("set-cookie", "")
    assert count(settings, "admin_sessions") == 0


def test_an_unknown_address_still_spends_a_password_hash(
    client: TestClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []
    real = passwords.verify_password

    def spy(password: str, stored: str) -> bool:
        checked.append(stored)
        return real(password, stored)

    monkeypatch.setattr(passwords, "verify_password", spy)
    sign_in(client, email="nobody@brandpunt.nl")
    assert checked == [passwords.DUMMY_HASH]


def test_five_failures_for_one_address_lock_it_for_fifteen_minutes(
    client: TestClient, settings: Settings
) -> None:
    create_admin(settings)
    for _ in range(5):
        assert sign_in(client, password="guess " * 3).status_code == 401
    locked = sign_in(client)  # even the right password waits
    assert locked.status_code == 429
    assert locked.headers["retry-after"] == "900"
    assert "Too many failed sign-ins" in locked.text and "wait 15 minutes" in locked.text
    assert count(settings, "admin_sessions") == 0
    # Fifteen minutes later the account opens again.
    past = to_db_time(datetime.now(UTC) - timedelta(minutes=16))
    db_execute(settings, "UPDATE login_failures SET at = ?", (past,))
    assert sign_in(client).status_code == 303


def test_five_failures_from_one_address_lock_out_that_network(
    client: TestClient, settings: Settings
) -> None:
    create_admin(settings)
    for n in range(5):
        assert sign_in(client, email=f"guess{n}@brandpunt.nl").status_code == 401
    assert sign_in(client).status_code == 429


def test_signing_in_clears_earlier_failures(client: TestClient, settings: Settings) -> None:
    create_admin(settings)
    for _ in range(4):
        sign_in(client, password="not the password")
    assert sign_in(client).status_code == 303
    assert count(settings, "login_failures") == 0
    client.cookies.clear()
    for _ in range(4):
        sign_in(client, password="not the password")
    assert sign_in(client).status_code == 303


def test_the_login_form_refuses_a_post_without_its_token(
    client: TestClient, settings: Settings
) -> None:
    create_admin(settings)
    client.get("/admin/login")
    response = client.post(
        "/admin/login",
        data={"csrf": "forged", "email": OWNER, "password": PASSWORD},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert "expired" in response.text
    assert count(settings, "admin_sessions") == 0


def test_the_login_form_refuses_a_post_from_another_site(
    client: TestClient, settings: Settings
) -> None:
    create_admin(settings)
    response = sign_in(client, headers={"origin": "https://evil.test"})
    assert response.status_code == 403
    assert count(settings, "admin_sessions") == 0


def test_signing_out_ends_the_session(admin: TestClient, settings: Settings) -> None:
    token = form_token(admin)
    assert admin.get("/admin/logout").status_code == 405  # never by a link or an image
    response = admin.post("/admin/logout", data={"csrf": token}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/login?notice=signed-out"
    assert count(settings, "admin_sessions") == 0
    assert admin.get("/admin", follow_redirects=False).status_code == 303
    assert "You have signed out." in admin.get("/admin/login?notice=signed-out").text


def test_an_expired_session_sends_the_owner_back_to_sign_in(
    admin: TestClient, settings: Settings
) -> None:
    db_execute(
        settings,
        "UPDATE admin_sessions SET expires_at = ?",
        (to_db_time(datetime.now(UTC) - timedelta(seconds=1)),),
    )
    response = admin.get("/admin/campaigns", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/login?next=/admin/campaigns"


def test_a_stolen_cookie_value_from_the_database_is_useless(
    client: TestClient, settings: Settings
) -> None:
    create_admin(settings)
    sign_in(client)
    stored = db_rows(settings, "SELECT token_hash FROM admin_sessions")[0][0]
    with TestClient(create_app(settings), headers={"user-agent": BROWSER_UA}) as thief:
        thief.cookies.set("shareback_admin", stored, path="/admin")
        assert thief.get("/admin", follow_redirects=False).status_code == 303


@pytest.mark.parametrize(("path", "data"), FORMS)
def test_every_dashboard_form_refuses_a_missing_or_wrong_csrf_token(
    admin: TestClient, settings: Settings, path: str, data: dict[str, str]
) -> None:
    for token in (None, "", "forged-token"):
        body = dict(data) if token is None else {**data, "csrf": token}
        response = admin.post(path, data=body, follow_redirects=False)
        assert response.status_code == 403, (path, token)
        assert "could not be accepted" in response.text
    assert count(settings, "campaigns") == 1
    assert count(settings, "api_keys") == 0
    assert count(settings, "admin_users") == 1
    assert count(settings, "admin_sessions") == 1
    assert count(settings, "webhook_endpoints") == 0
    assert db_rows(settings, "SELECT name, archived_at FROM campaigns")[0][1] is None


@pytest.mark.parametrize(("path", "data"), FORMS)
def test_every_dashboard_form_refuses_a_post_from_another_site(
    admin: TestClient, settings: Settings, path: str, data: dict[str, str]
) -> None:
    token = form_token(admin)
    for foreign in ({"origin": "https://evil.test"}, {"referer": "https://evil.test/page"}):
        response = admin.post(
            path, data={**data, "csrf": token}, headers=foreign, follow_redirects=False
        )
        assert response.status_code == 403, (path, foreign)
    assert count(settings, "admin_sessions") == 1
    assert count(settings, "api_keys") == 0


def test_a_form_from_the_public_url_is_accepted(admin: TestClient, settings: Settings) -> None:
    token = form_token(admin)
    response = admin.post(
        "/admin/settings/api-keys",
        data={"csrf": token, "name": "CRM"},
        headers={"origin": settings.public_url},
    )
    assert response.status_code == 201


def test_the_csrf_token_belongs_to_the_session(client: TestClient, settings: Settings) -> None:
    create_admin(settings)
    sign_in(client)
    first = form_token(client)
    client.cookies.clear()
    sign_in(client)
    second = form_token(client)
    assert first != second
    stale = client.post(
        "/admin/settings/api-keys", data={"csrf": first, "name": "CRM"}, follow_redirects=False
    )
    assert stale.status_code == 403


def test_a_deleted_admin_is_signed_out_everywhere(admin: TestClient, settings: Settings) -> None:
    other = create_admin(settings, "sam@brandpunt.nl")
    with TestClient(create_app(settings), headers={"user-agent": BROWSER_UA}) as sam:
        assert sign_in(sam, "sam@brandpunt.nl").status_code == 303
        token = form_token(admin)
        response = admin.post(
            f"/admin/settings/users/{other}/delete", data={"csrf": token}, follow_redirects=False
        )
        assert response.status_code == 303
        assert sam.get("/admin", follow_redirects=False).status_code == 303


@pytest.fixture
def every_page(admin: TestClient) -> Iterator[tuple[str, httpx2.Response]]:
    return ((page, admin.get(page)) for page in PAGES if not page.endswith(".csv"))


def test_every_dashboard_page_sends_a_strict_content_security_policy(
    every_page: Iterator[tuple[str, httpx2.Response]],
) -> None:
    for page, response in every_page:
        assert response.status_code == 200, page
        csp = response.headers["content-security-policy"]
        assert (
            "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
        )
        assert "frame-ancestors" in csp
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["x-content-type-options"] == "nosniff"


def test_no_dashboard_page_has_inline_script_style_or_handlers(
    every_page: Iterator[tuple[str, httpx2.Response]],
) -> None:
    for page, response in every_page:
        html = response.text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), page
        assert "<style" not in html, page
        assert not re.search(r"\sstyle=", html), page
        assert not re.search(r"\son[a-z]+=", html), page
