"""POST /webhooks/orders: the generic checkout webhook: order.paid, order.refunded (whole or
part) and order.charged_back."""

from __future__ import annotations

import dataclasses
import ipaddress
import time
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from shareback import codes, emails, money, tokens, visitors
from shareback.attribution import Candidate
from shareback.context import Context, context
from shareback.crm import profile
from shareback.crm.records import CustomerFacts
from shareback.errors import ApiError, parse_json, read_body
from shareback.partners import checkout
from shareback.storage.base import Outcome, PaidOrder, PartialRefund, RefundPart
from shareback.storage.partner_records import PartnerTouch
from shareback.webhooks import standard

SOURCE = "orders"


@dataclass(frozen=True)
class OrderPaid:
    order_id: str
    email: str | None
    total: str
    currency: str
    ref: str | None
    coupon_codes: tuple[str, ...]
    name: str | None = None
    # data.shop_money: the same total in the shop's (the campaign's) currency, when the shopper
    # paid in another: {"amount": "63.10", "currency": "EUR"}.
    shop_minor: int | None = None
    shop_currency: str | None = None
    customer_id: str | None = None
    ip: str | None = None
    user_agent: str | None = None
    # data.subtotal (before discounts) and data.discount (the discounts given), in `currency`.
    subtotal_minor: int | None = None
    discount_minor: int | None = None
    credit_minor: int | None = None  # data.store_credit: the credit the checkout spent
    profile: CustomerFacts | None = None  # the buyer's customer record (parse_buyer)


def _field_error(field: str, message: str) -> ApiError:
    return ApiError(422, "invalid_order", message, f"data.{field}")


def parse_order_id(data: dict[str, Any]) -> str:
    raw = data.get("order_id")
    if isinstance(raw, int) and not isinstance(raw, bool):
        raw = str(raw)
    if not isinstance(raw, str) or not raw.strip() or len(raw) > 128:
        raise _field_error(
            "order_id", "data.order_id must be a non-empty string of at most 128 characters."
        )
    return raw.strip()


def parse_order_paid(data: dict[str, Any]) -> OrderPaid:
    order_id = parse_order_id(data)
    email = data.get("email")
    if email is not None and (
        not isinstance(email, str) or not emails.is_valid_email(email.strip())
    ):
        raise _field_error("email", "data.email must be a valid e-mail address.")
    currency = parse_currency(data.get("currency", "EUR"), "currency")
    total = data.get("total")
    if isinstance(total, Decimal | int) and not isinstance(total, bool):
        total = str(total)
    if not isinstance(total, str):
        raise _field_error("total", 'data.total must be a decimal string such as "59.90".')
    parse_amount(total, currency, "total")
    shop_minor, shop_currency = parse_shop_money(data.get("shop_money"))
    ref = data.get("ref")
    if ref is not None and (not isinstance(ref, str) or len(ref) > 500):
        raise _field_error("ref", "data.ref must be a string of at most 500 characters.")
    coupons = data.get("coupon_codes", [])
    if coupons is None:
        coupons = []
    if not isinstance(coupons, list) or not all(
        isinstance(c, str) and len(c) <= 64 for c in coupons
    ):
        raise _field_error("coupon_codes", "data.coupon_codes must be a list of strings.")
    name = data.get("name")
    if name is not None and (not isinstance(name, str) or len(name) > 200):
        raise _field_error("name", "data.name must be a string of at most 200 characters.")
    customer, ip, agent = parse_fraud_facts(data)
    subtotal, discount = parse_discounts(data, currency)
    spent = data.get("store_credit")
    credit_minor = None if spent is None else parse_amount(spent, currency, "store_credit")
    if credit_minor is not None and (credit_minor <= 0 or not isinstance(email, str)):
        raise _field_error(
            "store_credit", "data.store_credit is a positive amount, for an order with an email."
        )
    clean_email = email.strip() if isinstance(email, str) else None
    clean_name = (name.strip() or None) if isinstance(name, str) else None
    return OrderPaid(
        profile=parse_buyer(data, clean_email, clean_name, customer),
        credit_minor=credit_minor,
        subtotal_minor=subtotal,
        discount_minor=discount,
        customer_id=customer,
        ip=ip,
        user_agent=agent,
        name=(name.strip() or None) if isinstance(name, str) else None,
        order_id=order_id,
        email=email.strip() if isinstance(email, str) else None,
        total=total,
        currency=currency,
        ref=(ref.strip() or None) if isinstance(ref, str) else None,
        coupon_codes=tuple(coupons),
        shop_minor=shop_minor,
        shop_currency=shop_currency,
    )


