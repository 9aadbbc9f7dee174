"""The dashboard's language: which locale a request is rendered in, and its translated words.

Templates write `{{ _("Referred orders") }}`, `{{ ngettext("%(num)d reward", "%(num)d rewards",
n) }}` or `{% trans %}…{% endtrans %}`; Python code calls `gettext`/`ngettext` from here. The
locale is a context variable set once per request (`use_locale`), so a rule or filter that
formats never needs the request passed down. Catalogues are gettext `.mo` files under
`shareback/locale/`, built from `.po` with Babel; a locale without one shows the English source.
"""

from __future__ import annotations

import contextlib
import gettext as gettext_module
from collections.abc import Iterator
from contextvars import ContextVar
from functools import lru_cache
from importlib import resources
from zoneinfo import ZoneInfo

from babel.support import NullTranslations, Translations

LOCALES = ("nl", "en")
DEFAULT_LOCALE = "en"
DOMAIN = "shareback"

_locale: ContextVar[str] = ContextVar("shareback_locale", default=DEFAULT_LOCALE)
_zone: ContextVar[ZoneInfo | None] = ContextVar("shareback_zone", default=None)
UTC_ZONE = ZoneInfo("UTC")


def pick_locale(requested: str | None) -> str:
    """'nl', 'nl-NL', 'NL_be' → nl; anything else → the default."""
    base = (requested or "").replace("_", "-").split("-")[0].lower()
    return base if base in LOCALES else DEFAULT_LOCALE


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


@lru_cache(maxsize=len(LOCALES))
def translations(locale: str) -> gettext_module.NullTranslations:
    folder = resources.files("shareback") / "locale"
    with resources.as_file(folder) as path:
        if (path / locale / "LC_MESSAGES" / f"{DOMAIN}.mo").is_file():
            return Translations.load(str(path), [locale], DOMAIN)
    return NullTranslations()


def gettext(message: str) -> str:
    return translations(current_locale()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_locale()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return translations(current_locale()).pgettext(context, message)


_ = gettext
