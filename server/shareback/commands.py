"""Admin commands: `shareback admin …` for dashboard users, `shareback keys …` for API keys,
`shareback db copy` to move the data to another database, `shareback gdpr …` for a person's
data requests."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from contextlib import closing
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit

import click

from shareback import emails, gdpr, tokens
from shareback.auth import keys, passwords
from shareback.auth.roles import ROLES
from shareback.emails import is_valid_email
from shareback.settings import Settings
from shareback.storage import SCHEMES, open_store
from shareback.storage.base import Store

T = TypeVar("T")


def with_store(action: Callable[[Store], Awaitable[T]]) -> T:
    async def run() -> T:
        settings = Settings.from_env()
        store = await open_store(
            settings.database_url, settings.database_pool_size, settings.zone()
        )
        try:
            await store.migrate()
            return await action(store)
        finally:
            await store.close()

    return asyncio.run(run())


def read_password(password_stdin: bool, email: str) -> str:
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        passwords.check_strength(password, email)
    except passwords.WeakPassword as exc:
        raise click.ClickException(str(exc)) from exc
    return password


@click.group()
def admin() -> None:
    """Dashboard users."""


ROLE_OPTION = click.Choice(ROLES, case_sensitive=False)


@admin.command("create")
@click.option("--email", required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option(
    "--role",
    type=ROLE_OPTION,
    default="owner",
    show_default=True,
    help="owner: everything; finance: rewards, payouts and exports; viewer: reads only.",
)
def create_admin(email: str, password_stdin: bool, role: str) -> None:
    """Create a dashboard user (the password is prompted for, or read from stdin)."""
    if not is_valid_email(email):
        raise click.ClickException(f"{email!r} is not a valid e-mail address")
    hashed = passwords.hash_password(read_password(password_stdin, email))
    user = with_store(
        lambda store: store.create_admin_user(email, hashed, tokens.now_utc(), role.lower())
    )
    if user is None:
        raise click.ClickException(
            f"{email} already has an account (use `shareback admin password`)"
        )
    click.echo(f"created admin user {user.email} ({user.role})")


@admin.command("role")
@click.option("--email", required=True)
@click.option("--role", type=ROLE_OPTION, required=True)
def set_role(email: str, role: str) -> None:
    """Change a dashboard user's role (applies from their next request)."""

    async def change(store: Store) -> bool:
        user = await store.admin_user(email)
        return user is not None and await store.set_admin_role(user.id, role.lower())

    if not with_store(change):
        raise click.ClickException(f"no admin user {email}")
    click.echo(f"{email.lower()} is now {role.lower()}")


@admin.command("reset-2fa")
@click.option("--email", required=True)
def reset_two_factor(email: str) -> None:
    """Turn off a user's two-factor sign-in (a lost phone and lost recovery codes): their
    password alone signs them in again, and they can set it up anew on their account page."""

    async def reset(store: Store) -> bool:
        user = await store.admin_user(email)
        return user is not None and await store.reset_two_factor(user.id)

    if not with_store(reset):
        raise click.ClickException(f"no admin user {email}")
    click.echo(f"two-factor sign-in is off for {email.lower()}")