def parse_buyer(
    data: dict[str, Any], email: str | None, name: str | None, customer_id: str | None
) -> CustomerFacts:
    """The optional first_name, last_name, country (ISO 3166-1 alpha-2), tags and
    marketing_consent that fill the buyer's customer record."""
    for field in ("first_name", "last_name"):
        value = data.get(field)
        if value is not None and (not isinstance(value, str) or len(value) > 100):
            raise _field_error(field, f"data.{field} must be a string of at most 100 characters.")
    country = data.get("country")
    if country is not None and profile.country_code(country) is None:
        raise _field_error("country", 'data.country must be an ISO 3166-1 alpha-2 code ("NL").')
    tags = data.get("tags")
    if tags is not None and (
        not isinstance(tags, list)
        or len(tags) > profile.MAX_TAGS
        or not all(isinstance(t, str) and len(t) <= 100 for t in tags)
    ):
        raise _field_error("tags", "data.tags must be a list of at most 50 short strings.")
    consent = data.get("marketing_consent")
    if consent is not None and not isinstance(consent, bool):
        raise _field_error("marketing_consent", "data.marketing_consent must be true or false.")
    return profile.order_facts(
        email,
        name,
        source=SOURCE,
        first_name=data.get("first_name"),
        last_name=data.get("last_name"),
        country=country,
        tags=tags,
        marketing_consent=consent,
        customer_id=customer_id,
    )


def parse_discounts(data: dict[str, Any], currency: str) -> tuple[int | None, int | None]:
    """The optional subtotal and discount: what the order was worth before discounts and what the
    shop took off (the friend's discount is recorded as what the shop gave)."""
    found: dict[str, int | None] = {}
    for field in ("subtotal", "discount"):
        value = data.get(field)
        found[field] = None if value is None else parse_amount(value, currency, field)
        if (found[field] or 0) < 0:
            raise _field_error(field, f"data.{field} cannot be negative.")
    subtotal, discount = found["subtotal"], found["discount"]
    if subtotal is not None and discount is not None and discount > subtotal:
        raise _field_error("discount", "data.discount cannot be more than data.subtotal.")
    return subtotal, discount


def parse_fraud_facts(data: dict[str, Any]) -> tuple[str | None, str | None, str | None]:
    """The optional customer_id, ip and user_agent the fraud rules compare with the advocate's."""
    customer = data.get("customer_id")
    if isinstance(customer, int) and not isinstance(customer, bool):
        customer = str(customer)
    if customer is not None and (not isinstance(customer, str) or len(customer) > 128):
        raise _field_error(
            "customer_id", "data.customer_id must be a string of at most 128 characters."
        )
    raw_ip = data.get("ip")
    ip = None
    if raw_ip is not None:
        try:
            ip = str(ipaddress.ip_address(raw_ip.strip() if isinstance(raw_ip, str) else ""))
        except ValueError:
            raise _field_error(
                "ip", "data.ip must be the buyer's IPv4 or IPv6 address, such as 203.0.113.7."
            ) from None
    agent = data.get("user_agent")
    if agent is not None and (not isinstance(agent, str) or len(agent) > 1000):
        raise _field_error(
            "user_agent", "data.user_agent must be a string of at most 1000 characters."
        )
    return (customer or "").strip() or None, ip, (agent or "").strip() or None


def parse_currency(value: Any, field: str) -> str:
    try:
        return money.currency_code(value)
    except money.InvalidCurrency as exc:
        raise _field_error(
            field, f"data.{field} must be a currency's ISO 4217 code: {exc}."
        ) from None


def parse_amount(value: Any, currency: str, field: str) -> int:
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise _field_error(field, f'data.{field} must be a decimal string such as "59.90".')
    try:
        return money.to_minor(value, currency)
    except money.InvalidAmount as exc:
        raise _field_error(field, f"data.{field}: {exc}.") from None


