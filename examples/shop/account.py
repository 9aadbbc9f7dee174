"""Logging in (a demo: e-mail and name, no password), logging out, and "Mijn account"."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from .csrf import FIELD as CSRF_FIELD
from .csrf import require_csrf
from .identity import logged_in_shopper, looks_like_email
from .state import shop_state
from .templating import render

DEMO_SHOPPER = {"email": "anna@example.nl", "name": "Anna de Vries"}


async def show_login_form(request: Request) -> Response:
    if logged_in_shopper(request.session):
        return RedirectResponse("/account", status_code=303)
    return render(request, "login.html", {"values": DEMO_SHOPPER, "errors": {}})


async def log_in(request: Request) -> Response:
    form = await request.form()
    require_csrf(request.session, form)
    values = {
        "email": str(form.get("email", "")).strip()[:200],
        "name": str(form.get("name", "")).strip()[:200],
    }
    errors = {}
    if not looks_like_email(values["email"]):
        errors["email"] = "Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl."
    if not values["name"]:
        errors["name"] = "Vul je naam in."
    if errors:
        return render(request, "login.html", {"values": values, "errors": errors}, 422)
    request.session["shopper"] = values
    request.session.pop(CSRF_FIELD, None)  # a new token for the new identity
    return RedirectResponse("/account", status_code=303)


async def show_logout_form(request: Request) -> Response:
    if not logged_in_shopper(request.session):
        return RedirectResponse("/", status_code=303)
    return render(request, "logout.html")


async def log_out(request: Request) -> Response:
    form = await request.form()
    require_csrf(request.session, form)
    request.session.pop("shopper", None)
    request.session.pop(CSRF_FIELD, None)
    return RedirectResponse("/", status_code=303)


async def show_account(request: Request) -> Response:
    shopper = logged_in_shopper(request.session)
    if shopper is None:
        return RedirectResponse("/login", status_code=303)
    orders = shop_state(request).orders.for_email(shopper.email)
    return render(request, "account.html", {"orders": orders})


routes = [
    Route("/login", show_login_form, methods=["GET"], name="login"),
    Route("/login", log_in, methods=["POST"], name="log_in"),
    Route("/logout", show_logout_form, methods=["GET"], name="logout"),
    Route("/logout", log_out, methods=["POST"], name="log_out"),
    Route("/account", show_account, name="account"),
]