@admin.command("password")
@click.option("--email", required=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def change_password(email: str, password_stdin: bool) -> None:
    """Set a dashboard user's password (ends their sessions)."""
    hashed = passwords.hash_password(read_password(password_stdin, email))
    if not with_store(lambda store: store.set_admin_password(email, hashed)):
        raise click.ClickException(f"no admin user {email}")
    click.echo(f"password changed for {email.lower()}")


@admin.command("list")
def list_admins() -> None:
    """List dashboard users."""
    for user in with_store(lambda store: store.admin_users()):
        last = user.last_login_at.isoformat(timespec="minutes") if user.last_login_at else "never"
        two_factor = "2fa on" if user.two_factor else "2fa off"
        click.echo(f"{user.email}\t{user.role}\t{two_factor}\tlast login {last}")


@click.group("keys")
def api_keys() -> None:
    """API keys for /api/v1 (Authorization: Bearer <key>)."""


@api_keys.command("create")
@click.option("--name", required=True, help="What the key is for, e.g. 'CRM sync'.")
@click.option(
    "--scope",
    type=click.Choice(keys.SCOPES, case_sensitive=False),
    default=keys.FULL,
    show_default=True,
    help="read: GET requests only (403 insufficient_scope otherwise); full: everything.",
)
def create_key(name: str, scope: str) -> None:
    """Create an API key; it is shown once and stored only as a hash."""
    key = keys.new_api_key()
    record = with_store(
        lambda store: store.create_api_key(
            name.strip(),
            keys.display_prefix(key),
            keys.token_hash(key),
            tokens.now_utc(),
            scope.lower(),
        )
    )
    click.echo(f"API key {record.id} ({record.name}, {record.scope}); shown only now:\n{key}")


@api_keys.command("list")
def list_keys() -> None:
    """List API keys (prefixes only)."""
    for record in with_store(lambda store: store.api_keys()):
        state = "revoked" if record.revoked_at else "active"
        used = record.last_used_at.isoformat(timespec="minutes") if record.last_used_at else "never"
        click.echo(
            f"{record.id}\t{record.prefix}…\t{record.name}\t{record.scope}\t{state}\tlast used {used}"
        )


@api_keys.command("revoke")
@click.argument("key_id", type=int)
def revoke_key(key_id: int) -> None:
    """Revoke an API key by its id."""
    if not with_store(lambda store: store.revoke_api_key(key_id, tokens.now_utc())):
        raise click.ClickException(f"no active API key {key_id}")
    click.echo(f"revoked API key {key_id}")


@click.group("db")
def database() -> None:
    """The database: copy it to another engine, back it up, rebuild its daily rollups."""


@database.command("copy")
@click.argument("source_url")
@click.argument("target_url")
def copy_database(source_url: str, target_url: str) -> None:
    """Copy every row, secrets included, from SOURCE_URL into the empty TARGET_URL.

    For example: shareback db copy sqlite:///shareback.db postgresql://shareback@db/shareback
    Stop the server first (or at least the traffic): rows written during the copy are not in it.
    """
    from shareback.storage import copy
    from shareback.storage.sqlite import database_path

    for url in (source_url, target_url):
        if url.split(":", 1)[0] not in SCHEMES:
            raise click.ClickException(f"{url!r} is not a sqlite:/// or postgresql:// URL")
    if source_url.startswith("sqlite:"):
        path = database_path(source_url)
        if not Path(path).is_file():
            raise click.ClickException(f"there is no SQLite database at {path}")
    try:
        report = asyncio.run(copy.copy_database(source_url, target_url))
    except copy.CopyError as exc:
        raise click.ClickException(str(exc)) from exc
    width = max(len(item.table) for item in report)
    for item in report:
        click.echo(f"{item.table:<{width}}  {item.rows:>9}")
    click.echo(f"copied {sum(item.rows for item in report)} rows into {redact(target_url)}")


@database.command("rebuild-rollups")
def rebuild_rollups() -> None:
    """Count the daily rollups (clicks, visitors, widget events) again from the raw rows, cut at
    the shop's midnight (SHAREBACK_TIMEZONE).

    Each start does this by itself when the time zone changed; the command is for a database
    filled by other means (an import, the benchmark's generator). Days whose raw clicks the
    retention setting already deleted keep the days they were counted in."""
    done = with_store(lambda store: store.rebuild_rollups())
    since = f" from {done.recounted_from.isoformat()}" if done.recounted_from else ""
    click.echo(
        f"rebuilt the daily rollups in {done.zone} (were {done.previous_zone}){since}: "
        f"{done.clicks} clicks, {done.events} widget events"
    )


@database.command("backup")
@click.argument("target", type=click.Path(dir_okay=False))
def backup_database(target: str) -> None:
    """Copy the SQLite database into TARGET while the server runs (SQLite's online backup).

    A plain cp of a live file can be torn mid-write; this copy is one consistent moment.
    On PostgreSQL use pg_dump (see the production guide)."""
    import sqlite3

    from shareback.storage.sqlite import database_path

    url = Settings.from_env().database_url
    if not url.startswith("sqlite:"):
        raise click.ClickException(
            f"{redact(url)} is not SQLite: back PostgreSQL up with pg_dump --format=custom"
        )
    source = database_path(url)
    if not Path(source).is_file():
        raise click.ClickException(f"there is no SQLite database at {source}")
    if Path(target).exists():
        raise click.ClickException(f"{target} exists: choose a new file (nothing was overwritten)")
    with (
        closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)) as live,
        closing(sqlite3.connect(target)) as copy,
    ):
        live.backup(copy)
        tables = copy.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()
    click.echo(f"backed up {source} into {target} ({tables[0]} tables)")


def redact(url: str) -> str:
    """A database URL fit to print: without its password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


@click.group("gdpr")
def gdpr_requests() -> None:
    """A person's data requests: what is kept about them, and erasing it."""


def checked_email(email: str) -> str:
    if not is_valid_email(email.strip()):
        raise click.ClickException(f"{email!r} is not an e-mail address")
    return email.strip()


@gdpr_requests.command("export")
@click.option("--email", required=True, help="The person's address (any +tag or case).")
def export_person(email: str) -> None:
    """Print everything kept about the person as JSON."""
    address = checked_email(email)
    sections = with_store(lambda store: store.person_data(emails.email_key(address)))
    click.echo(json.dumps(gdpr.export_document(address, sections), indent=2, ensure_ascii=False))


@gdpr_requests.command("delete")
@click.option("--email", required=True, help="The person's address (any +tag or case).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def erase_person(email: str, yes: bool) -> None:
    """Erase the person's personal data; the statistics stay as they are."""
    address = checked_email(email)
    if not yes:
        click.confirm(f"Erase everything about {address}? This cannot be undone", abort=True)
    erased = with_store(
        lambda store: store.erase_person(emails.email_key(address), tokens.now_utc())
    )
    click.echo(json.dumps({"email": address, "erased": erased}, indent=2))
