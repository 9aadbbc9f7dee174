"""Roles on every dashboard page and form: owner (everything), finance (rewards, payouts and
exports), viewer (reads). The tables name what each role may open and send; a route the tables
forget fails test_every_dashboard_route_has_a_row, so a new page cannot skip the check."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from click.testing import CliRunner
from shareback.admin import routes as admin_routes
from shareback.auth import passwords
from shareback.auth.roles import ROLES, Permission, allows
from shareback.cli import main
from shareback.settings import Settings
from shareback.storage import open_store
from starlette.routing import Route
from starlette.testclient import TestClient
from support import count, db_rows
from test_admin_auth import PASSWORD, csrf_token, run, sign_in
from test_admin_dashboard import referred_order

ALL = frozenset(ROLES)
OWNER = frozenset({"owner"})
MONEY = frozenset({"owner", "finance"})
USERS = {
    "owner": "olga@brandpunt.nl",
    "finance": "fien@brandpunt.nl",
    "viewer": "vera@brandpunt.nl",
}

PAGES: list[tuple[str, frozenset[str]]] = [
    ("/admin", ALL),
    ("/admin/activity", ALL),
    ("/admin/account", ALL),
    ("/admin/campaigns", ALL),
    ("/admin/campaigns/default", ALL),
    ("/admin/campaigns/new", OWNER),
    ("/admin/advocates", ALL),
    ("/admin/advocates?q=anna&sort=referred", ALL),
    ("/admin/advocates.csv", MONEY),
    ("/admin/ambassadors", ALL),
    ("/admin/ambassadors?band=high&consent=yes&min_orders=2", ALL),
    ("/admin/advocates/1", ALL),
    ("/admin/advocates/1/data.json", MONEY),
    ("/admin/advocates/1/erase", OWNER),
    ("/admin/customers", ALL),
    ("/admin/customers.csv?format=hubspot", MONEY),
    ("/admin/customers/1", ALL),
    ("/admin/imports", OWNER),
    ("/admin/imports/1", OWNER),
    ("/admin/referrals", ALL),
    ("/admin/referrals.csv", MONEY),
    ("/admin/rewards", ALL),
    ("/admin/rewards?status=approved", ALL),
    ("/admin/rewards.csv?status=approved", MONEY),
    ("/admin/payouts", ALL),
    ("/admin/payouts/1", ALL),
    ("/admin/payouts/1/sepa.xml", MONEY),
    ("/admin/payouts/1/payouts.csv", MONEY),
    ("/admin/review", ALL),
    ("/admin/review?tab=all", ALL),
    ("/admin/campaigns/default/fraud", ALL),
    ("/admin/campaigns/default/design", ALL),
    ("/admin/preview?campaign=default&lang=nl", ALL),
    ("/admin/settings", OWNER),
    ("/admin/settings/webhooks", OWNER),
    ("/admin/settings/webhooks?status=dead", OWNER),
    ("/admin/settings/webhooks/deliveries/1", OWNER),
    ("/admin/settings/mail", OWNER),
    ("/admin/settings/mail?status=dead", OWNER),
    ("/admin/campaigns/default/mail", ALL),
    ("/admin/campaigns/default/mail/template?journey=invite&lang=nl", ALL),
    ("/admin/campaigns/default/mail/preview?journey=invite&lang=nl", ALL),
    ("/admin/experiments", ALL),
    ("/admin/experiments/1", ALL),
    ("/admin/experiments/new?campaign=default", OWNER),
    ("/admin/campaigns/default/contests", ALL),
    ("/admin/campaigns/default/loyalty", ALL),
    ("/admin/campaigns/default/labels", ALL),
    ("/admin/campaigns/default/labels?lang=en", ALL),
    ("/admin/partners", ALL),
    ("/admin/partners/1", ALL),
]
FORMS: list[tuple[str, dict[str, str], frozenset[str]]] = [
    ("/admin/logout", {}, ALL),
    ("/admin/account/language", {"locale": "nl"}, ALL),
    ("/admin/account/two-factor/start", {}, ALL),
    ("/admin/account/two-factor/confirm", {"code": "123456"}, ALL),
    ("/admin/account/two-factor/recovery-codes", {"code": "123456"}, ALL),
    ("/admin/account/two-factor/off", {"code": "123456"}, ALL),
    ("/admin/advocates/1/erase", {"confirm_email": "someone-else@example.nl"}, OWNER),
    ("/admin/imports", {}, OWNER),
    ("/admin/rewards", {"action": "approve", "reward": "1"}, MONEY),
    ("/admin/ambassadors/invite", {"campaign": "default", "customer": "1"}, OWNER),
    ("/admin/ambassadors/refresh", {}, OWNER),
    ("/admin/payouts", {"reward": "1"}, MONEY),
    ("/admin/payouts/account", {"code": "NOPE", "holder_name": "Eve", "iban": "x"}, MONEY),
    ("/admin/payouts/1/paid", {}, MONEY),
    ("/admin/review/1", {"verdict": "approved"}, MONEY),
    ("/admin/campaigns/default/fraud", {"velocity": "allow"}, OWNER),
    ("/admin/campaigns", {"slug": "summer", "name": "Summer"}, OWNER),
    ("/admin/campaigns/default", {"name": "Renamed"}, OWNER),
    ("/admin/campaigns/default/archive", {}, OWNER),
    ("/admin/campaigns/default/widen", {"action": "widen"}, OWNER),
    ("/admin/campaigns/default/design", {"accent": "#000000", "position": "end"}, OWNER),
    ("/admin/campaigns/default/go-live", {}, OWNER),
    ("/admin/campaigns/default/code-pool", {}, OWNER),
    (
        "/admin/settings/origins",
        {"campaign": "default", "allowed_origins": "https://evil.test"},
        OWNER,
    ),
    ("/admin/settings/api-keys", {"name": "CRM", "scope": "full"}, OWNER),
    ("/admin/settings/api-keys/1/revoke", {}, OWNER),
    ("/admin/settings/users", {"email": "eve@evil.test", "password": "long enough pw"}, OWNER),
    ("/admin/settings/users/2/delete", {}, OWNER),
    ("/admin/settings/users/3/role", {"role": "owner"}, OWNER),
    ("/admin/settings/webhooks", {"url": "https://evil.test/hook", "events": "*"}, OWNER),
    ("/admin/settings/webhooks/1/disable", {}, OWNER),
    ("/admin/settings/webhooks/deliveries/1/redeliver", {}, OWNER),
    ("/admin/settings/mail/1/resend", {}, OWNER),
    ("/admin/campaigns/default/mail", {"lang": "nl", "reminder_days": "3"}, OWNER),
    (
        "/admin/campaigns/default/mail/template",
        {"journey": "invite", "lang": "nl", "subject": "Hoi", "text_body": "x", "html_body": "y"},
        OWNER,
    ),
    (
        "/admin/campaigns/default/mail/preview",
        {"journey": "invite", "lang": "nl", "subject": "Hoi", "text_body": "x", "html_body": "y"},
        ALL,
    ),
    ("/admin/experiments/new", {"campaign": "default", "name": "Sneaky"}, OWNER),
    ("/admin/experiments/1/status", {"action": "stop"}, OWNER),
    (
        "/admin/campaigns/default/contests",
        {
            "name": "Sneaky",
            "starts_at": "2030-03-01T00:00",
            "ends_at": "2030-03-31T23:59",
            "prize_1_type": "credit",
            "prize_1_value": "50",
        },
        OWNER,
    ),
    ("/admin/campaigns/default/contests/1/cancel", {}, OWNER),
    (
        "/admin/campaigns/default/loyalty",
        {"cap": "5", "m0_friends": "3", "m0_type": "credit", "m0_value": "5", "demotion": "never"},
        OWNER,
    ),
    ("/admin/campaigns/default/labels?lang=nl", {"invite": "Deel en verdien"}, OWNER),
    (
        "/admin/partners/programme",
        {
            "name": "Sneaky",
            "currency": "EUR",
            "commission_percent": "50",
            "basis": "every_order",
            "window_days": "365",
            "attribution_days": "30",
            "hold_days": "0",
        },
        OWNER,
    ),
    ("/admin/partners/invite", {"name": "Eve", "email": "eve@evil.test"}, OWNER),
    ("/admin/partners/1/decision", {"decision": "approve"}, MONEY),
    ("/admin/partners/1/terms", {"commission_percent": "50"}, OWNER),
]
# Routes with their own door: the sign-in itself, assets, and the preview's stand-in API (its
# URL carries a signed token that only a preview page hands out).
OPEN = {"/admin/login", "/admin/login/code", "/admin/static/{name}"}


def create_users(settings: Settings) -> None:
    async def create() -> None:
        store = await open_store(settings.database_url)
        try:
            await store.migrate()
            hashed = passwords.hash_password(PASSWORD)
            for role, email in USERS.items():  # ids 1, 2, 3 in this order
                assert await store.create_admin_user(email, hashed, datetime.now(UTC), role)
            await store.create_api_key("CRM", "sbk_abcdef", "0" * 64, datetime.now(UTC))
        finally:
            await store.close()

    run(create())


def as_role(client: TestClient, role: str) -> None:
    client.cookies.clear()
    assert sign_in(client, email=USERS[role]).status_code == 303


def state(settings: Settings) -> list[object]:
    """Everything a forbidden form could have changed."""
    return [
        [tuple(row) for row in db_rows(settings, "SELECT slug, name, archived_at FROM campaigns")],
        [tuple(row) for row in db_rows(settings, "SELECT status FROM rewards ORDER BY id")],
        [
            tuple(row)
            for row in db_rows(settings, "SELECT email, role FROM admin_users ORDER BY id")
        ],
        [tuple(row) for row in db_rows(settings, "SELECT id, revoked_at FROM api_keys")],
        count(settings, "webhook_endpoints"),
        [tuple(row) for row in db_rows(settings, "SELECT * FROM mail_settings")],
        [tuple(row) for row in db_rows(settings, "SELECT * FROM mail_templates")],
        [tuple(row) for row in db_rows(settings, "SELECT id, status FROM mail_messages")],
        count(settings, "friend_codes"),
        count(settings, "payout_batches"),
        count(settings, "payout_accounts"),
        db_rows(settings, "SELECT COUNT(*) FROM admin_users WHERE totp_pending_secret IS NOT NULL")[
            0
        ][0],
        [tuple(row) for row in db_rows(settings, "SELECT slug, loyalty FROM campaigns")],
        [tuple(row) for row in db_rows(settings, "SELECT id, cancelled_at FROM contests")],
        [tuple(row) for row in db_rows(settings, "SELECT * FROM campaign_labels")],
        [tuple(row) for row in db_rows(settings, "SELECT * FROM partner_programmes")],
        [tuple(row) for row in db_rows(settings, "SELECT * FROM partners ORDER BY id")],
    ]


@pytest.fixture
def staff(client: TestClient, settings: Settings, webhook_secret: str) -> TestClient:
    create_users(settings)
    referred_order(client, webhook_secret, "1001", "bram@example.com")  # two pending rewards
    return client


@pytest.mark.parametrize(("path", "allowed"), PAGES)
def test_each_role_opens_only_its_pages(
    staff: TestClient, path: str, allowed: frozenset[str]
) -> None:
    for role in ("viewer", "finance", "owner"):
        as_role(staff, role)
        answer = staff.get(path, follow_redirects=False)
        if role in allowed:
            assert answer.status_code != 403, f"{role} may open {path}"
            assert answer.status_code in (200, 404), (role, path, answer.status_code)
        else:
            assert answer.status_code == 403, f"{role} may not open {path}"
            assert "text/html" in answer.headers["content-type"]
            assert "Your role does not allow this" in answer.text
            assert f"the role “{role.capitalize()}”" in answer.text


@pytest.mark.parametrize(("path", "data", "allowed"), FORMS)
def test_each_role_sends_only_its_forms(
    staff: TestClient, settings: Settings, path: str, data: dict[str, str], allowed: frozenset[str]
) -> None:
    before = state(settings)
    # The roles with fewer rights first: what they are refused must leave everything as it was.
    for role in ("viewer", "finance", "owner"):
        as_role(staff, role)
        token = csrf_token(staff.get("/admin/account").text)
        answer = staff.post(path, data={**data, "csrf": token}, follow_redirects=False)
        if role in allowed:
            assert answer.status_code != 403, f"{role} may send {path}: {answer.text[:300]}"
        else:
            assert answer.status_code == 403, f"{role} may not send {path}"
            assert "Your role does not allow this" in answer.text
            assert state(settings) == before, f"{role}'s refused {path} changed something"


def test_every_dashboard_route_has_a_row() -> None:
    pages = {path.split("?")[0] for path, _ in PAGES}
    forms = {path.split("?")[0] for path, _, _ in FORMS}
    missing = []
    for route in admin_routes:
        assert isinstance(route, Route)
        if route.path in OPEN or route.path.startswith("/admin/preview-api/"):
            continue
        concrete = (
            route.path.replace("{slug}", "default")
            .replace("{id}/delete", "2/delete")
            .replace("{id}/role", "3/role")
            .replace("{id}", "1")
        )
        methods = route.methods or set()
        if "GET" in methods and concrete not in pages:
            missing.append(f"GET {route.path}")
        if "POST" in methods and concrete not in forms:
            missing.append(f"POST {route.path}")
    assert not missing, f"add these to the role tables of {__name__}: {missing}"


def test_the_pages_show_each_role_only_its_actions(staff: TestClient) -> None:
    seen: dict[str, dict[str, bool]] = {}
    for role in ("viewer", "finance", "owner"):
        as_role(staff, role)
        rewards = staff.get("/admin/rewards").text
        campaign = staff.get("/admin/campaigns/default").text
        overview = staff.get("/admin").text
        seen[role] = {
            "settings": 'href="/admin/settings"' in overview,
            "approve": "Approve selected" in rewards and 'name="reward"' in rewards,
            "csv": "/admin/rewards.csv" in rewards,
            "save": "Save changes" in campaign,
            "archive": "Archive campaign" in campaign,
            "upload": "Upload codes" in campaign,
            "new": "New campaign" in staff.get("/admin/campaigns").text,
        }
    assert seen["owner"] == dict.fromkeys(seen["owner"], True)
    assert seen["finance"] == {
        "settings": False,
        "approve": True,
        "csv": True,
        "save": False,
        "archive": False,
        "upload": False,
        "new": False,
    }
    assert seen["viewer"] == dict.fromkeys(seen["viewer"], False)


def test_an_owner_sets_roles_but_not_their_own(staff: TestClient, settings: Settings) -> None:
    as_role(staff, "owner")
    token = csrf_token(staff.get("/admin/settings").text)
    answer = staff.post("/admin/settings/users/3/role", data={"csrf": token, "role": "finance"})
    assert answer.status_code == 200 and "The role is saved" in answer.text
    own = staff.post("/admin/settings/users/1/role", data={"csrf": token, "role": "viewer"})
    assert own.status_code == 400 and "cannot change your own role" in own.text
    bad = staff.post("/admin/settings/users/3/role", data={"csrf": token, "role": "root"})
    assert bad.status_code == 400
    roles = dict(tuple(row) for row in db_rows(settings, "SELECT email, role FROM admin_users"))
    assert roles == {
        USERS["owner"]: "owner",
        USERS["finance"]: "finance",
        USERS["viewer"]: "finance",
    }
    # Vera, a finance user now, downloads the payout CSV.
    as_role(staff, "viewer")
    assert staff.get("/admin/rewards.csv?status=approved").status_code == 200


def test_an_owner_adds_a_user_with_a_role(staff: TestClient, settings: Settings) -> None:
    as_role(staff, "owner")
    token = csrf_token(staff.get("/admin/settings").text)
    data = {
        "csrf": token,
        "email": "nina@brandpunt.nl",
        "password": "long enough pw",
        "role": "viewer",
    }
    assert staff.post("/admin/settings/users", data=data, follow_redirects=False).status_code == 303
    rows = db_rows(settings, "SELECT role FROM admin_users WHERE email = ?", ("nina@brandpunt.nl",))
    assert rows[0][0] == "viewer"


def test_admin_create_takes_a_role(settings: Settings) -> None:
    runner = CliRunner()
    env = {"SHAREBACK_DATABASE_URL": settings.database_url}

    def create(*args: str) -> str:
        result = runner.invoke(
            main, ["admin", "create", *args, "--password-stdin"], env=env, input=f"{PASSWORD}\n"
        )
        assert result.exit_code == 0, result.output
        return result.output

    assert "(owner)" in create("--email", "first@brandpunt.nl")
    assert "(finance)" in create("--email", "money@brandpunt.nl", "--role", "finance")
    refused = runner.invoke(
        main,
        ["admin", "create", "--email", "x@brandpunt.nl", "--role", "root", "--password-stdin"],
        env=env,
        input=f"{PASSWORD}\n",
    )
    assert refused.exit_code != 0
    changed = runner.invoke(
        main, ["admin", "role", "--email", "first@brandpunt.nl", "--role", "viewer"], env=env
    )
    assert changed.exit_code == 0
    listing = runner.invoke(main, ["admin", "list"], env=env).output
    assert "first@brandpunt.nl\tviewer\t2fa off" in listing
    assert "money@brandpunt.nl\tfinance\t2fa off" in listing


def test_the_role_table() -> None:
    assert all(allows("owner", permission) for permission in Permission)
    assert not allows("viewer", Permission.EXPORT) and allows("viewer", Permission.READ)
    assert allows("finance", Permission.DECIDE_REWARDS)
    assert not allows("finance", Permission.MANAGE)
    assert not allows("administrator", Permission.READ)  # unknown roles may do nothing
