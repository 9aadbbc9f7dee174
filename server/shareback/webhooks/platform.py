"""What the Shopify, Stripe and WooCommerce webhooks share: secrets, HMACs, bodies, orders, refunds."""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from shareback import emails, money, tokens, visitors
from shareback.context import Context
from shareback.crm.records import CustomerFacts
from shareback.errors import ApiError, parse_json, read_body
from shareback.storage.base import Outcome, PaidOrder, PartialRefund, RefundPart
from shareback.webhooks.orders import attribute_order

# A Shopify order with a few hundred line items passes the 256 KB that suits everything else.
PLATFORM_BODY_BYTES = 2 * 1024 * 1024
REF_NAME = "shareback_ref"
MAX_REF_LENGTH = 500
MAX_CODE_LENGTH = 64


@dataclass(frozen=True)
class PlatformOrder:
    """A paid order as a platform describes it, reduced to what attribution and rewards need."""

    order_id: str
    email: str | None
    name: str | None
    total_minor: int
    currency: str
    refs: tuple[str, ...]
    coupon_codes: tuple[str, ...]
    # The same total in a second currency (Shopify's presentment money, Stripe's
    # currency_conversion): rewards use whichever is in the campaign's currency.
    other_total_minor: int | None = None
    other_currency: str | None = None
    # For the fraud rules: the platform's customer id, the buyer's IP and browser.
    customer_id: str | None = None
    ip: str | None = None
    user_agent: str | None = None
    # The platform's own figures, in `currency`: the order before discounts, the discounts given.
    subtotal_minor: int | None = None
    discount_minor: int | None = None
    profile: CustomerFacts | None = None  # the buyer's customer record (crm/profile.py)


def require_secret(secret: str | None, platform: str, variable: str) -> str:
    if not secret:
        raise ApiError(
            503,
            "not_configured",
            f"{platform} webhooks are not set up here: set {variable} to the webhook's signing "
            "secret and restart Shareback.",
        )
    return secret


async def read_platform_body(request: Request, ctx: Context) -> bytes:
    return await read_body(request, max(ctx.settings.max_body_bytes, PLATFORM_BODY_BYTES))


def verify_base64_hmac(secret: str, body: bytes, given: str | None, header: str) -> None:
    """Shopify's and WooCommerce's scheme: base64 of HMAC-SHA256 over the raw body."""
    if not given:
        raise ApiError(401, "missing_signature", f"The {header} header is required.")
    expected = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest())
    # Header values arrive decoded as latin-1, so this round-trips any bytes that were sent.
    if not hmac.compare_digest(expected, given.strip().encode("latin-1")):
        raise ApiError(
            401, "invalid_signature", f"{header} does not match the body under the secret in force."
        )


def parse_json_object(body: bytes) -> dict[str, Any]:
    # Decimal keeps amounts exact should a platform send a JSON number.
    value = parse_json(body, parse_float=Decimal)
    if not isinstance(value, dict):
        raise ApiError(422, "invalid_body", "The body must be a JSON object.")
    return value


def body_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def delivery_id(header: str | None, body: bytes) -> str:
    """The platform's id for the delivery when it sends a usable one, else one derived from the body."""
    if header and header.strip() and len(header.strip()) <= 200:
        return header.strip()
    return "sha256:" + body_digest(body)


def invalid(field: str, message: str) -> ApiError:
    return ApiError(422, "invalid_order", message, field)


def section(value: Any, field: str) -> dict[str, Any]:
    """A nested object; absent or null reads as empty."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise invalid(field, f"{field} must be a JSON object.")
    return value


def items(value: Any, field: str) -> list[Any]:
    """A nested list; absent or null reads as empty."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise invalid(field, f"{field} must be a list.")
    return value


def resource_id(value: Any, field: str) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    if isinstance(value, str) and value.strip() and len(value.strip()) <= 128:
        return value.strip()
    raise invalid(field, f"{field} must be an id (a number or a string of at most 128 characters).")


def text(value: Any) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


def first_email(*candidates: Any) -> str | None:
    """The first usable address; a platform's odd value never fails the delivery, it just isn't one."""
    for candidate in candidates:
        value = text(candidate)
        if value and emails.is_valid_email(value):
            return value
    return None


def full_name(*parts: Any) -> str | None:
    name = " ".join(p for p in (text(part) for part in parts) if p)
    return name[:200] or None


def currency_code(value: Any, field: str) -> str:
    try:
        return money.currency_code(value)
    except money.InvalidCurrency as exc:
        raise invalid(field, f"{field} must be a currency's ISO 4217 code: {exc}.") from None


