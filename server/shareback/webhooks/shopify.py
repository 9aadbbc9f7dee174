"""POST /webhooks/shopify: Shopify's orders/paid, orders/create, refunds/create and disputes
notifications."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shareback import tokens
from shareback.context import Context, context
from shareback.crm import profile
from shareback.crm.records import CustomerFacts
from shareback.errors import ApiError
from shareback.storage.base import Outcome, RefundPart
from shareback.webhooks import platform
from shareback.webhooks.platform import invalid

SOURCE = "shopify"


def unwrap(resource: dict[str, Any], key: str) -> dict[str, Any]:
    """Webhooks send the bare resource; the REST API wraps it ({"order": {...}}). Take either."""
    inner = resource.get(key)
    return inner if len(resource) == 1 and isinstance(inner, dict) else resource


def order_refs(order: dict[str, Any]) -> tuple[str, ...]:
    """The widget's ref from the cart attribute (note_attributes), then from the landing page's URL."""
    found: list[Any] = []
    for attribute in platform.items(order.get("note_attributes"), "note_attributes"):
        if isinstance(attribute, dict) and str(attribute.get("name", "")).strip().lower() == (
            platform.REF_NAME
        ):
            found.append(attribute.get("value"))
    landing = order.get("landing_site")
    if isinstance(landing, str):
        found.extend(parse_qs(urlsplit(landing.strip()).query).get("ref", []))
    return platform.clean_refs(found)


def order_totals(order: dict[str, Any]) -> tuple[int, str, int | None, str | None]:
    """The order in the shop's money (total_price_set.shop_money; else total_price in the
    shop's currency), and in the shopper's (presentment_money) when that is another currency."""
    currency = platform.currency_code(order.get("currency"), "currency")
    total = platform.minor_total(order.get("total_price"), currency, "total_price"), currency
    prices = platform.section(order.get("total_price_set"), "total_price_set")
    shop = platform.money_set(prices.get("shop_money"), "total_price_set.shop_money") or total
    shopper = platform.money_set(
        prices.get("presentment_money"), "total_price_set.presentment_money"
    )
    if shopper is None or shopper[1] == shop[1]:
        return *shop, None, None
    return *shop, *shopper


def buyer(order: dict[str, Any], email: str | None, name: str | None) -> CustomerFacts:
    """The customer as the order carries it: names, the default (else shipping, billing)
    address's country, tags, and e-mail marketing consent (email_marketing_consent, else the
    checkout's buyer_accepts_marketing)."""
    customer = platform.section(order.get("customer"), "customer")
    addresses = [
        platform.section(customer.get("default_address"), "customer.default_address"),
        platform.section(order.get("shipping_address"), "shipping_address"),
        platform.section(order.get("billing_address"), "billing_address"),
    ]
    country = next((a.get("country_code") for a in addresses if a.get("country_code")), None)
    marketing = customer.get("email_marketing_consent")
    consent = consent_at = None
    if isinstance(marketing, dict):
        consent = profile.consent(marketing.get("state"))
        consent_at = platform.moment(marketing.get("consent_updated_at"))
    elif isinstance(order.get("buyer_accepts_marketing"), bool):
        consent = order["buyer_accepts_marketing"]
    return profile.order_facts(
        email,
        name,
        source=SOURCE,
        first_name=customer.get("first_name"),
        last_name=customer.get("last_name"),
        country=country,
        tags=customer.get("tags"),
        marketing_consent=consent,
        consent_at=consent_at,
        customer_id=platform.customer_id(customer.get("id")),
    )


def parse_order(order: dict[str, Any]) -> platform.PlatformOrder:
    total_minor, currency, other_minor, other_currency = order_totals(order)
    customer = platform.section(order.get("customer"), "customer")
    billing = platform.section(order.get("billing_address"), "billing_address")
    codes = platform.items(order.get("discount_codes"), "discount_codes")
    client = platform.section(order.get("client_details"), "client_details")
    email = platform.first_email(
        order.get("email"), order.get("contact_email"), customer.get("email")
    )
    name = platform.full_name(customer.get("first_name"), customer.get("last_name")) or (
        platform.text(billing.get("name"))
    )
    return platform.PlatformOrder(
        order_id=platform.resource_id(order.get("id"), "id"),
        email=email,
        name=name,
        profile=buyer(order, email, name),
        total_minor=total_minor,
        currency=currency,
        refs=order_refs(order),
        coupon_codes=platform.clean_codes(c.get("code") for c in codes if isinstance(c, dict)),
        other_total_minor=other_minor,
        other_currency=other_currency,
        customer_id=platform.customer_id(customer.get("id")),
        ip=platform.client_ip(order.get("browser_ip") or client.get("browser_ip")),
        user_agent=platform.user_agent(client.get("user_agent")),
        # In the shop's currency, as total_price: the line items before discounts, and the
        # discounts Shopify applied (total_discounts: codes and automatic ones together).
        subtotal_minor=platform.optional_minor(
            order.get("total_line_items_price"), currency, "total_line_items_price"
        ),
        discount_minor=platform.optional_minor(
            order.get("total_discounts"), currency, "total_discounts"
        ),
    )


