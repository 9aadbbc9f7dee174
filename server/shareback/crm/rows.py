"""One CSV row of an import, read into the facts it holds or a rejection with its reason. Pure:
crm/formats.py says which column holds what; the store writes what this returns."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from shareback import emails, money
from shareback.crm import profile
from shareback.crm.formats import Format
from shareback.crm.records import (
    CustomerFacts,
    CustomerOrder,
    ImportedTotals,
    NewOrder,
    NewTicket,
    Ticket,
)

MAX_CELL = 1000
MAX_ID = 128


@dataclass(frozen=True)
class Rejection:
    line: int
    reason: str  # a code: crm/rejections.py words it
    field: str | None = None  # the column, as the file names it


@dataclass(frozen=True)
class CustomerRow:
    line: int
    facts: CustomerFacts


@dataclass(frozen=True)
class OrderRow:
    line: int
    order: NewOrder


@dataclass(frozen=True)
class TicketRow:
    line: int
    ticket: NewTicket


Row = CustomerRow | OrderRow | TicketRow | Rejection


class Bad(ValueError):
    def __init__(self, reason: str, fact: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.fact = fact


@dataclass(frozen=True)
class Reader:
    """A format bound to one file's header row."""

    format: Format
    headers: tuple[str, ...]
    index: dict[str, int]
    currency: str  # the shop's, for amounts a file gives without one (Shopify's Total Spent)
    at: datetime  # the import's time: the platform's totals are as of now

    @classmethod
    def open(cls, fmt: Format, headers: Sequence[str], currency: str, at: datetime) -> Reader:
        return cls(fmt, tuple(headers), fmt.find(headers), currency, at)

    def column(self, fact: str) -> str | None:
        at = self.index.get(fact)
        return None if at is None else self.headers[at]

    def read(self, line: int, cells: Sequence[str]) -> Row | None:
        """None: a row that holds nothing to import (blank, or a Shopify line-item row)."""
        if not any(c.strip() for c in cells):
            return None
        if any("\x00" in c for c in cells):
            return Rejection(line, "invalid_text")
        if any(len(c) > MAX_CELL for c in cells):
            return Rejection(line, "cell_too_long")
        try:
            if self.format.kind == "customers":
                return CustomerRow(line, self.customer(cells))
            if self.format.kind == "orders":
                order = self.order(cells)
                return None if order is None else OrderRow(line, order)
            return TicketRow(line, self.ticket(cells))
        except Bad as bad:
            return Rejection(line, bad.reason, self.column(bad.fact) if bad.fact else None)

    def cell(self, cells: Sequence[str], fact: str) -> str | None:
        at = self.index.get(fact)
        if at is None or at >= len(cells):
            return None
        return " ".join(cells[at].split()) or None

    def email(self, cells: Sequence[str], required: bool = True) -> str | None:
        raw = self.cell(cells, "email")
        if raw is None:
            if required:
                raise Bad("missing_email", "email")
            return None
        if not emails.is_valid_email(raw):
            raise Bad("invalid_email", "email")
        return raw

    def identifier(self, cells: Sequence[str], fact: str, required: bool) -> str | None:
        raw = self.cell(cells, fact)
        if raw is None:
            if required:
                raise Bad("missing_id", fact)
            return None
        if len(raw) > MAX_ID:
            raise Bad("invalid_id", fact)
        return raw

    def customer(self, cells: Sequence[str]) -> CustomerFacts:
        fmt = self.format
        external = self.identifier(cells, "external_id", required=False)
        email = self.email(cells, required=external is None)
        first = profile.text(self.cell(cells, "first_name"))
        last = profile.text(self.cell(cells, "last_name"))
        if first is None and last is None:
            first, last = profile.split_name(self.cell(cells, "name"))
        consent = self.consent(cells)
        imported = None
        count_text = self.cell(cells, "order_count")
        spent_text = self.cell(cells, "total_spent")
        if count_text is not None or spent_text is not None:
            currency = self.cell(cells, "currency") or self.currency
            try:
                currency = money.currency_code(currency.upper())
            except money.InvalidCurrency:
                raise Bad("invalid_currency", "currency") from None
            imported = ImportedTotals(
                order_count=whole(count_text, "order_count"),
                revenue_minor=amount(spent_text, currency, "total_spent"),
                currency=currency,
                at=self.at,
            )
        return CustomerFacts(
            email=email,
            first_name=first,
            last_name=last,
            country=profile.country_code(self.cell(cells, "country")),
            tags=profile.split_tags(self.cell(cells, "tags") or ""),
            marketing_consent=consent,
            consent_source=fmt.system if consent is not None else None,
            consent_at=self.at if consent is not None else None,
            external_ids=((fmt.system, external),) if external else (),
            imported=imported,
        )

    def consent(self, cells: Sequence[str]) -> bool | None:
        """Shopify: yes/no. HubSpot: "Marketing contact" or not, and "Unsubscribed from all
        email". Salesforce: HasOptedOutOfEmail (true says no; false says nothing: not opting
        out is not opting in)."""
        opted_out = profile.consent(self.cell(cells, "opted_out"))
        if opted_out is True:
            return False
        raw = self.cell(cells, "marketing_consent")
        if raw is None:
            return None
        if self.format.consent == "hubspot":
            word = raw.casefold()
            if word == "marketing contact":
                return True
            if word == "non-marketing contact":
                return False
            return None
        return profile.consent(raw)

    def customer_ref(self, cells: Sequence[str]) -> tuple[str, str] | None:
        external = self.identifier(cells, "customer_external_id", required=False)
        return (self.format.system, external) if external else None

    def order(self, cells: Sequence[str]) -> NewOrder | None:
        total_text = self.cell(cells, "total")
        if self.format.name == "shopify_orders" and total_text is None:
            return None  # a further line item of the order above
        order_id = self.identifier(cells, "order_id", required=True)
        assert order_id is not None
        ref = self.customer_ref(cells)
        email = self.email(cells, required=ref is None)
        currency = self.cell(cells, "currency") or self.currency
        try:
            currency = money.currency_code(currency.upper())
        except money.InvalidCurrency:
            raise Bad("invalid_currency", "currency") from None
        if total_text is None:
            raise Bad("missing_amount", "total")
        total = amount(total_text, currency, "total")
        refunded_text = self.cell(cells, "refunded")
        refunded = 0 if refunded_text is None else amount(refunded_text, currency, "refunded")
        if refunded > total:
            raise Bad("refund_above_total", "refunded")
        placed = moment(self.cell(cells, "placed_at"), "placed_at")
        if placed is None:
            raise Bad("missing_date", "placed_at")
        return NewOrder(
            email=email,
            customer_ref=ref,
            order=CustomerOrder(
                source=self.format.system,
                order_id=order_id,
                placed_at=placed,
                total_minor=total,
                refunded_minor=refunded,
                currency=currency,
            ),
        )

    def ticket(self, cells: Sequence[str]) -> NewTicket:
        ticket_id = self.identifier(cells, "ticket_id", required=True)
        assert ticket_id is not None
        ref = self.customer_ref(cells)
        email = self.email(cells, required=ref is None)
        opened = moment(self.cell(cells, "opened_at"), "opened_at")
        if opened is None:
            raise Bad("missing_date", "opened_at")
        closed = moment(self.cell(cells, "closed_at"), "closed_at")
        if closed is not None and closed < opened:
            raise Bad("closed_before_opened", "closed_at")
        return NewTicket(
            email=email,
            customer_ref=ref,
            ticket=Ticket(
                system=self.format.system,
                external_id=ticket_id,
                opened_at=opened,
                closed_at=closed,
                topic=profile.text(self.cell(cells, "topic"), 200),
                satisfaction=self.satisfaction(cells),
                nps=score(self.cell(cells, "nps"), 0, 10, "nps"),
            ),
        )

    def satisfaction(self, cells: Sequence[str]) -> int | None:
        raw = self.cell(cells, "satisfaction")
        if raw is None:
            return None
        if self.format.satisfaction == "good_bad":
            # Zendesk's CSAT: good or bad (with or without a comment); offered or not: no answer.
            word = raw.casefold()
            if word.startswith("good"):
                return 5
            if word.startswith("bad"):
                return 1
            return None
        return score(raw, 1, 5, "satisfaction")


