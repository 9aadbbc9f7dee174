"""Settings from SHAREBACK_ environment variables, and the secrets bootstrapped beside the data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from os import environ as os_environ
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from starlette.config import Config

from shareback.crm.score import ScoreRules
from shareback.i18n import LOCALES
from shareback.mail.smtp import SmtpUrlError, parse_sender, parse_smtp_url

if TYPE_CHECKING:
    from shareback.payouts import PayoutAccount

DEFAULT_DATABASE_URL = "sqlite:///shareback.db"
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"
DEFAULT_LANDING_URL = "http://127.0.0.1:8001/"


def _split(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(part for part in value.replace(",", " ").split() if part)


ACCESS_LOG_MODES = ("private", "full", "off")


def _access_log(value: str) -> str:
    mode = value.strip().lower()
    if mode not in ACCESS_LOG_MODES:
        raise ValueError(f"SHAREBACK_ACCESS_LOG must be one of {', '.join(ACCESS_LOG_MODES)}")
    return mode


# Ten years: a larger number is a typo (and would reach back before any click).
MAX_RETENTION_DAYS = 3660


def _retention_days(value: str) -> int:
    raw = value.strip() or "0"
    if not raw.isascii() or not raw.isdigit():
        raise SettingsError(
            f"SHAREBACK_CLICK_RETENTION_DAYS must be a whole number of days (got {value!r}); "
            "0 keeps every click."
        )
    return int(raw)


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    # PostgreSQL connections per process (SQLite always uses one writer and one reader).
    database_pool_size: int = 10
    public_url: str = DEFAULT_PUBLIC_URL
    # Secrets left as None are generated once and kept in the database (see Secrets).
    secret_key: str | None = None
    identity_secret: str | None = None
    webhook_secrets: tuple[str, ...] = ()
    # None means "not configured": the default campaign keeps what it has.
    landing_url: str | None = None
    allowed_origins: tuple[str, ...] | None = None
    shop_name: str | None = None
    # The platforms' own webhook secrets; a platform's endpoint answers 503 until its secret is set.
    shopify_secret: str | None = None
    stripe_webhook_secret: str | None = None
    woocommerce_secret: str | None = None
    admin_api_key: str | None = None
    max_body_bytes: int = 256 * 1024
    approve_interval_seconds: float = 60.0
    delivery_interval_seconds: float = 2.0
    # customer.updated: how often changed referral facts are sent (a round per this many seconds).
    customer_sync_seconds: float = 300.0
    # The reverse proxies (addresses or networks) whose X-Forwarded-For / -Proto `shareback
    # serve` believes; none by default, so no client can pick the address every limit counts.
    forwarded_allow_ips: tuple[str, ...] = ()
    # "private": requests logged without client address and query string; "full"; "off".
    access_log: str = "private"
    # Plain http:// endpoint and validation URLs, for local testing only (never in production:
    # the events carry personal data).
    allow_http_endpoints: bool = False
    # The shop's own account that payout batches are paid from (the SEPA file's debtor).
    payout_name: str | None = None
    payout_iban: str | None = None
    payout_bic: str | None = None
    # E-mail (mail/): the SMTP server and the default sender; nothing is sent without both
    # (a campaign may name its own sender).
    smtp_url: str | None = None
    email_from: str | None = None
    mail_interval_seconds: float = 10.0
    # The picture a link preview shows (WhatsApp, Facebook…): the shop's own, an absolute URL.
    share_image_url: str | None = None
    # The shop's time zone (an IANA name): the dashboard shows times in it and every statistic
    # cuts its days at the shop's midnight. Machine formats (API, CSV, events) stay UTC.
    timezone: str = "UTC"
    # The dashboard's language for a user who chose none and whose browser asks for neither.
    locale: str = "en"
    # Raw click rows older than this many shop days are deleted once counted in the daily
    # rollups (never inside the longest attribution window, never one a referral points to);
    # 0 keeps them for ever. Every number in the dashboard and the stats API stays the same.
    click_retention_days: int = 0
    # The ambassador score's weights and exclusions (crm/score.py; SHAREBACK_SCORE_…).
    score_rules: ScoreRules = field(default_factory=ScoreRules)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        config = Config(environ=os_environ if environ is None else environ, env_prefix="SHAREBACK_")
        origins = config("ALLOWED_ORIGINS", default=None)
        return cls(
            database_url=config("DATABASE_URL", default=DEFAULT_DATABASE_URL),
            database_pool_size=config("DATABASE_POOL_SIZE", cast=int, default=10),
            public_url=config("PUBLIC_URL", default=DEFAULT_PUBLIC_URL).rstrip("/"),
            secret_key=config("SECRET_KEY", default=None) or None,
            identity_secret=config("IDENTITY_SECRET", default=None) or None,
            webhook_secrets=_split(config("WEBHOOK_SECRET", default=None)),
            landing_url=config("LANDING_URL", default=None) or None,
            allowed_origins=None if origins is None else _split(origins),
            shop_name=config("SHOP_NAME", default=None) or None,
            shopify_secret=config("SHOPIFY_SECRET", default=None) or None,
            stripe_webhook_secret=config("STRIPE_WEBHOOK_SECRET", default=None) or None,
            woocommerce_secret=config("WOOCOMMERCE_SECRET", default=None) or None,
            admin_api_key=config("ADMIN_API_KEY", default=None) or None,
            max_body_bytes=config("MAX_BODY_BYTES", cast=int, default=256 * 1024),
            approve_interval_seconds=config("APPROVE_INTERVAL_SECONDS", cast=float, default=60.0),
            delivery_interval_seconds=config("DELIVERY_INTERVAL_SECONDS", cast=float, default=2.0),
            customer_sync_seconds=config("CUSTOMER_SYNC_SECONDS", cast=float, default=300.0),
            forwarded_allow_ips=_split(config("FORWARDED_ALLOW_IPS", default=None)),
            access_log=_access_log(config("ACCESS_LOG", default="private")),
            allow_http_endpoints=config("ALLOW_HTTP_ENDPOINTS", cast=bool, default=False),
            payout_name=config("PAYOUT_NAME", default=None) or None,
            payout_iban=config("PAYOUT_IBAN", default=None) or None,
            payout_bic=config("PAYOUT_BIC", default=None) or None,
            smtp_url=config("SMTP_URL", default=None) or None,
            email_from=config("EMAIL_FROM", default=None) or None,
            mail_interval_seconds=config("MAIL_INTERVAL_SECONDS", cast=float, default=10.0),
            share_image_url=config("SHARE_IMAGE_URL", default=None) or None,
            timezone=config("TIMEZONE", default="UTC") or "UTC",
            locale=config("LOCALE", default="en") or "en",
            click_retention_days=_retention_days(config("CLICK_RETENTION_DAYS", default="0")),
            score_rules=_score_rules(config),
        ).checked()

    def checked(self) -> Settings:
        """These settings, when every secret in them can work; else SettingsError naming the
        variable, so a bad secret stops the start instead of failing every request."""
        # Imported here: the webhooks package imports the settings through its handlers.
        from shareback.webhooks.standard import secret_bytes

        for name, value in self._secrets():
            if not value or value != value.strip() or not value.isprintable():
                raise SettingsError(
                    f"{name} is blank or holds spaces, tabs or line breaks at its ends or "
                    "control characters; copy the secret again without them."
                )
        for number, value in enumerate(self.webhook_secrets, 1):
            try:
                secret_bytes(value)
            except ValueError:
                raise SettingsError(
                    f"SHAREBACK_WEBHOOK_SECRET: secret number {number} is not 'whsec_' followed "
                    "by base64 (padding optional), as Standard Webhooks senders give it."
                ) from None
        for value in _split(self.stripe_webhook_secret):
            if not value.startswith("whsec_") or len(value) <= len("whsec_"):
                raise SettingsError(
                    "SHAREBACK_STRIPE_WEBHOOK_SECRET must be the endpoint's signing secret from "
                    "Stripe's dashboard, which starts with whsec_ (not an API key)."
                )
        self.zone()  # an unknown time zone stops the start
        if not 0 <= self.click_retention_days <= MAX_RETENTION_DAYS:
            raise SettingsError(
                f"SHAREBACK_CLICK_RETENTION_DAYS must be a whole number of days from 0 (keep every "
                f"click) to {MAX_RETENTION_DAYS} (got {self.click_retention_days})."
            )
        if self.locale not in LOCALES:
            raise SettingsError(
                f"SHAREBACK_LOCALE must be one of {', '.join(LOCALES)} (got {self.locale!r})."
            )
        self.payout_account()  # a bad IBAN stops the start, not the first payout
        self._check_mail()
        image = self.share_image_url
        if image is not None and not (
            image.startswith(("https://", "http://")) and image.isprintable() and " " not in image
        ):
            raise SettingsError(
                "SHAREBACK_SHARE_IMAGE_URL must be an absolute http(s):// address of an image, "
                "such as https://shop.example.com/share.jpg."
            )
        return self

    def zone(self) -> ZoneInfo:
        """The shop's time zone; SettingsError for a name the tz database does not know."""
        try:
            return ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise SettingsError(
                f"SHAREBACK_TIMEZONE {self.timezone!r} is not a time zone name such as "
                "Europe/Amsterdam or UTC."
            ) from None

    def payout_account(self, fallback_name: str = "Shop") -> PayoutAccount | None:
        """The shop's account payouts are paid from; None without SHAREBACK_PAYOUT_IBAN."""
        from shareback import payouts

        if not self.payout_iban:
            return None
        try:
            return payouts.account(
                self.payout_name or fallback_name, self.payout_iban, self.payout_bic
            )
        except payouts.InvalidAccount as exc:
            variable = {"holder_name": "NAME", "iban": "IBAN", "bic": "BIC"}[exc.field]
            raise SettingsError(f"SHAREBACK_PAYOUT_{variable}: {exc.message}") from None

    def _check_mail(self) -> None:
        if self.smtp_url is not None:
            try:
                parse_smtp_url(self.smtp_url)
            except SmtpUrlError as exc:
                raise SettingsError(
                    f"SHAREBACK_SMTP_URL cannot be used: {exc}. Write it as "
                    "smtp://user:password@mail.example.com:587 (STARTTLS) or "
                    "smtps://user:password@mail.example.com:465 (TLS)."
                ) from None
        if self.email_from is not None:
            try:
                parse_sender(self.email_from)
            except ValueError:
                raise SettingsError(
                    "SHAREBACK_EMAIL_FROM must be one sender address, such as "
                    "'Brandpunt Koffie <hello@brandpunt.example>' or hello@brandpunt.example."
                ) from None

    def _secrets(self) -> list[tuple[str, str]]:
        single = {
            "SHAREBACK_SECRET_KEY": self.secret_key,
            "SHAREBACK_IDENTITY_SECRET": self.identity_secret,
            "SHAREBACK_SHOPIFY_SECRET": self.shopify_secret,
            "SHAREBACK_WOOCOMMERCE_SECRET": self.woocommerce_secret,
            "SHAREBACK_ADMIN_API_KEY": self.admin_api_key,
        }
        found = [(name, value) for name, value in single.items() if value is not None]
        found += [("SHAREBACK_WEBHOOK_SECRET", value) for value in self.webhook_secrets]
        if self.stripe_webhook_secret is not None:
            found.append(("SHAREBACK_STRIPE_WEBHOOK_SECRET", self.stripe_webhook_secret.strip()))
        return found