async def record_refund(ctx: Context, message_id: str, refund: dict[str, Any]) -> Outcome:
    """The money a refund returned is the sum of its successful refund transactions."""
    refund_id = platform.resource_id(refund.get("id"), "id")
    order_id = platform.resource_id(refund.get("order_id"), "order_id")
    amount = Decimal(0)
    currency: str | None = None
    returned = platform.items(refund.get("transactions"), "transactions")
    for n, transaction in enumerate(returned):
        if not isinstance(transaction, dict):
            raise invalid(f"transactions[{n}]", "Each transaction must be a JSON object.")
        if transaction.get("kind") != "refund" or transaction.get("status") != "success":
            continue
        field = f"transactions[{n}]"
        currency = currency or platform.currency_code(
            transaction.get("currency"), field + ".currency"
        )
        amount += platform.decimal_amount(transaction.get("amount"), field + ".amount")
    if amount <= 0:
        return Outcome("ignored", "nothing_refunded")
    part = RefundPart(f"refund:{refund_id}", amount)
    return await platform.record_refund(ctx, SOURCE, message_id, order_id, (part,), currency)


async def handle_shopify_event(
    ctx: Context, topic: str, message_id: str, resource: dict[str, Any]
) -> Outcome:
    if topic in ("orders/paid", "orders/create"):
        order = unwrap(resource, "order")
        # orders/create also fires for orders still awaiting payment (bank transfer, COD): those
        # are left alone, and their orders/paid notification records them later.
        if topic == "orders/create" and order.get("financial_status") != "paid":
            return Outcome("ignored", "not_paid")
        return await platform.record_paid(ctx, SOURCE, message_id, parse_order(order))
    if topic == "refunds/create":
        return await record_refund(ctx, message_id, unwrap(resource, "refund"))
    if topic in ("disputes/create", "disputes/update"):
        return await record_dispute(ctx, message_id, unwrap(resource, "dispute"))
    return Outcome("ignored", "unsupported_topic")


async def record_dispute(ctx: Context, message_id: str, dispute: dict[str, Any]) -> Outcome:
    """A Shopify Payments chargeback takes the order's money back: its rewards go, whatever the
    dispute's outcome later. An inquiry moves no money and changes nothing."""
    if dispute.get("type") != "chargeback":
        return Outcome("ignored", "dispute_inquiry")
    order_id = platform.resource_id(dispute.get("order_id"), "order_id")
    return await ctx.store.record_refund(
        message_id, SOURCE, order_id, tokens.now_utc(), reason="chargeback"
    )


def shopify_header(headers: Mapping[str, str], name: str) -> str | None:
    """Shopify's header under its classic name (X-Shopify-Topic) or its newer one (Shopify-Topic)."""
    return headers.get(f"x-shopify-{name}") or headers.get(f"shopify-{name}")


async def receive_shopify_webhook(request: Request) -> Response:
    ctx = context(request)
    secret = platform.require_secret(
        ctx.settings.shopify_secret, "Shopify", "SHAREBACK_SHOPIFY_SECRET"
    )
    body = await platform.read_platform_body(request, ctx)
    headers = request.headers
    platform.verify_base64_hmac(
        secret, body, shopify_header(headers, "hmac-sha256"), "X-Shopify-Hmac-Sha256"
    )
    topic = (shopify_header(headers, "topic") or "").strip()
    if not topic:
        raise ApiError(400, "missing_topic", "The X-Shopify-Topic header is required.")
    resource = platform.parse_json_object(body)
    message_id = platform.delivery_id(
        shopify_header(headers, "webhook-id") or shopify_header(headers, "event-id"), body
    )
    return platform.answer(await handle_shopify_event(ctx, topic, message_id, resource))


routes = [Route("/webhooks/shopify", receive_shopify_webhook, methods=["POST"])]