def whole(text: str | None, fact: str) -> int:
    if text is None:
        return 0
    cleaned = text.replace(",", "").replace(" ", "")
    if not cleaned.isdigit() or len(cleaned) > 9:
        raise Bad("invalid_count", fact)
    return int(cleaned)


def score(text: str | None, low: int, high: int, fact: str) -> int | None:
    if text is None:
        return None
    if not text.isdigit() or not low <= int(text) <= high:
        raise Bad("invalid_score", fact)
    return int(text)


AMOUNT = re.compile(r"^-?\d{1,3}(?:[ ,.]?\d{3})*(?:[.,]\d{1,3})?$")


def amount(text: str | None, currency: str, fact: str) -> int:
    """ "1234.50", "1,234.50", "1.234,50", "€ 12,50", "$12.50" → minor units; negatives refused."""
    if text is None:
        return 0
    raw = text.strip().lstrip("€$£").strip()
    if raw.upper().endswith(currency):
        raw = raw[: -len(currency)].strip()
    if raw.startswith("-") or not AMOUNT.fullmatch(raw):
        raise Bad("invalid_amount", fact)
    # The last separator followed by one to three digits and nothing else is the decimal one,
    # unless it is a thousands group (exactly three digits after a dot or comma with more groups).
    digits = raw.replace(" ", "")
    last = max(digits.rfind("."), digits.rfind(","))
    if last >= 0 and len(digits) - last - 1 < 3:
        whole_part = digits[:last].replace(",", "").replace(".", "")
        decimal = f"{whole_part}.{digits[last + 1 :]}"
    elif last >= 0 and (digits.count(".") + digits.count(",")) == 1 and digits[last] == ".":
        decimal = digits  # "12.500": three decimals (KWD, BHD…), as written
    else:
        decimal = digits.replace(",", "").replace(".", "")
    try:
        return money.to_minor(decimal, currency)
    except money.InvalidAmount:
        raise Bad("invalid_amount", fact) from None


ZONE_WITHOUT_COLON = re.compile(r"([+-]\d{2})(\d{2})$")


def moment(text: str | None, fact: str) -> datetime | None:
    """ISO 8601 and the exports' "2024-01-05 10:00:00 +0100"; a time without a zone is UTC."""
    if text is None:
        return None
    raw = text.strip().replace("Z", "+00:00").replace(" UTC", "+00:00")
    raw = ZONE_WITHOUT_COLON.sub(r"\1:\2", raw).replace(" +", "+").replace(" -", "-")
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise Bad("invalid_date", fact) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    if not 1990 <= parsed.year <= 2200:
        raise Bad("invalid_date", fact)
    return parsed.astimezone(UTC)
