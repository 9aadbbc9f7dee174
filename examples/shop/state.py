"""What the shop's request handlers share: config, orders, templates, the HTTP client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import cast

import httpx
from starlette.requests import Request
from starlette.templating import Jinja2Templates

from .config import ShopConfig
from .orders import OrderBook
from .webhook import TIMEOUT_SECONDS


@dataclass
class ShopState:
    config: ShopConfig
    orders: OrderBook
    templates: Jinja2Templates
    http: httpx.AsyncClient | None = None  # opened by the app's lifespan


def shop_state(request: Request) -> ShopState:
    return cast(ShopState, request.app.state.shop)


@asynccontextmanager
async def http_client(state: ShopState) -> AsyncIterator[httpx.AsyncClient]:
    """The app's shared client, or a one-off one when the lifespan did not run."""
    if state.http is not None:
        yield state.http
        return
    async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS) as client:
        yield client
