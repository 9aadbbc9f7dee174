"""The owner's dashboard under /admin: login, overview, campaigns, rewards, settings."""

from __future__ import annotations

from starlette.routing import BaseRoute

from shareback.admin import (
    access,
    assets,
    auth,
    campaigns,
    exports,
    overview,
    preview,
    rewards,
    settings_page,
)

routes: list[BaseRoute] = [
    *assets.routes,
    *auth.routes,
    *overview.routes,
    *campaigns.routes,
    *preview.routes,
    *exports.routes,
    *rewards.routes,
    *settings_page.routes,
    *access.routes,
]
