"""`shareback demo`: the backend and the example shop side by side, with a little data to look at."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import uvicorn

from shareback import access_log, tokens
from shareback.app import create_app
from shareback.auth import passwords
from shareback.bootstrap import DEFAULT_SLUG, bootstrap
from shareback.demo_data import new_demo_password, seed_history
from shareback.serving import proxy_options
from shareback.settings import Secrets, Settings
from shareback.storage import open_store

DEMO_ADMIN = "owner@example.nl"


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str


async def prepare_demo(settings: Settings) -> tuple[Secrets, DemoLogin]:
    """Migrate, keep secrets, seed six weeks of history and an owner login (all idempotent)."""
    store = await open_store(settings.database_url, settings.database_pool_size, settings.zone())
    try:
        secrets = await bootstrap(store, settings)
        campaign = await store.campaign(DEFAULT_SLUG)
        assert campaign is not None
        await seed_history(store, campaign, tokens.now_utc())
        kept = await store.keep_secrets({"demo_admin_password": new_demo_password()})
        login = DemoLogin(DEMO_ADMIN, kept["demo_admin_password"])
        if await store.admin_user(DEMO_ADMIN) is None:
            await store.create_admin_user(
                DEMO_ADMIN, passwords.hash_password(login.password), tokens.now_utc()
            )
        return secrets, login
    finally:
        await store.close()


def run_demo(settings: Settings, secrets: Secrets, host: str, port: int, shop_port: int) -> None:
    from shareback.shop.app import ShopConfig, create_shop_app

    shop = create_shop_app(
        ShopConfig(
            backend_url=settings.public_url,
            webhook_secret=secrets.webhook_secret,
            identity_secret=secrets.identity_secret,
            campaign=DEFAULT_SLUG,
        )
    )
    servers = (
        uvicorn.Server(
            uvicorn.Config(
                create_app(settings),
                host=host,
                port=port,
                log_level="info",
                log_config=access_log.log_config(settings.access_log),
                **proxy_options(settings),
            )
        ),
        uvicorn.Server(
            uvicorn.Config(
                shop,
                host=host,
                port=shop_port,
                log_level="info",
                log_config=access_log.log_config(settings.access_log),
                **proxy_options(settings),
            )
        ),
    )

    async def serve_both() -> None:
        await asyncio.gather(*(server.serve() for server in servers))

    asyncio.run(serve_both())
