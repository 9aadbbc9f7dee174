"""The owner's JSON API under /api/v1 (Bearer API keys): campaigns, advocates, referrals,
rewards, stats, CSV exports and a person's data requests (GDPR)."""

from __future__ import annotations

from starlette.routing import BaseRoute

from shareback.api.owner import (
    advocates,
    campaigns,
    code_pool,
    credit,
    experiments,
    exports,
    fraud,
    gdpr,
    loyalty,
    openapi_route,
    payouts,
    referrals,
    rewards,
    stats,
)

routes: list[BaseRoute] = [
    *campaigns.routes,
    *code_pool.routes,
    *stats.routes,
    *advocates.routes,
    *referrals.routes,
    *rewards.routes,
    *payouts.routes,
    *credit.routes,
    *exports.routes,
    *experiments.routes,
    *loyalty.routes,
    *gdpr.routes,
    *fraud.routes,
    *openapi_route.routes,
]