def decimal_amount(value: Any, field: str, *, signed: bool = False) -> Decimal:
    """A decimal given as a string ("29.35") or a JSON number; negative only when `signed`."""
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise invalid(field, f'{field} must be a decimal amount such as "29.35".')
    try:
        amount = money.decimal_text(str(value).strip())
    except money.InvalidAmount as exc:
        raise invalid(field, f'{field} must be a decimal amount such as "29.35".') from exc
    if not amount.is_finite() or abs(amount) > 10**13 or (amount < 0 and not signed):
        raise invalid(field, f"{field} is not a usable amount.")
    return amount


def minor_total(value: Any, currency: str, field: str) -> int:
    amount = decimal_amount(value, field)
    try:
        return money.to_minor(str(amount), currency)
    except money.InvalidAmount as exc:
        raise invalid(field, f"{field}: {exc}") from exc


def optional_minor(value: Any, currency: str, field: str) -> int | None:
    """A platform's optional amount ("10.00"); absent, null or empty reads as None."""
    if value is None or value == "":
        return None
    return minor_total(value, currency, field)


def minor_units(value: Any, field: str) -> int:
    """Stripe's integer amounts, as Stripe counts them (money.stripe_exponent)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= money.MAX_MINOR:
        raise invalid(field, f"{field} must be a whole, non-negative number of minor units.")
    return value


def client_ip(value: Any) -> str | None:
    """The buyer's IP as the platform saw it; anything that is no address is left out."""
    found = text(value)
    try:
        address = ipaddress.ip_address(found) if found and len(found) <= 64 else None
    except ValueError:
        return None
    return None if address is None or address.is_unspecified else str(address)


def moment(value: Any) -> datetime | None:
    """A platform's ISO 8601 time ("2004-06-13T11:57:11-04:00"); anything else is None."""
    found = text(value)
    if found is None or len(found) > 40:
        return None
    try:
        parsed = datetime.fromisoformat(found.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def customer_id(value: Any) -> str | None:
    """The platform's customer account id; 0 and empty mean a guest checkout."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value) if value > 0 else None
    found = text(value)
    return found if found and found != "0" and len(found) <= 128 else None


def user_agent(value: Any) -> str | None:
    found = text(value)
    return found[:1000] if found else None


def stripe_total(value: Any, currency: str, field: str) -> int:
    """A Stripe integer amount in ISO minor units: 5000 XOF is 5000 francs, 12340 OMR 12.340."""
    try:
        return money.from_stripe(minor_units(value, field), currency)
    except money.InvalidAmount as exc:
        raise invalid(field, f"{field}: {exc}.") from None


def money_set(
    value: Any, field: str, currency_key: str = "currency_code"
) -> tuple[int, str] | None:
    """Shopify's {"amount": "598.94", "currency_code": "USD"}; absent or null reads as None."""
    found = section(value, field)
    if not found:
        return None
    currency = currency_code(found.get(currency_key), f"{field}.{currency_key}")
    return minor_total(found.get("amount"), currency, f"{field}.amount"), currency


def clean_refs(values: Iterable[Any]) -> tuple[str, ...]:
    refs: list[str] = []
    for value in values:
        ref = text(value)
        if ref and len(ref) <= MAX_REF_LENGTH and ref not in refs:
            refs.append(ref)
    return tuple(refs)


def clean_codes(values: Iterable[Any]) -> tuple[str, ...]:
    return tuple(c for c in (text(v) for v in values) if c and len(c) <= MAX_CODE_LENGTH)


async def record_paid(ctx: Context, source: str, message_id: str, order: PlatformOrder) -> Outcome:
    candidate, reason, partner = await attribute_order(ctx, order.refs, order.coupon_codes)
    paid = PaidOrder(
        source=source,
        order_id=order.order_id,
        email=order.email,
        email_key=emails.email_key(order.email) if order.email else None,
        total_minor=order.total_minor,
        currency=order.currency,
        paid_at=tokens.now_utc(),
        name=order.name,
        other_total_minor=order.other_total_minor,
        other_currency=order.other_currency,
        customer_id=order.customer_id,
        ip=order.ip,
        device=visitors.device_class(order.user_agent) if order.user_agent else None,
        subtotal_minor=order.subtotal_minor,
        discount_minor=order.discount_minor,
        profile=order.profile,
    )
    return await ctx.store.record_paid_order(message_id, paid, candidate, reason, partner)


async def record_refund(
    ctx: Context,
    source: str,
    message_id: str,
    order_id: str,
    parts: tuple[RefundPart, ...] = (),
    currency: str | None = None,
    *,
    cumulative: bool = False,
) -> Outcome:
    """No parts: the whole order. Parts: each counts once, by its key, however often it is sent."""
    if not parts:
        return await ctx.store.record_refund(message_id, source, order_id, tokens.now_utc())
    refund = PartialRefund(
        source=source,
        order_id=order_id,
        parts=parts,
        currency=currency,
        at=tokens.now_utc(),
        cumulative=cumulative,
    )
    return await ctx.store.record_partial_refund(message_id, refund)


def answer(outcome: Outcome) -> JSONResponse:
    return JSONResponse(outcome.as_dict())