def parse_shop_money(value: Any) -> tuple[int | None, str | None]:
    """Optional {"amount": "63.10", "currency": "EUR"}, named as Shopify names the same thing."""
    if value is None:
        return None, None
    if not isinstance(value, dict) or set(value) - {"amount", "currency"}:
        raise _field_error(
            "shop_money", 'data.shop_money must be {"amount": "63.10", "currency": "EUR"}.'
        )
    currency = parse_currency(value.get("currency"), "shop_money.currency")
    return parse_amount(value.get("amount"), currency, "shop_money.amount"), currency


def parse_refund_amount(data: dict[str, Any]) -> Decimal | None:
    """The optional amount of a partial refund, in the order's currency; None refunds the whole order."""
    raw = data.get("amount")
    if raw is None:
        return None
    message = 'data.amount must be a positive decimal string such as "10.00".'
    if isinstance(raw, bool) or not isinstance(raw, str | int | Decimal):
        raise _field_error("amount", message)
    try:
        amount = money.decimal_text(str(raw).strip())
    except money.InvalidAmount as exc:
        raise _field_error("amount", message) from exc
    exponent = amount.as_tuple().exponent
    if not amount.is_finite() or amount <= 0 or amount > 10**13 or not isinstance(exponent, int):
        raise _field_error("amount", message)
    if exponent < -3:
        raise _field_error("amount", "data.amount has more than three decimals.")
    return amount


def parse_partial_refund(
    data: dict[str, Any], amount: Decimal, source: str, message_id: str
) -> PartialRefund:
    refund_id = data.get("refund_id", message_id)
    if isinstance(refund_id, int) and not isinstance(refund_id, bool):
        refund_id = str(refund_id)
    if not isinstance(refund_id, str) or not refund_id.strip() or len(refund_id) > 128:
        raise _field_error(
            "refund_id", "data.refund_id must be a string of at most 128 characters."
        )
    currency = data.get("currency")
    return PartialRefund(
        source=source,
        order_id=parse_order_id(data),
        parts=(RefundPart(f"refund:{refund_id.strip()}", amount),),
        currency=None if currency is None else parse_currency(currency, "currency"),
        at=tokens.now_utc(),
    )


async def find_candidate(
    ctx: Context, ref: str | None, coupons: tuple[str, ...]
) -> tuple[Candidate | None, str]:
    """The advocate the order points at: a signed link ref first, then a code (as ref or coupon)."""
    if ref and tokens.looks_like_token(ref):
        try:
            claims = tokens.verify_ref(ctx.secrets.secret_key, ref)
        except tokens.InvalidRef:
            return None, "invalid_ref"
        advocate = await ctx.store.advocate_by_code(claims.code)
        if advocate is None:
            return None, "unknown_ref"
        return Candidate(
            advocate.id,
            advocate.email_key,
            advocate.campaign_id,
            "link",
            claims.click_token,
            claims.issued_at,
        ), "referral"
    # A code: the advocate's referral code (ANNA-7KQ2) or coupon code (ANNA10), or the code a
    # friend was given on landing (WELKOM-7KQ2XM), which names the advocate and the click.
    for raw in ((ref,) if ref else ()) + coupons:
        code = codes.normalize_coupon(raw)
        owner = await ctx.store.code_owner(code) if code else None
        if owner is not None:
            advocate = owner.advocate
            return Candidate(
                advocate.id, advocate.email_key, advocate.campaign_id, "code", owner.click_token
            ), "referral_code"
    return None, "unknown_ref" if ref else "no_ref"


async def within_window(ctx: Context, candidate: Candidate) -> bool:
    """A first look only: the store decides again, in its transaction, with the order's time."""
    if candidate.issued_at is None:
        return True
    campaign = await ctx.store.campaign_by_id(candidate.campaign_id)
    if campaign is None:
        return True
    return tokens.now_utc() - candidate.issued_at <= timedelta(days=campaign.attribution_days)


async def attribute(
    ctx: Context, refs: tuple[str, ...], coupons: tuple[str, ...]
) -> tuple[Candidate | None, str]:
    """The first usable ref wins, then a typed code; else why the first ref failed.

    An order can carry an old cookie and a referral code typed at checkout: the code
    still earns the reward when the cookie no longer verifies or its attribution window is over.
    """
    first_failure: str | None = None
    for ref in refs:
        candidate, reason = await find_candidate(ctx, ref, ())
        if candidate is not None and await within_window(ctx, candidate):
            return candidate, reason
        first_failure = first_failure or (reason if candidate is None else "ref_expired")
    if coupons:
        candidate, reason = await find_candidate(ctx, None, coupons)
        if candidate is not None:
            return candidate, reason
    return None, first_failure or "no_ref"


