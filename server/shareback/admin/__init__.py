"""The owner's dashboard under /admin: login, overview, campaigns, advocates, referrals, rewards,
settings, webhooks."""

from __future__ import annotations

from starlette.routing import BaseRoute

from shareback.admin import (
    access,
    account,
    advocate_profile,
    advocates,
    assets,
    auth,
    campaigns,
    deliveries,
    exports,
    fraud,
    mail_campaign,
    mail_log,
    mail_templates,
    overview,
    payouts,
    pool_upload,
    preview,
    referrals,
    rewards,
    second_factor,
    settings_page,
    webhooks_page,
)

routes: list[BaseRoute] = [
    *assets.routes,
    *auth.routes,
    *second_factor.routes,
    *account.routes,
    *overview.routes,
    *campaigns.routes,
    *pool_upload.routes,
    *preview.routes,
    *exports.routes,
    *advocates.routes,
    *advocate_profile.routes,
    *referrals.routes,
    *rewards.routes,
    *payouts.routes,
    *fraud.routes,
    *settings_page.routes,
    *webhooks_page.routes,
    *deliveries.routes,
    *mail_log.routes,
    *mail_campaign.routes,
    *mail_templates.routes,
    *access.routes,
]
