"""The shareback command: serve, demo, migrate."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import socket

import click
import uvicorn
from uvicorn.supervisors import Multiprocess

from shareback import access_log
from shareback.app import create_app
from shareback.commands import admin, api_keys, database, gdpr_requests
from shareback.crm.command import import_file
from shareback.serving import proxy_options
from shareback.settings import Settings, SettingsError


def free_port(host: str, preferred: int) -> int:
    """The preferred port when it is free, else one the OS picks."""
    for port in (preferred, 0):
        with socket.socket() as sock:
            try:
                sock.bind((host, port))
            except OSError:
                continue
            chosen: int = sock.getsockname()[1]
            return chosen
    raise click.ClickException(f"no free port on {host}")


WORKER_HEALTHCHECK_SECONDS = 30


class NoDelayConfig(uvicorn.Config):
    """uvicorn binds the socket its workers share without TCP_NODELAY (asyncio sets it only on
    sockets it makes itself), so every keep-alive answer waited ~40 ms for the client's delayed
    ACK: 700 req/s for widget.js with 2 workers, against 7,000 with one (bench/README.md).
    Accepted connections inherit the option from the listening socket."""

    def bind_socket(self) -> socket.socket:
        sock = super().bind_socket()
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock


class Commands(click.Group):
    """A setting that cannot work ends any command with its message, not a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except SettingsError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=Commands)
@click.version_option(package_name="shareback")
def main() -> None:
    """Shareback: self-hosted referral marketing. Settings come from SHAREBACK_* variables."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Processes sharing the port (PostgreSQL; SQLite has one writer, so one is best).",
)
def serve(host: str, port: int, workers: int) -> None:
    """Run the backend."""
    settings = Settings.from_env()
    options = {
        "host": host,
        "port": port,
        "log_config": access_log.log_config(settings.access_log),
        **proxy_options(settings),
    }
    if workers == 1:
        uvicorn.run(create_app(settings, tune_gc=True), **options)
        return
    # Several processes: uvicorn starts each one from the import string, and each builds its
    # app from the same SHAREBACK_ variables (checked once above, so a bad one stops here).
    # A worker that does not answer the supervisor's ping within the health-check timeout is
    # killed and restarted. uvicorn's 5 s killed busy but healthy workers on a loaded machine
    # (the pong thread starved of CPU): the connections they held were reset. 30 s still
    # replaces a hung worker.
    config = NoDelayConfig(
        "shareback.serving:serving_app",
        factory=True,
        workers=workers,
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
        **options,
    )
    Multiprocess(config, sockets=[config.bind_socket()]).run()


@main.command()
def migrate() -> None:
    """Apply pending database migrations."""
    from shareback.storage import open_store

    async def run() -> list[str]:
        settings = Settings.from_env()
        store = await open_store(
            settings.database_url, settings.database_pool_size, settings.zone()
        )
        try:
            return await store.migrate()
        finally:
            await store.close()

    applied = asyncio.run(run())
    click.echo("applied: " + ", ".join(applied) if applied else "the database is up to date")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int, help="Backend port.")
@click.option("--shop-port", default=8001, show_default=True, type=int, help="Demo shop port.")
def demo(host: str, port: int, shop_port: int) -> None:
    """Run the backend and the demo shop together, with demo data, and print the URLs to open."""
    from shareback.demo import prepare_demo, run_demo

    port, shop_port = free_port(host, port), free_port(host, shop_port)
    settings = Settings.from_env()
    shop_url = f"http://{host}:{shop_port}"
    settings = dataclasses.replace(
        settings,
        public_url=f"http://{host}:{port}",
        landing_url=f"{shop_url}/",
        allowed_origins=(shop_url,),
        shop_name=settings.shop_name or "Brandpunt Koffie",
        # The demo is a Dutch shop: its clock and its dashboard's default language, unless the
        # environment names its own.
        timezone=os.environ.get("SHAREBACK_TIMEZONE") or "Europe/Amsterdam",
        locale=os.environ.get("SHAREBACK_LOCALE") or "nl",
    )
    secrets, login = asyncio.run(prepare_demo(settings))
    click.echo(
        f"\nShareback demo\n"
        f"  shop:     {shop_url}/   (log in as Anna at {shop_url}/login to share)\n"
        f"  owner:    {settings.public_url}/admin   ({login.email} / {login.password})\n"
        f"  backend:  {settings.public_url}/healthz\n"
        f"  database: {settings.database_url}\n"
        f"Press Ctrl+C to stop.\n"
    )
    run_demo(settings, secrets, host, port, shop_port)


main.add_command(admin)
main.add_command(api_keys)
main.add_command(database)
main.add_command(gdpr_requests)
main.add_command(import_file)
