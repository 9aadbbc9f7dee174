"""Which language a dashboard request speaks: the signed-in user's choice (their account page),
else the browser's Accept-Language, else the shop's SHAREBACK_LOCALE (nl or en); times in the shop's zone."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Awaitable, Callable, Iterator

from starlette.requests import Request
from starlette.responses import Response

from shareback import i18n
from shareback.context import context
from shareback.storage.records import AdminSession

# What the account page offers, each in its own language.
CHOICES = {"nl": "Nederlands", "en": "English"}


def dashboard_locale(request: Request, session: AdminSession | None) -> str:
    if session is not None and session.user.locale in i18n.LOCALES:
        return session.user.locale
    accepted = i18n.accepted_locale(request.headers.get("accept-language"))
    shop = context(request).settings.locale
    # A German or French shop's dashboard speaks English: those catalogues are the public words.
    return accepted or (shop if shop in i18n.LOCALES else i18n.DEFAULT_LOCALE)


@contextlib.contextmanager
def speaking(request: Request, session: AdminSession | None) -> Iterator[None]:
    """Everything a view says or formats inside speaks the request's language."""
    with i18n.use_locale(dashboard_locale(request, session), context(request).settings.zone()):
        yield


def spoken(
    endpoint: Callable[[Request], Awaitable[Response]],
) -> Callable[[Request], Awaitable[Response]]:
    """For the pages before a session exists (sign-in, its second step): the browser's language,
    so a refusal is worded in it too."""

    @functools.wraps(endpoint)
    async def speaking_endpoint(request: Request) -> Response:
        with speaking(request, None):
            return await endpoint(request)

    return speaking_endpoint
