"""The owner's dashboard under /admin: login, overview, campaigns, rewards, settings."""

from __future__ import annotations

from starlette.routing import BaseRoute

routes: list[BaseRoute] = []
