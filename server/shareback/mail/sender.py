"""The mail sender loop: claim due messages under a lease, check the suppression list at send
time, render the journey in the shopper's language, hand it to SMTP, record the attempt."""

from __future__ import annotations

import asyncio
import logging
import secrets
import ssl
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from typing import Any

import aiosmtplib

from shareback import codes, payouts, tokens
from shareback.emails import is_valid_email
from shareback.experiments.mail import invite_template
from shareback.experiments.serving import advocate_view
from shareback.mail import journeys
from shareback.mail.render import RenderError, build_message, render
from shareback.mail.smtp import SmtpTarget, parse_sender, parse_smtp_url
from shareback.mail.unsubscribe import address_hash, unsubscribe_token
from shareback.mail.variables import summary_numbers, template_variables
from shareback.outgoing.retry import next_attempt
from shareback.portal import access
from shareback.settings import Settings
from shareback.storage.base import Store
from shareback.storage.records import Advocate, Campaign, DueMail, MailSettings

log = logging.getLogger("shareback.mail")
REMINDERS_EVERY = timedelta(minutes=10)


@dataclass(frozen=True)
class MailReport:
    sent: int = 0
    retrying: int = 0
    dead: int = 0
    suppressed: int = 0
    skipped: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retrying + self.dead + self.suppressed + self.skipped


