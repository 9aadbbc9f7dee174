"""The advocate picks the nickname a contest's public board shows instead of their masked name:
POST /advocate/nickname from their own page (the magic link's session; the cookie is SameSite=Lax
and another site's Origin is refused). An empty nickname goes back to the masked name."""

from __future__ import annotations

from html import escape
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shareback import contests, i18n
from shareback.bootstrap import DEFAULT_SLUG
from shareback.context import context
from shareback.i18n import gettext as _
from shareback.i18n import use_locale
from shareback.portal import page

MAX_FIELDS = 3


def foreign_origin(request: Request, public_url: str) -> bool:
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin == "null"
    ours = urlsplit(public_url)
    theirs = urlsplit(origin)
    return (theirs.scheme, theirs.netloc) != (ours.scheme, ours.netloc)


async def save_nickname(request: Request) -> Response:
    ctx = context(request)
    lang = page.page_lang(request)
    with use_locale(lang):
        if foreign_origin(request, ctx.settings.public_url):
            return page._page(
                lang, _("Not allowed"), page.para(_("Send this form from your own page.")), 403
            )
        found = await page._signed_in(request)
        if found is None:
            return page._page(
                lang,
                _("Your rewards"),
                page.para(_("Your session has ended. Ask for a new link:"))
                + page._request_form(lang, DEFAULT_SLUG),
                401,
            )
        advocate, campaign = found
        form = await request.form(max_files=0, max_fields=MAX_FIELDS)
        raw = str(form.get("nickname") or "")[:200]
        try:
            nickname = contests.check_nickname(raw) if raw.strip() else None
        except contests.InvalidContest:
            return page._page(
                lang,
                _("That nickname cannot be used"),
                page.para(
                    _(
                        "A nickname has 2 to 24 letters, digits, spaces or . ' - and is not an e-mail address or a link."
                    )
                )
                + f'<p><a href="/advocate?lang={escape(lang)}">{escape(_("Back to your page"))}</a></p>',
                400,
            )
        await ctx.store.set_nickname(advocate.id, nickname)
        ctx.boards.forget(campaign.id)
    return Response(
        status_code=303,
        headers={**page.HEADERS, "Location": f"/advocate?lang={i18n.pick_locale(lang)}"},
    )


routes = [Route("/advocate/nickname", save_nickname, methods=["POST"])]
