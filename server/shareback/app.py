"""create_app(settings) -> Starlette: the route table, the error handlers and the lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute

from shareback import admin, health, home, payout_page, qr, redirect, serving, webhooks, widget
from shareback import metrics as metrics_routes
from shareback.api import (
    advocates,
    campaign_widget,
    events,
    outgoing,
    owner,
    referrers,
    welcome,
)
from shareback.background import (
    approve_rewards_forever,
    delete_old_clicks_forever,
    refresh_limits_forever,
    sync_customers_forever,
)
from shareback.bootstrap import bootstrap
from shareback.context import new_context
from shareback.crm.scoring_loop import rescore_forever
from shareback.errors import EXCEPTION_HANDLERS
from shareback.mail import routes as mail_routes
from shareback.mail.sender import MailSender, send_mail_forever
from shareback.metrics import MetricsMiddleware, RequestMetrics
from shareback.outgoing.validation import RewardValidator
from shareback.outgoing.worker import DeliveryWorker, deliver_forever
from shareback.settings import Settings
from shareback.storage import open_store

log = logging.getLogger("shareback")


def all_routes() -> list[BaseRoute]:
    return [
        *home.routes,
        *health.routes,
        *metrics_routes.routes,
        *widget.routes,
        *redirect.routes,
        *qr.routes,
        *campaign_widget.routes,
        *advocates.routes,
        *referrers.routes,
        *welcome.routes,
        *events.routes,
        *webhooks.routes,
        *owner.routes,
        *outgoing.routes,
        *mail_routes.routes,
        *payout_page.routes,
        *admin.routes,
    ]


def create_app(settings: Settings | None = None, *, tune_gc: bool = False) -> Starlette:
    """tune_gc (`shareback serve`): once started, the objects made so far are frozen out of the
    garbage collector's walks and young objects are collected less often (serving.tune_gc)."""
    settings = (settings or Settings.from_env()).checked()
    metrics = RequestMetrics()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Any]]:
        store = await open_store(
            settings.database_url, settings.database_pool_size, settings.zone()
        )
        try:
            secrets = await bootstrap(store, settings)
            ctx = await new_context(settings, secrets, store, metrics)
            async with httpx.AsyncClient(timeout=10, follow_redirects=False) as http:
                worker = DeliveryWorker(store, settings.public_url, http)
                background = [
                    asyncio.create_task(
                        approve_rewards_forever(
                            store,
                            settings.approve_interval_seconds,
                            RewardValidator(store, settings.public_url, http),
                        )
                    ),
                    asyncio.create_task(
                        deliver_forever(worker, settings.delivery_interval_seconds)
                    ),
                    asyncio.create_task(refresh_limits_forever(ctx.watched_limiters)),
                    asyncio.create_task(
                        sync_customers_forever(store, settings.customer_sync_seconds)
                    ),
                    asyncio.create_task(
                        delete_old_clicks_forever(store, settings.click_retention_days)
                    ),
                    asyncio.create_task(rescore_forever(store, settings.score_rules)),
                    asyncio.create_task(
                        send_mail_forever(
                            MailSender(store, settings, secrets.secret_key),
                            settings.mail_interval_seconds,
                        )
                    ),
                ]
                if tune_gc:
                    serving.tune_gc()
                try:
                    yield {"ctx": ctx}
                finally:
                    for task in background:
                        task.cancel()
                    for task in background:
                        with contextlib.suppress(asyncio.CancelledError):
                            await task
        finally:
            await store.close()

    return Starlette(
        routes=all_routes(),
        middleware=[Middleware(MetricsMiddleware, metrics=metrics)],
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan,
    )