class Outcome(Exception):
    """How one message ended short of SMTP: status and the reason the log shows."""

    def __init__(self, status: str, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def unsubscribe_url(public_url: str, secret: str, email_key: str) -> str:
    return f"{public_url}/mail/unsubscribe?t={unsubscribe_token(secret, email_key)}"


class MailSender:
    def __init__(
        self,
        store: Store,
        settings: Settings,
        secret_key: str,
        *,
        lease: timedelta = timedelta(seconds=120),
        batch: int = 20,
        concurrency: int = 4,
        tls_context: ssl.SSLContext | None = None,
    ) -> None:
        self.store = store
        self.public_url = settings.public_url
        self.secret_key = secret_key
        self.smtp: SmtpTarget | None = (
            parse_smtp_url(settings.smtp_url) if settings.smtp_url else None
        )
        self.default_sender = settings.email_from
        self.shop_lang = settings.locale
        self.lease = lease
        self.batch = batch
        self.tls_context = tls_context
        self.name = "mailer-" + secrets.token_hex(4)
        self._limit = asyncio.Semaphore(concurrency)
        self._reminders_at: datetime | None = None

    async def send_due(self, now: datetime | None = None) -> MailReport:
        """One round: reminders planned when due, then every due message this sender can claim
        is tried once."""
        moment = now or tokens.now_utc()
        if self._reminders_at is None or moment - self._reminders_at >= REMINDERS_EVERY:
            self._reminders_at = moment
            await self.store.plan_mail_reminders(moment)
            await self.store.plan_mail_summaries(moment)
        claimed = await self.store.claim_mail(self.name, moment, self.lease, self.batch)
        outcomes = await asyncio.gather(*(self._attempt(mail, moment) for mail in claimed))
        return MailReport(**{k: outcomes.count(v) for k, v in _REPORT.items()})

    async def _attempt(self, mail: DueMail, now: datetime) -> str:
        started = time.perf_counter()
        try:
            message, lang, subject = await self._compose(mail, now)
            assert self.smtp is not None
            async with self._limit:
                await self._send(message)
        except Outcome as outcome:
            return await self._finish(mail, now, started, outcome.status, outcome.reason)
        except aiosmtplib.SMTPException as exc:
            permanent = _permanent(exc)
            retry_at = None if permanent else next_attempt(mail.attempts + 1, mail.created_at, now)
            status = "pending" if retry_at else "dead"
            log.warning("mail %s to SMTP failed (%s)", mail.id, exc)
            return await self._finish(mail, now, started, status, _error(exc), retry_at)
        except (OSError, TimeoutError) as exc:
            retry_at = next_attempt(mail.attempts + 1, mail.created_at, now)
            log.warning("mail %s: SMTP server unreachable (%s)", mail.id, exc)
            status = "pending" if retry_at else "dead"
            return await self._finish(mail, now, started, status, _error(exc), retry_at)
        except Exception as exc:
            # A message that cannot be built (an address no header can hold): a dead letter the
            # log shows, not a round that fails again and again on it.
            log.exception("mail %s cannot be sent", mail.id)
            return await self._finish(mail, now, started, "dead", _error(exc))
        return await self._finish(
            mail,
            now,
            started,
            "sent",
            None,
            message_id=message["Message-ID"],
            subject=subject,
            lang=lang,
        )

    async def _compose(self, mail: DueMail, now: datetime) -> tuple[EmailMessage, str, str]:
        campaign = await self.store.campaign_by_id(mail.campaign_id)
        if campaign is None or campaign.archived_at is not None:
            raise Outcome("skipped", "the campaign is archived")
        settings = await self.store.mail_settings(campaign.id)
        asked = mail.journey in journeys.REQUESTED  # the shopper asked for it just now
        if mail.journey not in settings.journeys and not asked:
            raise Outcome("skipped", "the campaign does not send this e-mail any more")
        if not asked and await self.store.is_suppressed(
            address_hash(self.secret_key, mail.email_key)
        ):
            raise Outcome("suppressed", "the address unsubscribed")
        sender = self._sender(settings)
        if not is_valid_email(mail.recipient):
            raise Outcome("dead", "the recipient is not an e-mail address")
        # The recipient's own (the widget's at sign-up), else the campaign's choice, else the shop's.
        lang = mail.contact_lang or settings.lang or self.shop_lang
        advocate = await self._advocate(mail, campaign, now)
        view = None
        if mail.journey == journeys.INVITE and advocate is not None:
            # An experiment's variant: its offers and its e-mail (experiments/), seen once sent.
            view = await advocate_view(self.store, campaign, advocate.id, now)
            campaign = view.campaign
        facts = mail.facts
        if mail.journey == journeys.SUMMARY:
            start, end = (datetime.fromisoformat(facts[k]) for k in ("start", "end"))
            stats = await self.store.campaign_stats(campaign.id, start, end)
            facts = {**facts, "stats": summary_numbers(stats)}
        if mail.journey == journeys.REWARD_APPROVED:
            facts = {**facts, "reaches": await self._reaches(mail, advocate, lang)}
        if mail.journey == journeys.ADVOCATE_LINK and advocate is not None:
            # Signed as it is sent, never stored: the outbox and its log hold no live link.
            token = access.link_token(self.secret_key, advocate.code)
            link = f"{self.public_url}/advocate/open?t={token}&lang={lang}"
            facts = {**facts, "page_link": link, "minutes": access.LINK_MINUTES}
        variables = template_variables(
            mail.journey, lang, self.public_url, campaign, advocate, facts, mail.name
        )
        own = {(t.journey, t.lang): t for t in await self.store.mail_templates(campaign.id)}
        template = own.get((mail.journey, lang)) or journeys.DEFAULT_TEMPLATES[(mail.journey, lang)]
        if view is not None:
            template = invite_template(template, view.overrides)
        try:
            rendered = render(template, variables)
        except RenderError as exc:
            raise Outcome("dead", f"the template cannot be rendered: {exc}") from None
        message = build_message(
            rendered,
            journey=mail.journey,
            sender=sender,
            to=Address(display_name=" ".join((mail.name or "").split()), addr_spec=mail.recipient),
            message_id=f"<sb.{mail.id}.{secrets.token_hex(8)}@{sender.domain}>",
            unsubscribe_url=unsubscribe_url(self.public_url, self.secret_key, mail.email_key),
            lang=lang,
            shop=campaign.shop_name,
            at=now,
        )
        return message, lang, rendered.subject

    async def _reaches(self, mail: DueMail, advocate: Advocate | None, lang: str) -> dict[str, Any]:
        """How the approved reward reaches the referrer, as it stands when the message is written:
        the coupon code, the credit balance, the account a payout goes to (or the link to give
        one). mail/variables.fulfilment words it."""
        reward_id = mail.facts.get("reward_id")
        reward = await self.store.reward(int(reward_id)) if isinstance(reward_id, int) else None
        if reward is None:
            return {}
        how: dict[str, Any] = {"method": reward.fulfilment, "currency": reward.currency}
        if reward.fulfilment == "credit":
            balance = await self.store.credit_balance(mail.email_key, reward.currency)
            how["balance_minor"] = balance.balance_minor
        elif reward.fulfilment == "coupon" and (reward.fulfilled_ref or "").startswith("coupon:"):
            how["code"] = (reward.fulfilled_ref or "").removeprefix("coupon:")
        elif reward.fulfilment == "payout" and advocate is not None:
            account = await self.store.payout_account(advocate.id)
            how["account"] = None if account is None else payouts.masked_iban(account.iban)
            how["amount_minor"] = reward.amount_minor or 0
            token = payouts.account_link_token(self.secret_key, advocate.code)
            how["link"] = f"{self.public_url}/payout-account?t={token}&lang={lang}"
        return how

    def _sender(self, settings: MailSettings) -> Address:
        if self.smtp is None:
            raise Outcome("skipped", "no SMTP server: set SHAREBACK_SMTP_URL")
        configured = settings.sender or self.default_sender
        if not configured:
            raise Outcome(
                "skipped", "no sender address: set SHAREBACK_EMAIL_FROM or the campaign's sender"
            )
        try:
            return parse_sender(configured)
        except ValueError:
            raise Outcome("skipped", f"the sender {configured!r} is not one address") from None

    async def _advocate(self, mail: DueMail, campaign: Campaign, now: datetime) -> Advocate | None:
        if mail.journey in (journeys.WELCOME, journeys.SUMMARY):
            return None
        if mail.journey == journeys.INVITE:
            # The customer becomes an advocate when their invitation goes out (the shop's signed
            # order webhook named them): their link and code exist from now on.
            advocate, _ = await self.store.advocate_for(
                campaign.id,
                mail.recipient,
                mail.email_key,
                mail.name,
                False,
                codes.code_prefix(None),
                now,
            )
            return advocate
        found = await self.store.advocate_by_code(str(mail.facts.get("advocate_code", "")))
        if found is None:
            raise Outcome("skipped", "the advocate no longer exists")
        return found

    async def _send(self, message: EmailMessage) -> None:
        assert self.smtp is not None
        target = self.smtp
        await aiosmtplib.send(
            message,
            hostname=target.host,
            port=target.port,
            username=target.username,
            password=target.password,
            use_tls=target.implicit_tls,
            start_tls=target.starttls,
            tls_context=self.tls_context,
            timeout=30,
        )

    async def _finish(
        self,
        mail: DueMail,
        now: datetime,
        started: float,
        status: str,
        error: str | None,
        retry_at: datetime | None = None,
        **sent: str | None,
    ) -> str:
        await self.store.finish_mail(
            mail.id,
            self.name,
            status=status,
            error=error,
            duration_ms=int((time.perf_counter() - started) * 1000),
            now=now,
            retry_at=retry_at,
            **sent,
        )
        return status


_REPORT = {
    "sent": "sent",
    "retrying": "pending",
    "dead": "dead",
    "suppressed": "suppressed",
    "skipped": "skipped",
}


def _permanent(exc: aiosmtplib.SMTPException) -> bool:
    """A 5xx answer to the recipient or the message: trying again changes nothing. A refused
    sign-in or sender is the server's set-up, fixed by the owner: retried."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        return all(r.code >= 500 for r in exc.recipients)
    if isinstance(exc, (aiosmtplib.SMTPAuthenticationError, aiosmtplib.SMTPSenderRefused)):
        return False
    if isinstance(exc, (aiosmtplib.SMTPRecipientRefused, aiosmtplib.SMTPDataError)):
        return exc.code >= 500
    return False


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


async def send_mail_forever(sender: MailSender, interval: float) -> None:
    while True:
        try:
            report = await sender.send_due()
        except Exception:
            log.exception("sending e-mail failed; will retry")
            report = MailReport()
        if report.handled < sender.batch:  # a full batch: more may be waiting
            await asyncio.sleep(interval)
