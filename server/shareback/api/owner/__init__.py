"""The owner's JSON API under /api/v1 (Bearer API keys): campaigns, advocates, referrals,
rewards, stats and CSV exports."""

from __future__ import annotations

from starlette.routing import BaseRoute

routes: list[BaseRoute] = []