def _whole(name: str, raw: object, default: int, largest: int) -> int:
    """A SHAREBACK_SCORE_ number: empty gives the default; anything but 0..largest stops the start."""
    text = str(raw or "").strip()
    if not text:
        return default
    if not text.isascii() or not text.isdigit() or int(text) > largest:
        raise SettingsError(
            f"SHAREBACK_{name} must be a whole number from 0 to {largest} "
            f"(got {text!r}; the default is {default})."
        )
    return int(text)


def _score_rules(config: Config) -> ScoreRules:
    d, most = ScoreRules(), 1000
    rules = ScoreRules(
        recency_weight=_whole(
            "SCORE_RECENCY_WEIGHT",
            config("SCORE_RECENCY_WEIGHT", default=""),
            d.recency_weight,
            most,
        ),
        frequency_weight=_whole(
            "SCORE_FREQUENCY_WEIGHT",
            config("SCORE_FREQUENCY_WEIGHT", default=""),
            d.frequency_weight,
            most,
        ),
        value_weight=_whole(
            "SCORE_VALUE_WEIGHT", config("SCORE_VALUE_WEIGHT", default=""), d.value_weight, most
        ),
        satisfaction_weight=_whole(
            "SCORE_SATISFACTION_WEIGHT",
            config("SCORE_SATISFACTION_WEIGHT", default=""),
            d.satisfaction_weight,
            most,
        ),
        referral_weight=_whole(
            "SCORE_REFERRAL_WEIGHT",
            config("SCORE_REFERRAL_WEIGHT", default=""),
            d.referral_weight,
            most,
        ),
        open_ticket_penalty=_whole(
            "SCORE_OPEN_TICKET_PENALTY",
            config("SCORE_OPEN_TICKET_PENALTY", default=""),
            d.open_ticket_penalty,
            most,
        ),
        exclude_complaint_days=_whole(
            "SCORE_EXCLUDE_COMPLAINT_DAYS",
            config("SCORE_EXCLUDE_COMPLAINT_DAYS", default=""),
            d.exclude_complaint_days,
            MAX_RETENTION_DAYS,
        ),
        window_days=_whole(
            "SCORE_WINDOW_DAYS",
            config("SCORE_WINDOW_DAYS", default=""),
            d.window_days,
            MAX_RETENTION_DAYS,
        ),
        require_consent=config("SCORE_REQUIRE_CONSENT", cast=bool, default=True),
    )
    if rules.total_weight == 0:
        raise SettingsError("The SHAREBACK_SCORE_…_WEIGHT settings cannot all be 0.")
    if rules.window_days == 0:
        raise SettingsError("SHAREBACK_SCORE_WINDOW_DAYS must be at least 1 day.")
    return rules


class SettingsError(ValueError):
    """A setting that cannot work; the message names the SHAREBACK_ variable at fault."""


@dataclass(frozen=True)
class Secrets:
    """The secrets in force: from the environment when set, else generated once and stored."""

    secret_key: str
    identity_secret: str
    webhook_secrets: tuple[str, ...]

    @property
    def webhook_secret(self) -> str:
        """The secret a shop signs with today (the first; later ones are still accepted)."""
        return self.webhook_secrets[0]


def resolve_secrets(settings: Settings, stored: Mapping[str, str]) -> Secrets:
    return Secrets(
        secret_key=settings.secret_key or stored["secret_key"],
        identity_secret=settings.identity_secret or stored["identity_secret"],
        webhook_secrets=settings.webhook_secrets or (stored["webhook_secret"],),
    )
