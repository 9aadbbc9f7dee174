"""First start: migrate, keep generated secrets, and make sure the default campaign exists."""

from __future__ import annotations

import logging
import secrets

from shareback.campaigns import DEFAULT_SHOP_NAME
from shareback.rewards import RewardSpec
from shareback.settings import (
    DEFAULT_LANDING_URL,
    Secrets,
    Settings,
    resolve_secrets,
)
from shareback.storage.base import CampaignDraft, Store
from shareback.urls import origin_of
from shareback.webhooks.standard import new_secret

DEFAULT_SLUG = "default"

log = logging.getLogger("shareback")


def generate_secrets() -> dict[str, str]:
    """Kept on first start; a later start reads the stored ones back."""
    return {
        "secret_key": secrets.token_urlsafe(32),
        "identity_secret": secrets.token_urlsafe(32),
        "webhook_secret": new_secret(),
    }


def default_campaign(settings: Settings) -> CampaignDraft:
    landing = settings.landing_url or DEFAULT_LANDING_URL
    origins = (
        settings.allowed_origins if settings.allowed_origins is not None else (origin_of(landing),)
    )
    return CampaignDraft(
        slug=DEFAULT_SLUG,
        name="Invite a friend",
        shop_name=settings.shop_name or DEFAULT_SHOP_NAME,
        landing_url=landing,
        allowed_origins=origins,
        referrer_reward=RewardSpec("credit", "5.00", "EUR"),
        friend_reward=RewardSpec("percent_discount", "10", "EUR"),
    )


async def bootstrap(store: Store, settings: Settings) -> Secrets:
    await store.migrate()
    # A shop that changed SHAREBACK_TIMEZONE: its daily rollups are cut again at the new midnight.
    rebuilt = await store.ensure_rollups_zone()
    if rebuilt is not None:
        log.info(
            "daily rollups rebuilt in %s (were %s): %d clicks, %d widget events",
            rebuilt.zone,
            rebuilt.previous_zone,
            rebuilt.clicks,
            rebuilt.events,
        )
    secrets = resolve_secrets(settings, await store.keep_secrets(generate_secrets()))
    await store.ensure_campaign(default_campaign(settings))
    # Settings given explicitly win over what the first start stored; unset ones change nothing.
    origins = settings.allowed_origins
    if settings.landing_url is not None and origins is None:
        origins = (origin_of(settings.landing_url),)
    await store.configure_campaign(
        DEFAULT_SLUG,
        landing_url=settings.landing_url,
        allowed_origins=origins,
        shop_name=settings.shop_name,
    )
    return secrets
