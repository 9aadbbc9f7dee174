"""Browsing and the cart: home page, product pages, adding and changing cart lines."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from .cart import add_to_cart, cart_lines, compute_totals, parse_quantity, set_quantity
from .catalog import PRODUCTS, find_product
from .csrf import require_csrf
from .referral import fetch_friend_offer, friend_discount, referral_token
from .state import http_client, shop_state
from .templating import render


async def show_home(request: Request) -> Response:
    return render(request, "home.html", {"products": PRODUCTS})


async def show_product(request: Request) -> Response:
    product = find_product(request.path_params["slug"])
    if product is None:
        raise HTTPException(status_code=404)
    others = [other for other in PRODUCTS if other.slug != product.slug][:3]
    return render(request, "product.html", {"product": product, "others": others})


async def add_product_to_cart(request: Request) -> Response:
    form = await request.form()
    require_csrf(request.session, form)
    product = find_product(str(form.get("slug", "")))
    if product is None:
        raise HTTPException(status_code=404)
    quantity = parse_quantity(form.get("quantity"), default=1)
    if quantity > 0:
        add_to_cart(request.session, product.slug, quantity)
    return RedirectResponse("/cart", status_code=303)


async def show_cart(request: Request) -> Response:
    lines = cart_lines(request.session)
    state = shop_state(request)
    ref = referral_token(request)
    offer = None
    if lines and ref:
        async with http_client(state) as client:
            offer = await fetch_friend_offer(client, state.config, ref)
    totals = compute_totals(lines, *friend_discount(offer))
    return render(request, "cart.html", {"lines": lines, "totals": totals})


async def update_cart(request: Request) -> Response:
    form = await request.form()
    require_csrf(request.session, form)
    removed = str(form.get("remove", ""))
    for line in cart_lines(request.session):
        slug = line.product.slug
        if slug == removed:
            set_quantity(request.session, slug, 0)
        elif f"quantity-{slug}" in form:
            quantity = parse_quantity(form.get(f"quantity-{slug}"), default=line.quantity)
            set_quantity(request.session, slug, quantity)
    return RedirectResponse("/cart", status_code=303)


routes = [
    Route("/", show_home, name="home"),
    Route("/product/{slug}", show_product, name="product"),
    Route("/cart", show_cart, name="cart"),
    Route("/cart/add", add_product_to_cart, methods=["POST"], name="add_to_cart"),
    Route("/cart/update", update_cart, methods=["POST"], name="update_cart"),
]
