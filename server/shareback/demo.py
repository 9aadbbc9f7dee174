"""`shareback demo`: the backend and the example shop side by side, with a little data to look at."""

from __future__ import annotations

import asyncio

import uvicorn

from shareback import codes, emails, tokens
from shareback.app import create_app
from shareback.bootstrap import DEFAULT_SLUG, bootstrap
from shareback.settings import Secrets, Settings
from shareback.storage import open_store

DEMO_ADVOCATES = (("anna@example.nl", "Anna de Vries"), ("joost@example.nl", "Joost Bakker"))


async def prepare_demo(settings: Settings) -> Secrets:
    """Migrate, keep secrets and seed the demo advocates (idempotent: a second run adds nothing)."""
    store = await open_store(settings.database_url)
    try:
        secrets = await bootstrap(store, settings)
        campaign = await store.campaign(DEFAULT_SLUG)
        assert campaign is not None
        for email, name in DEMO_ADVOCATES:
            await store.advocate_for(
                campaign.id,
                email,
                emails.email_key(email),
                name,
                True,
                codes.code_prefix(name, email),
                tokens.now_utc(),
            )
        return secrets
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
            uvicorn.Config(create_app(settings), host=host, port=port, log_level="info")
        ),
        uvicorn.Server(uvicorn.Config(shop, host=host, port=shop_port, log_level="info")),
    )

    async def serve_both() -> None:
        await asyncio.gather(*(server.serve() for server in servers))

    asyncio.run(serve_both())
