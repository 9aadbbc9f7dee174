"""Typed access to what the lifespan put on every request's state."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.requests import Request

from shareback.ratelimit import RateLimiter

if TYPE_CHECKING:
    from shareback.metrics import RequestMetrics
from shareback.settings import Secrets, Settings
from shareback.storage.base import Store


@dataclass(frozen=True)
class Context:
    settings: Settings
    secrets: Secrets
    store: Store
    limiter: RateLimiter
    metrics: RequestMetrics


def context(request: Request) -> Context:
    ctx: Context = request.state.ctx
    return ctx


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "0.0.0.0"
