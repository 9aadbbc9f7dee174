"""Incoming webhooks: verification schemes and the handlers per source."""

from __future__ import annotations

from starlette.routing import BaseRoute

from shareback.webhooks import orders, shopify, stripe, woocommerce

routes: list[BaseRoute] = [*orders.routes, *shopify.routes, *stripe.routes, *woocommerce.routes]
