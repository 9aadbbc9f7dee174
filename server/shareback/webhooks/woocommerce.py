"""POST /webhooks/woocommerce: WooCommerce's order.created and order.updated, and its set-up ping."""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shareback.context import Context, context
from shareback.crm import profile
from shareback.errors import ApiError
from shareback.storage.base import Outcome, RefundPart
from shareback.webhooks import platform

SOURCE = "woocommerce"
PAID_STATUSES = ("processing", "completed")
TOPICS = ("order.created", "order.updated")
# Sent, unsigned, when a webhook is saved; WooCommerce keeps the webhook only if it gets a 200.
PING = re.compile(rb"webhook_id=\d{1,20}")


def parse_order(order: dict[str, Any]) -> platform.PlatformOrder:
    currency = platform.currency_code(order.get("currency"), "currency")
    billing = platform.section(order.get("billing"), "billing")
    refs = [
        meta.get("value")
        for meta in platform.items(order.get("meta_data"), "meta_data")
        if isinstance(meta, dict) and meta.get("key") == platform.REF_NAME
    ]
    coupons = platform.items(order.get("coupon_lines"), "coupon_lines")
    email = platform.first_email(billing.get("email"))
    shipping = platform.section(order.get("shipping"), "shipping")
    buyer = profile.order_facts(
        email,
        None,
        source=SOURCE,
        first_name=billing.get("first_name"),
        last_name=billing.get("last_name"),
        country=billing.get("country") or shipping.get("country"),
        customer_id=platform.customer_id(order.get("customer_id")),
    )
    return platform.PlatformOrder(
        order_id=platform.resource_id(order.get("id"), "id"),
        email=email,
        name=platform.full_name(billing.get("first_name"), billing.get("last_name")),
        profile=buyer,
        total_minor=platform.minor_total(order.get("total"), currency, "total"),
        currency=currency,
        refs=platform.clean_refs(refs),
        coupon_codes=platform.clean_codes(c.get("code") for c in coupons if isinstance(c, dict)),
        customer_id=platform.customer_id(order.get("customer_id")),
        ip=platform.client_ip(order.get("customer_ip_address")),
        user_agent=platform.user_agent(order.get("customer_user_agent")),
        # discount_total: the coupons' discount before tax, as WooCommerce reports it.
        discount_minor=platform.optional_minor(
            order.get("discount_total"), currency, "discount_total"
        ),
    )


def parse_refunds(order: dict[str, Any]) -> tuple[RefundPart, ...]:
    """The order's refunds[]: {id, reason, total} with a negative total, one entry per refund."""
    parts: list[RefundPart] = []
    for n, refund in enumerate(platform.items(order.get("refunds"), "refunds")):
        if not isinstance(refund, dict):
            raise platform.invalid(f"refunds[{n}]", "Each refund must be a JSON object.")
        refund_id = platform.resource_id(refund.get("id"), f"refunds[{n}].id")
        amount = abs(
            platform.decimal_amount(refund.get("total"), f"refunds[{n}].total", signed=True)
        )
        if amount:
            parts.append(RefundPart(f"refund:{refund_id}", amount))
    return tuple(parts)


def merge(paid: Outcome, refund: Outcome) -> Outcome:
    """One answer for an update that both paid an order and refunded part of it."""
    if paid.status == "recorded":
        return Outcome(
            paid.status,
            paid.reason,
            paid.referral_id,
            revoked=refund.revoked,
            reduced=refund.reduced,
        )
    return refund


async def handle_order(ctx: Context, message_id: str, order: dict[str, Any]) -> Outcome:
    status = order.get("status")
    order_id = platform.resource_id(order.get("id"), "id")
    if status == "refunded":
        return await platform.record_refund(ctx, SOURCE, message_id, order_id)
    if status not in PAID_STATUSES:
        return Outcome("ignored", "not_paid")  # pending, on-hold, failed, cancelled…
    paid_order = parse_order(order)
    refunds = parse_refunds(order)
    paid = await platform.record_paid(ctx, SOURCE, message_id, paid_order)
    if not refunds:
        return paid
    # Every update carries every refund so far; each counts once, by its WooCommerce id, and
    # refunds adding up to the total refund the whole order.
    refund = await platform.record_refund(
        ctx, SOURCE, message_id + "/refunds", order_id, refunds, paid_order.currency
    )
    return merge(paid, refund)


async def receive_woocommerce_webhook(request: Request) -> Response:
    ctx = context(request)
    secret = platform.require_secret(
        ctx.settings.woocommerce_secret, "WooCommerce", "SHAREBACK_WOOCOMMERCE_SECRET"
    )
    body = await platform.read_platform_body(request, ctx)
    headers = request.headers
    signature = headers.get("x-wc-webhook-signature")
    if signature is None and PING.fullmatch(body.strip()):
        return platform.answer(Outcome("ignored", "ping"))
    platform.verify_base64_hmac(secret, body, signature, "X-WC-Webhook-Signature")
    topic = (headers.get("x-wc-webhook-topic") or "").strip()
    if not topic:
        raise ApiError(400, "missing_topic", "The X-WC-Webhook-Topic header is required.")
    if topic not in TOPICS:
        return platform.answer(Outcome("ignored", "unsupported_topic"))
    order = platform.parse_json_object(body)
    # WooCommerce's delivery id is a hash of the webhook's id and the current second, so two
    # deliveries in one second share it: the body's digest tells them apart.
    delivery = headers.get("x-wc-webhook-delivery-id")
    digest = platform.body_digest(body)
    message_id = f"{delivery.strip()[:64]}:{digest[:32]}" if delivery else f"sha256:{digest}"
    return platform.answer(await handle_order(ctx, message_id, order))


routes = [Route("/webhooks/woocommerce", receive_woocommerce_webhook, methods=["POST"])]
