"""Checkout: placing the order, reporting it to Shareback, confirmation and refund."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from .cart import cart_lines, clear_cart, compute_totals
from .csrf import require_csrf
from .identity import logged_in_shopper, looks_like_email, user_hash
from .money import webhook_amount
from .notices import describe_delivery
from .orders import Order
from .referral import fetch_friend_offer, friend_discount, referral_token
from .state import http_client, shop_state
from .templating import render
from .webhook import send_webhook

FIELDS = ("name", "email", "street", "postcode", "city")


async def show_checkout_form(request: Request) -> Response:
    shopper = logged_in_shopper(request.session)
    values = {field: "" for field in FIELDS}
    if shopper:
        values.update(name=shopper.name, email=shopper.email)
    return await _checkout_page(request, values, errors={})


async def place_order(request: Request) -> Response:
    form = await request.form()
    require_csrf(request.session, form)
    values = {field: str(form.get(field, "")).strip()[:200] for field in FIELDS}
    errors = _check_details(values)
    lines = cart_lines(request.session)
    if not lines:
        return RedirectResponse("/cart", status_code=303)
    if errors:
        return await _checkout_page(request, values, errors, status_code=422)

    state = shop_state(request)
    ref = referral_token(request)
    async with http_client(state) as client:
        offer = await fetch_friend_offer(client, state.config, ref)
        order = state.orders.place(
            email=values["email"],
            name=values["name"],
            address=_address(values),
            lines=lines,
            totals=compute_totals(lines, *friend_discount(offer)),
            ref=ref,
        )
        clear_cart(request.session)
        _remember_order(request, order)
        order.paid_delivery = await send_webhook(
            client,
            state.config.order_webhook_url,
            state.config.webhook_secret,
            "order.paid",
            {
                "order_id": order.id,
                "email": order.email,
                "name": order.name,
                "total": webhook_amount(order.total),
                # What the friend's discount took off: Shareback records the friend's reward
                # as exactly this (the shop gave it at the checkout).
                "subtotal": webhook_amount(order.totals.subtotal),
                "discount": webhook_amount(order.totals.discount),
                "currency": "EUR",
                "ref": order.ref,
                "coupon_codes": [],
            },
        )
    return RedirectResponse(f"/orders/{order.id}", status_code=303)


async def show_order(request: Request) -> Response:
    order = _visible_order(request)
    return render(
        request,
        "order.html",
        {
            "order": order,
            # The buyer's own address, signed: the thank-you widget opens on their own link.
            "buyer_hash": user_hash(shop_state(request).config.identity_secret, order.email),
            "paid_notice": describe_delivery(
                order.paid_delivery,
                recorded="Verwijzing geregistreerd" if order.ref else "Doorgegeven aan Shareback",
                not_delivered=(
                    "De verwijzing kon niet worden doorgegeven"
                    if order.ref
                    else "De bestelling kon niet aan Shareback worden doorgegeven"
                ),
            ),
            "refund_notice": describe_delivery(
                order.refund_delivery,
                recorded="Terugbetaling doorgegeven aan Shareback",
                not_delivered="De terugbetaling kon niet worden doorgegeven",
            ),
        },
    )


async def refund_order(request: Request) -> Response:
    order = _visible_order(request)
    form = await request.form()
    require_csrf(request.session, form)
    state = shop_state(request)
    async with http_client(state) as client:
        order.refund_delivery = await send_webhook(
            client,
            state.config.order_webhook_url,
            state.config.webhook_secret,
            "order.refunded",
            {"order_id": order.id},
        )
    order.refunded = True
    return RedirectResponse(f"/orders/{order.id}", status_code=303)


async def _checkout_page(
    request: Request,
    values: Mapping[str, str],
    errors: Mapping[str, str],
    status_code: int = 200,
) -> Response:
    lines = cart_lines(request.session)
    if not lines:
        return RedirectResponse("/cart", status_code=303)
    state = shop_state(request)
    async with http_client(state) as client:
        offer = await fetch_friend_offer(client, state.config, referral_token(request))
    context: dict[str, Any] = {
        "lines": lines,
        "totals": compute_totals(lines, *friend_discount(offer)),
        "values": values,
        "errors": errors,
    }
    return render(request, "checkout.html", context, status_code=status_code)


def _check_details(values: Mapping[str, str]) -> dict[str, str]:
    errors = {}
    if not values["name"]:
        errors["name"] = "Vul je naam in."
    if not looks_like_email(values["email"]):
        errors["email"] = "Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl."
    return errors


def _address(values: Mapping[str, str]) -> str:
    return ", ".join(
        part for part in (values["street"], values["postcode"], values["city"]) if part
    )


def _remember_order(request: Request, order: Order) -> None:
    placed = request.session.get("orders")
    mine = [*placed, order.id] if isinstance(placed, list) else [order.id]
    request.session["orders"] = mine[-20:]


def _visible_order(request: Request) -> Order:
    """An order is shown to the session that placed it, or to its logged-in shopper."""
    order = shop_state(request).orders.get(request.path_params["order_id"])
    if order is None:
        raise HTTPException(status_code=404)
    placed = request.session.get("orders")
    shopper = logged_in_shopper(request.session)
    if isinstance(placed, list) and order.id in placed:
        return order
    if shopper and shopper.email.casefold() == order.email.casefold():
        return order
    raise HTTPException(status_code=404)


routes = [
    Route("/checkout", show_checkout_form, methods=["GET"], name="checkout"),
    Route("/checkout", place_order, methods=["POST"], name="place_order"),
    Route("/orders/{order_id}", show_order, name="order"),
    Route("/orders/{order_id}/refund", refund_order, methods=["POST"], name="refund_order"),
]
