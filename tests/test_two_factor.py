"""Two-factor sign-in: set up from the account page with a QR code, confirmed by a first code,
ten recovery codes shown once and kept hashed; signing in asks for a code after the password,
each code is good once; `shareback admin reset-2fa` for a lost phone. pyotp plays the phone."""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Callable

import pyotp
import pytest
from click.testing import CliRunner
from shareback.auth import two_factor
from shareback.cli import main
from shareback.settings import Settings
from starlette.testclient import TestClient
from support import count, db_execute, db_rows
from test_admin_auth import OWNER, PASSWORD, create_admin, csrf_token, sign_in


def enrol(client: TestClient) -> tuple[str, list[str], str]:
    """Sets two-factor sign-in up as a person would: start, read the key, type the app's code.
    Returns the key, the recovery codes shown and the code that confirmed the set-up."""
    token = csrf_token(client.get("/admin/account").text)
    started = client.post("/admin/account/two-factor/start", data={"csrf": token})
    assert started.status_code == 200  # followed to the account page
    page = started.text
    secret = re.search(r'id="setup-key">([A-Z2-7]+)<', page)
    assert secret, "the page shows the key to type in"
    code = pyotp.TOTP(secret[1]).now()
    confirmed = client.post("/admin/account/two-factor/confirm", data={"csrf": token, "code": code})
    assert confirmed.status_code == 200, confirmed.text
    codes = re.findall(r"<li><code>([a-z2-9-]{19})</code></li>", confirmed.text)
    assert len(codes) == 10
    return secret[1], codes, code


@pytest.fixture
def owner(client: TestClient, settings: Settings) -> TestClient:
    create_admin(settings)
    assert sign_in(client).status_code == 303
    return client


class CodeForm:
    """The second step's form as the browser holds it: each answer that shows the form again
    brings a fresh CSRF token, which the next post sends."""

    def __init__(self, client: TestClient, token: str) -> None:
        self.client = client
        self.token = token

    def post(self, code: str) -> int:
        answer = self.client.post(
            "/admin/login/code", data={"csrf": self.token, "code": code}, follow_redirects=False
        )
        if 'name="csrf"' in answer.text:
            self.token = csrf_token(answer.text)
        self.last_text = answer.text
        return answer.status_code


def password_step(client: TestClient) -> CodeForm:
    """Signs in with the password; the code form it answers with."""
    client.cookies.clear()
    answer = sign_in(client)
    assert answer.status_code == 200, answer.text
    assert "Enter your sign-in code" in answer.text
    assert "shareback_admin=" not in answer.headers.get("set-cookie", "")
    return CodeForm(client, csrf_token(answer.text))


