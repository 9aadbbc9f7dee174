"""The dashboard's language: which locale a request is rendered in, and its translated words.

Templates write `{{ _("Referred orders") }}`, `{{ ngettext("%(num)d reward", "%(num)d rewards",
n) }}` or `{% trans %}…{% endtrans %}`; Python code calls `gettext`/`ngettext` from here. The
locale is a context variable set once per request (`use_locale`), so a rule or filter that
formats never needs the request passed down. Catalogues are the gettext `.po` files under
`shareback/locale/<lang>/LC_MESSAGES/`, read at start (no compiled `.mo` to keep in step);
`scripts/translations` extracts new words into them. A locale without one shows the English.
"""

from __future__ import annotations

import contextlib
import gettext as gettext_module
import io
from collections.abc import Iterator
from contextvars import ContextVar
from functools import lru_cache
from importlib import resources
from zoneinfo import ZoneInfo

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

# The dashboard's languages; the public ones are what shoppers, friends and partners read (the
# widget, the e-mails, the public pages): their catalogues hold the public messages only
# (catalogue.PUBLIC_PLACES), so a dashboard word shows in English there.
LOCALES = ("nl", "en")
PUBLIC_LOCALES = ("nl", "en", "de", "fr")
DEFAULT_LOCALE = "en"
DOMAIN = "shareback"

_locale: ContextVar[str] = ContextVar("shareback_locale", default=DEFAULT_LOCALE)
_zone: ContextVar[ZoneInfo | None] = ContextVar("shareback_zone", default=None)
UTC_ZONE = ZoneInfo("UTC")


def pick_locale(requested: str | None, among: tuple[str, ...] = PUBLIC_LOCALES) -> str:
    """'nl', 'nl-NL', 'NL_be' → nl; 'de-AT' → de; anything else → the default."""
    return known_locale(requested, among) or DEFAULT_LOCALE


def known_locale(requested: str | None, among: tuple[str, ...] = PUBLIC_LOCALES) -> str | None:
    """The language of a tag ('fr-BE' → fr) when it is one of `among`, else None."""
    base = (requested or "")[:35].replace("_", "-").split("-")[0].strip().lower()
    return base if base in among else None


def current_locale() -> str:
    return _locale.get()


def current_zone() -> ZoneInfo:
    """The shop's time zone, in which the dashboard shows every time."""
    return _zone.get() or UTC_ZONE


@contextlib.contextmanager
def use_locale(locale: str, zone: ZoneInfo | None = None) -> Iterator[None]:
    """Everything rendered or formatted inside speaks this locale (and shows times in zone)."""
    token = _locale.set(pick_locale(locale))
    zone_token = _zone.set(zone) if zone is not None else None
    try:
        yield
    finally:
        if zone_token is not None:
            _zone.reset(zone_token)
        _locale.reset(token)


@lru_cache(maxsize=len(PUBLIC_LOCALES))
def translations(locale: str) -> gettext_module.NullTranslations:
    """The locale's catalogue, read once from its .po file (fuzzy entries are left out, so they
    show the English source until someone checks them)."""
    source = resources.files("shareback") / "locale" / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not source.is_file():
        return NullTranslations()
    with source.open("rb") as po:
        catalog = read_po(po, locale=locale, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def accepted_locale(header: str | None, among: tuple[str, ...] = LOCALES) -> str | None:
    """The first of `among` (the dashboard's LOCALES) in an Accept-Language header, by its
    q-values: "de, nl;q=0.8, en;q=0.5" → nl. None when it names none of them."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate((header or "")[:500].split(",")):
        tag, _sep, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _eq, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        base = tag.strip().replace("_", "-").split("-")[0].lower()
        if base in among and quality > 0:
            ranked.append((-quality, index, base))
    return min(ranked)[2] if ranked else None


def translate(locale: str, message: str, context: str | None = None) -> str:
    """One message in a given language, outside any request's (a shopper's, a recipient's)."""
    catalogue = translations(pick_locale(locale))
    return catalogue.gettext(message) if context is None else catalogue.pgettext(context, message)


def gettext(message: str) -> str:
    return translations(current_locale()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_locale()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a word for the catalogue where it is defined (a module-level table); it is
    translated where it is shown, in that request's language."""
    return message


def NP_(context: str, message: str) -> str:
    """N_ with a context (pgettext's): the same English can translate apart from the dashboard's."""
    return message


def pgettext(context: str, message: str) -> str:
    return translations(current_locale()).pgettext(context, message)


_ = gettext

# Each language by its English name, translated where it is shown.
LANGUAGE_NAMES = {"nl": N_("Dutch"), "en": N_("English"), "de": N_("German"), "fr": N_("French")}