async def attribute_order(
    ctx: Context, refs: tuple[str, ...], coupons: tuple[str, ...]
) -> tuple[Candidate | None, str, PartnerTouch | None]:
    """A customer's referral (attribute) or a partner (partners/checkout.choose): one of them."""
    candidate, reason = await attribute(ctx, refs, coupons)
    return await checkout.choose(ctx, refs, coupons, candidate, reason)


async def spend_credit(
    ctx: Context, order: PaidOrder, amount_minor: int, outcome: Outcome
) -> Outcome:
    """The store credit the checkout took, spent once per order (every delivery of the order asks,
    the order's key answers all but the first), up to what the balance holds."""
    assert order.email_key is not None
    spent = await ctx.store.redeem_credit(
        order.email_key,
        order.currency,
        amount_minor,
        f"order:{order.source}:{order.order_id}",
        order.order_id,
        f"webhook:{order.source}",
        order.paid_at,
        up_to_balance=True,
    )
    return dataclasses.replace(
        outcome, credit_redeemed=money.from_minor(spent.amount_minor, order.currency)
    )


async def handle_order_event(ctx: Context, message_id: str, event: Any, source: str) -> Outcome:
    if not isinstance(event, dict) or not isinstance(event.get("type"), str):
        raise ApiError(
            422, "invalid_body", 'The body must be {"type": "...", "data": {...}}.', "type"
        )
    data = event.get("data")
    if not isinstance(data, dict):
        raise ApiError(422, "invalid_body", "data must be a JSON object.", "data")
    kind = event["type"]
    if kind == "order.paid":
        order = parse_order_paid(data)
        refs = (order.ref,) if order.ref else ()
        candidate, reason, partner = await attribute_order(ctx, refs, order.coupon_codes)
        paid = PaidOrder(
            source=source,
            order_id=order.order_id,
            email=order.email,
            email_key=emails.email_key(order.email) if order.email else None,
            total_minor=money.to_minor(order.total, order.currency),
            currency=order.currency,
            paid_at=tokens.now_utc(),
            name=order.name,
            other_total_minor=order.shop_minor,
            other_currency=order.shop_currency,
            customer_id=order.customer_id,
            ip=order.ip,
            device=visitors.device_class(order.user_agent) if order.user_agent else None,
            subtotal_minor=order.subtotal_minor,
            discount_minor=order.discount_minor,
            credit_minor=order.credit_minor,
            profile=order.profile,
        )
        outcome = await ctx.store.record_paid_order(message_id, paid, candidate, reason, partner)
        if order.credit_minor and paid.email_key:
            outcome = await spend_credit(ctx, paid, order.credit_minor, outcome)
        return outcome
    if kind == "order.refunded":
        amount = parse_refund_amount(data)
        if amount is not None:
            refund = parse_partial_refund(data, amount, source, message_id)
            return await ctx.store.record_partial_refund(message_id, refund)
        return await ctx.store.record_refund(
            message_id, source, parse_order_id(data), tokens.now_utc()
        )
    if kind == "order.charged_back":
        return await ctx.store.record_refund(
            message_id, source, parse_order_id(data), tokens.now_utc(), reason="chargeback"
        )
    return Outcome("ignored", "unsupported_type")


async def receive_order_webhook(request: Request) -> Response:
    ctx = context(request)
    body = await read_body(request, ctx.settings.max_body_bytes)
    try:
        message_id = standard.verify(
            ctx.secrets.webhook_secrets, request.headers, body, time.time()
        )
    except standard.VerificationError as exc:
        raise ApiError(exc.status, exc.code, exc.message) from exc
    # Decimal keeps "59.90" exact even when a shop sends a JSON number.
    event = parse_json(body, parse_float=Decimal)
    outcome = await handle_order_event(ctx, message_id, event, SOURCE)
    return JSONResponse(outcome.as_dict())


routes = [Route("/webhooks/orders", receive_order_webhook, methods=["POST"])]
