"""The admin CLI: dashboard users and API keys, stored hashed."""

from __future__ import annotations

from collections.abc import Callable

from click.testing import CliRunner
from shareback.auth import keys, passwords
from shareback.cli import main
from shareback.settings import Settings
from support import db_rows


def run(url: str, *args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env={"SHAREBACK_DATABASE_URL": url}, input=stdin)
    return result.exit_code, result.output


def test_admin_create_hashes_the_password_with_scrypt(
    fresh_database_url: Callable[[], str],
) -> None:
    url = fresh_database_url()
    code, out = run(
        url,
        "admin",
        "create",
        "--email",
        "Owner@Example.nl",
        "--password-stdin",
        stdin="correct horse battery\n",
    )
    assert code == 0 and "owner@example.nl" in out
    stored = db_rows(Settings(database_url=url), "SELECT password_hash FROM admin_users")[0][0]
    assert stored.startswith("scrypt$") and "correct horse" not in stored
    assert passwords.verify_password("correct horse battery", stored)
    assert not passwords.verify_password("wrong horse battery", stored)
    code, out = run(
        url,
        "admin",
        "create",
        "--email",
        "owner@example.nl",
        "--password-stdin",
        stdin="another password!\n",
    )
    assert code != 0 and "already has an account" in out


def test_admin_create_refuses_weak_passwords_and_bad_emails(
    fresh_database_url: Callable[[], str],
) -> None:
    url = fresh_database_url()
    assert (
        run(url, "admin", "create", "--email", "o@example.nl", "--password-stdin", stdin="short\n")[
            0
        ]
        != 0
    )
    assert (
        run(
            url,
            "admin",
            "create",
            "--email",
            "not-an-email",
            "--password-stdin",
            stdin="long enough pw\n",
        )[0]
        != 0
    )
    assert run(url, "admin", "list")[1] == ""


def test_api_keys_are_shown_once_stored_hashed_and_revocable(
    fresh_database_url: Callable[[], str],
) -> None:
    url = fresh_database_url()
    code, out = run(url, "keys", "create", "--name", "CRM sync")
    assert code == 0
    key = out.strip().splitlines()[-1]
    assert key.startswith(keys.API_KEY_PREFIX) and len(key) > 40
    stored = tuple(db_rows(Settings(database_url=url), "SELECT key_hash, prefix FROM api_keys")[0])
    assert stored[0] == keys.token_hash(key) and key not in stored and key.startswith(stored[1])
    listing = run(url, "keys", "list")[1]
    assert "CRM sync" in listing and "active" in listing and key not in listing
    assert run(url, "keys", "revoke", "1")[0] == 0
    assert "revoked" in run(url, "keys", "list")[1]
    assert run(url, "keys", "revoke", "1")[0] != 0
