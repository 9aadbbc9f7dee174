"""The demo storefront of a coffee roaster, integrated with Shareback like a real shop.

    create_shop_app(ShopConfig(backend_url=..., webhook_secret=..., identity_secret=...))

The shop knows Shareback only through its public surface: the widget script tag,
the signed order webhook (webhook.py) and the public widget-offer endpoint.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from . import account, checkout, shopping
from .config import ShopConfig
from .headers import SecurityHeaders
from .orders import OrderBook
from .referral import RememberReferral
from .state import ShopState
from .templating import ASSETS, build_templates, render
from .webhook import TIMEOUT_SECONDS

__all__ = ["ShopConfig", "create_shop_app"]

# Distinct from the backend's cookies: browsers share cookies between ports of one host.
SESSION_COOKIE = "brandpunt_session"


def create_shop_app(config: ShopConfig) -> Starlette:
    state = ShopState(config=config, orders=OrderBook(), templates=build_templates())

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS) as client:
            state.http = client
            try:
                yield
            finally:
                state.http = None

    app = Starlette(
        routes=[
            *shopping.routes,
            *checkout.routes,
            *account.routes,
            Mount("/assets", StaticFiles(directory=ASSETS), name="assets"),
        ],
        middleware=[
            Middleware(SecurityHeaders, backend_url=config.backend),
            Middleware(
                SessionMiddleware,
                secret_key=config.session_secret,
                session_cookie=SESSION_COOKIE,
                same_site="lax",
            ),
            Middleware(RememberReferral),
        ],
        exception_handlers={HTTPException: show_error_page},
        lifespan=lifespan,
    )
    app.state.shop = state
    return app


ERROR_PAGES = {
    403: (
        "Dat formulier is verlopen",
        "Je sessie is verlopen of het formulier was ongeldig. Ga terug, ververs de pagina "
        "en probeer het opnieuw.",
    ),
    404: ("Deze pagina bestaat niet", "Misschien is de koffie uitverkocht, of is de link oud."),
    405: ("Dat kan hier niet", "Deze pagina ondersteunt deze actie niet."),
}


async def show_error_page(request: Request, exc: Exception) -> Response:
    status_code = exc.status_code if isinstance(exc, HTTPException) else 500
    title, message = ERROR_PAGES.get(
        status_code, ("Er ging iets mis", "Probeer het later nog eens.")
    )
    context = {"title": title, "message": message, "status_code": status_code}
    headers = exc.headers if isinstance(exc, HTTPException) else None
    return render(request, "error.html", context, status_code=status_code, headers=headers)
