"""GET /: the first URL a newcomer tries says what this server is and where to go from here,
in the visitor's language (a person gets a page, a program that asks for JSON gets JSON)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from shareback import __version__, error_page
from shareback.context import context


def texts(shop: str) -> list[error_page.Text]:
    links_en = (
        ("Dashboard", "/admin"),
        ("API description", "/openapi.json"),
        ("Status", "/healthz"),
    )
    links_nl = (
        ("Dashboard", "/admin"),
        ("API-beschrijving", "/openapi.json"),
        ("Status", "/healthz"),
    )
    return [
        error_page.Text(
            "nl",
            f"Shareback voor {shop}",
            "Hier draait het doorverwijsprogramma van de winkel: de links die klanten delen, "
            "de beloningen en het dashboard van de eigenaar. Kwam je via een uitnodiging? "
            "Open dan de link die je kreeg.",
            links_nl,
        ),
        error_page.Text(
            "en",
            f"Shareback for {shop}",
            "This server runs the shop's referral programme: the links customers share, the "
            "rewards and the owner's dashboard. Came here through an invitation? Open the link "
            "you were sent.",
            links_en,
        ),
    ]


async def show_home(request: Request) -> Response:
    settings = context(request).settings
    shop = settings.shop_name or "this shop"
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
    ordered = error_page.in_order(texts(shop), request.headers.get("accept-language", ""))
    headers = {**error_page.HEADERS, "Cache-Control": "no-cache", "Vary": "Accept, Accept-Language"}
    return HTMLResponse(error_page.render(ordered), headers=headers)


routes = [Route("/", show_home, methods=["GET"])]