def next_code(secret: str) -> str:
    """The code the app shows in the next 30 seconds: still inside the window allowed."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def test_the_set_up_shows_a_qr_code_of_the_otpauth_uri(owner: TestClient) -> None:
    token = csrf_token(owner.get("/admin/account").text)
    page = owner.post("/admin/account/two-factor/start", data={"csrf": token}).text
    secret = re.search(r'id="setup-key">([A-Z2-7]+)<', page)
    assert secret
    image = re.search(r'src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', page)
    assert image, "the QR code is an SVG image"
    svg = base64.b64decode(image[1]).decode()
    assert svg.startswith("<?xml") or "<svg" in svg[:200]
    uri = two_factor.provisioning_uri(secret[1], OWNER)
    assert uri.startswith("otpauth://totp/Shareback:owner%40brandpunt.nl?secret=")
    assert pyotp.parse_uri(uri).secret == secret[1]
    # Nothing is in force before a code confirms it: signing in still needs only the password.
    owner.cookies.clear()
    assert sign_in(owner).status_code == 303


def test_a_wrong_first_code_turns_nothing_on(owner: TestClient, settings: Settings) -> None:
    token = csrf_token(owner.get("/admin/account").text)
    owner.post("/admin/account/two-factor/start", data={"csrf": token})
    answer = owner.post("/admin/account/two-factor/confirm", data={"csrf": token, "code": "000000"})
    assert answer.status_code == 400 and "not the code your app shows" in answer.text
    assert db_rows(settings, "SELECT totp_secret FROM admin_users")[0][0] is None
    assert count(settings, "admin_recovery_codes") == 0


def test_signing_in_asks_for_the_code_after_the_password(
    owner: TestClient, settings: Settings
) -> None:
    secret, codes, _ = enrol(owner)
    stored = db_rows(settings, "SELECT code_hash FROM admin_recovery_codes")
    assert len(stored) == 10
    assert {row[0] for row in stored} == {two_factor.recovery_code_hash(c) for c in codes}
    assert not any(code.replace("-", "") in row[0] for code in codes for row in stored)
    form = password_step(owner)
    assert owner.get("/admin", follow_redirects=False).status_code == 303  # not signed in yet
    assert form.post(next_code(secret)) == 303
    assert owner.get("/admin").status_code == 200
    assert count(settings, "admin_sessions") == 2  # the enrolling session and this one


def test_a_code_is_accepted_once(owner: TestClient, settings: Settings) -> None:
    """A code read over a shoulder, or replayed from a proxy log, within its 30 seconds."""
    secret, _, confirmed_with = enrol(owner)
    # The code that confirmed the set-up is used: the same one cannot sign in.
    form = password_step(owner)
    assert form.post(confirmed_with) == 401
    form = password_step(owner)
    code = next_code(secret)
    assert form.post(code) == 303
    form = password_step(owner)
    assert form.post(code) == 401 and "used already" in form.last_text
    assert count(settings, "admin_sessions") == 2  # the enrolling session and one sign-in


def test_a_recovery_code_signs_in_once(owner: TestClient, settings: Settings) -> None:
    _, codes, _ = enrol(owner)
    form = password_step(owner)
    assert form.post(codes[3].upper().replace("-", " ")) == 303  # as typed
    form = password_step(owner)
    assert form.post(codes[3]) == 401
    used = db_rows(settings, "SELECT COUNT(*) FROM admin_recovery_codes WHERE used_at IS NOT NULL")
    assert used[0][0] == 1
    assert form.post(codes[4]) == 303
    assert "8 of 10 recovery codes left" in owner.get("/admin/account").text


def test_wrong_codes_count_like_wrong_passwords(owner: TestClient, settings: Settings) -> None:
    secret, _, _ = enrol(owner)
    form = password_step(owner)  # the password: attempt one
    for _ in range(4):
        assert form.post("123456") == 401
    assert form.post(next_code(secret)) == 429  # even the right one waits
    db_execute(settings, "DELETE FROM login_failures")
    form = password_step(owner)
    assert form.post(next_code(secret)) == 303


def test_the_second_step_needs_the_password_step_first(
    owner: TestClient, settings: Settings
) -> None:
    secret, _, _ = enrol(owner)
    owner.cookies.clear()
    assert (
        CodeForm(owner, csrf_token(owner.get("/admin/login").text)).post(next_code(secret)) == 400
    )
    form = password_step(owner)
    forged = owner.cookies.get("shareback_login_2fa")
    assert forged
    owner.cookies.delete("shareback_login_2fa")
    owner.cookies.set("shareback_login_2fa", forged[:-2] + "xx", path="/admin/login")
    assert owner.cookies.get("shareback_login_2fa") == forged[:-2] + "xx"
    assert form.post(next_code(secret)) == 400
    assert count(settings, "admin_sessions") == 1


def test_a_new_password_ends_a_half_finished_sign_in(
    owner: TestClient, settings: Settings, fresh_database_url: Callable[[], str]
) -> None:
    secret, _, _ = enrol(owner)
    form = password_step(owner)
    result = CliRunner().invoke(
        main,
        ["admin", "password", "--email", OWNER, "--password-stdin"],
        env={"SHAREBACK_DATABASE_URL": settings.database_url},
        input="an entirely new password\n",
    )
    assert result.exit_code == 0, result.output
    assert form.post(next_code(secret)) == 400


def test_turning_it_off_needs_a_current_code(owner: TestClient, settings: Settings) -> None:
    secret, codes, _ = enrol(owner)
    token = csrf_token(owner.get("/admin/account").text)
    refused = owner.post("/admin/account/two-factor/off", data={"csrf": token, "code": "999999"})
    assert refused.status_code == 400
    assert db_rows(settings, "SELECT totp_secret FROM admin_users")[0][0] == secret
    done = owner.post("/admin/account/two-factor/off", data={"csrf": token, "code": codes[0]})
    assert done.status_code == 200 and "Two-factor sign-in is off" in done.text
    assert count(settings, "admin_recovery_codes") == 0
    owner.cookies.clear()
    assert sign_in(owner).status_code == 303


def test_new_recovery_codes_replace_the_old_ones(owner: TestClient, settings: Settings) -> None:
    secret, old, _ = enrol(owner)
    token = csrf_token(owner.get("/admin/account").text)
    answer = owner.post(
        "/admin/account/two-factor/recovery-codes",
        data={"csrf": token, "code": next_code(secret)},
    )
    assert answer.status_code == 200
    new = re.findall(r"<li><code>([a-z2-9-]{19})</code></li>", answer.text)
    assert len(new) == 10 and not set(new) & set(old)
    form = password_step(owner)
    assert form.post(old[0]) == 401
    assert form.post(new[0]) == 303


def test_admin_reset_2fa_lets_a_user_who_lost_the_phone_in(
    owner: TestClient, settings: Settings
) -> None:
    enrol(owner)
    runner = CliRunner()
    env = {"SHAREBACK_DATABASE_URL": settings.database_url}
    listed = runner.invoke(main, ["admin", "list"], env=env)
    assert "owner\t2fa on" in listed.output
    result = runner.invoke(main, ["admin", "reset-2fa", "--email", OWNER.upper()], env=env)
    assert result.exit_code == 0 and "two-factor sign-in is off" in result.output
    assert runner.invoke(main, ["admin", "reset-2fa", "--email", "no@one.nl"], env=env).exit_code
    assert count(settings, "admin_recovery_codes") == 0
    owner.cookies.clear()
    assert sign_in(owner, password=PASSWORD).status_code == 303


def test_codes_from_the_step_before_and_after_are_taken_but_no_further() -> None:
    secret = two_factor.new_secret()
    totp = pyotp.TOTP(secret)
    now = time.time()
    from datetime import UTC, datetime

    moment = datetime.fromtimestamp(now, UTC)
    step = totp.timecode(moment)
    for offset in (-1, 0, 1):
        assert two_factor.matching_step(secret, totp.at(now + 30 * offset), moment) == step + offset
    for offset in (-3, 3):
        code = totp.at(now + 30 * offset)
        if code not in {totp.at(now + 30 * o) for o in (-1, 0, 1)}:
            assert two_factor.matching_step(secret, code, moment) is None
    assert two_factor.matching_step(secret, "12345", moment) is None
    assert two_factor.matching_step(secret, "abcdef", moment) is None
