"""Which language a dashboard request speaks: the signed-in user's choice (their account page),
else the browser's Accept-Language, else the shop's SHAREBACK_LOCALE; times in the shop's zone."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from starlette.requests import Request

from shareback import i18n
from shareback.context import context
from shareback.storage.records import AdminSession

# What the account page offers, each in its own language.
CHOICES = {"nl": "Nederlands", "en": "English"}


def dashboard_locale(request: Request, session: AdminSession | None) -> str:
    if session is not None and session.user.locale in i18n.LOCALES:
        return session.user.locale
    accepted = i18n.accepted_locale(request.headers.get("accept-language"))
    return accepted or context(request).settings.locale


@contextlib.contextmanager
def speaking(request: Request, session: AdminSession | None) -> Iterator[None]:
    """Everything a view says or formats inside speaks the request's language."""
    with i18n.use_locale(dashboard_locale(request, session), context(request).settings.zone()):
        yield
