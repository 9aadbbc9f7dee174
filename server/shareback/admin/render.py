"""The dashboard's templates, its security headers, notices and the small responses every view uses."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from shareback import i18n
from shareback.admin import assets, formatting, language
from shareback.auth.roles import Permission, allows
from shareback.i18n import N_
from shareback.storage.base import AdminSession

# No inline script or style anywhere in the dashboard: scripts, styles and frames come from
# the backend itself, forms post only to it, and no other site may frame it.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cache-Control": "no-store",
}

NOTICES = {
    "signed-out": N_("You have signed out."),
    "campaign-created": N_("The campaign is created. Paste its snippet (Settings) into your shop."),
    "campaign-saved": N_("Your changes are saved."),
    "segment-widened": N_("The campaign is open to every country now."),
    "segment-replaced": N_("The campaign's countries are replaced."),
    "campaign-draft": N_(
        "The campaign is saved as a draft: its widget does not show on your shop until you make "
        "it live."
    ),
    "campaign-live": N_(
        "The campaign is live: its widget shows on your shop and friends' orders earn rewards."
    ),
    "design-saved": N_("The design is saved: your shop's widget shows it within a minute."),
    "campaign-archived": N_(
        "The campaign is archived: its widget no longer loads and new orders earn no rewards."
    ),
    "origins-saved": N_("The websites where the widget may appear are saved."),
    "key-revoked": N_("The API key is revoked; requests with it are refused from now on."),
    "user-created": N_("The admin user is created. Tell them their password in person."),
    "user-deleted": N_("The admin user is deleted and signed out everywhere."),
    "role-saved": N_("The role is saved; it applies from their next click on."),
    "language-saved": N_("Your language is saved."),
    "two-factor-off": N_("Two-factor sign-in is off: signing in needs only your password now."),
    "endpoint-created": N_(
        "The endpoint is added: give its signing secret to the receiving tool. "
        "Events from now on are sent to it."
    ),
    "endpoint-disabled": N_("The endpoint is disabled: no more events are sent to it."),
    "delivery-queued": N_("The delivery is back in the queue and is sent within seconds."),
    "mail-queued": N_("The message is back in the queue and is sent within seconds."),
    "mail-saved": N_("The e-mail settings are saved."),
    "labels-saved": N_("The labels are saved: the widget shows them from its next page load."),
    "template-saved": N_("The template is saved: e-mails from now on use it."),
    "template-reset": N_("The template is back to Shareback's wording."),
    "person-erased": N_(
        "The person's data is erased: nothing kept names them any more. Their clicks, orders and "
        "rewards still count in the numbers."
    ),
}


class PageError(Exception):
    """Raised in a dashboard view; the guard turns it into a page in the dashboard's look."""

    def __init__(self, status_code: int, title: str, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.title = title
        self.message = message


def tag(name: str, text: object, **attributes: str) -> Markup:
    """A small element around escaped text, for a word inside a translated sentence:
    `_("Doubtful ones wait in the %(queue)s.", queue=tag("a", _("review queue"), href=…))`."""
    attrs = "".join(
        f' {key.replace("_", "-")}="{escape(value)}"'
        if value != ""
        else f" {key.replace('_', '-')}"
        for key, value in attributes.items()
    )
    return Markup(f"<{name}{attrs}>{escape(text)}</{name}>")


def can(session: AdminSession | None, permission: str) -> bool:
    """For the templates: show an action only to a role that may take it."""
    return session is not None and allows(session.user.role, Permission(permission))


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("shareback", "templates"),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    # newstyle: `_("%(n)s orders", n=3)` formats and escapes like the rest of the template.
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext, i18n.ngettext, newstyle=True, pgettext=i18n.pgettext
    )
    env.globals["asset_url"] = assets.asset_url
    env.globals["can"] = can
    env.globals["tag"] = tag
    env.globals["zone_name"] = formatting.zone_name
    env.filters.update(formatting.FILTERS)
    return env


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    with language.speaking(request, context.get("session")):
        notice = NOTICES.get(request.query_params.get("notice", ""))
        page = environment().get_template(f"admin/{template}")
        html = page.render(
            {
                "request": request,
                "notice": i18n.gettext(notice) if notice else None,
                "lang": i18n.current_locale(),
                **context,
            }
        )
    response = HTMLResponse(html, status_code=status_code, headers=SECURITY_HEADERS)
    if headers:
        response.headers.update(headers)
    return response


def redirect(url: str) -> Response:
    """303: after a form post the browser follows with a GET, so a reload never re-posts."""
    return RedirectResponse(url, status_code=303, headers=SECURITY_HEADERS)


def message_page(
    request: Request,
    status_code: int,
    title: str,
    message: str,
    headers: Mapping[str, str] | None = None,
    session: AdminSession | None = None,
) -> HTMLResponse:
    return render(
        request,
        "message.html",
        {"title": title, "message": message, "session": session},
        status_code=status_code,
        headers=headers,
    )
