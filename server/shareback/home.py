"""GET /: the first URL a newcomer tries says what this server is and where to go from here,
in the visitor's language (a person gets a page, a program that asks for JSON gets JSON)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from shareback import __version__, error_page
from shareback.context import context
from shareback.i18n import N_, translate

TITLE = N_("Shareback for {shop}")
ABOUT = N_(
    "This server runs the shop's referral programme: the links customers share, the rewards and "
    "the owner's dashboard. Came here through an invitation? Open the link you were sent."
)
LINKS = (
    (N_("Dashboard"), "/admin"),
    (N_("API description"), "/openapi.json"),
    (N_("Status"), "/healthz"),
)


def texts(shop: str, accept_language: str) -> list[error_page.Text]:
    """The page in the visitor's languages (error_page.languages), the shop named in each."""
    return [
        error_page.Text(
            lang,
            translate(lang, TITLE).format(shop=shop),
            translate(lang, ABOUT),
            tuple((translate(lang, label), href) for label, href in LINKS),
        )
        for lang in error_page.languages(accept_language)
    ]


async def show_home(request: Request) -> Response:
    settings = context(request).settings
    shop = settings.shop_name or "this shop"  # the name is the shop's own, never translated
    accept = request.headers.get("accept", "")
    if "application/json" in accept and "text/html" not in accept:
        return JSONResponse(
            {
                "name": "Shareback",
                "version": __version__,
                "shop": shop,
                "dashboard": f"{settings.public_url}/admin",
                "openapi": f"{settings.public_url}/openapi.json",
                "health": f"{settings.public_url}/healthz",
            }
        )
    ordered = texts(shop, request.headers.get("accept-language", ""))
    headers = {**error_page.HEADERS, "Cache-Control": "no-cache", "Vary": "Accept, Accept-Language"}
    return HTMLResponse(error_page.render(ordered), headers=headers)


routes = [Route("/", show_home, methods=["GET"])]
