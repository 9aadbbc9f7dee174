"""Dashboard sessions: the cookie, the session row behind it, and the guards on every page and
form: signed in, from this site, and with a role that allows it (auth/roles.py)."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from datetime import timedelta
from urllib.parse import quote, urlsplit

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from shareback import tokens
from shareback.admin import csrf, language
from shareback.admin.formatting import role_name
from shareback.admin.render import PageError, message_page, redirect
from shareback.auth import keys
from shareback.auth.roles import Permission, allows
from shareback.context import context
from shareback.i18n import gettext as _
from shareback.storage.base import AdminSession

COOKIE = "shareback_admin"
LIFETIME = timedelta(hours=12)
HOME = "/admin"

AdminView = Callable[[Request, AdminSession], Awaitable[Response]]
AdminAction = Callable[[Request, AdminSession, FormData], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]
FormReader = Callable[[Request], Awaitable[FormData]]


def secure_cookies(request: Request) -> bool:
    return context(request).settings.public_url.startswith("https://")


async def current_session(request: Request) -> AdminSession | None:
    token = request.cookies.get(COOKIE)
    if not token or len(token) > 128:
        return None
    return await context(request).store.session(keys.token_hash(token), tokens.now_utc())


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(LIFETIME.total_seconds()),
        path="/admin",
        secure=secure_cookies(request),
        httponly=True,
        samesite="lax",
    )


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(
        COOKIE, path="/admin", secure=secure_cookies(request), httponly=True, samesite="lax"
    )


def safe_next(value: str | None) -> str:
    """Only a dashboard path on this site: never another host, scheme or the login page itself."""
    if not value or len(value) > 2000 or any(ord(ch) < 32 or ch == "\\" for ch in value):
        return HOME
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or value.startswith("//"):
        return HOME
    if parts.path != HOME and not parts.path.startswith(HOME + "/"):
        return HOME
    if parts.path in ("/admin/login", "/admin/logout"):
        return HOME
    return value


def login_url(request: Request) -> str:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return "/admin/login" if here == HOME else "/admin/login?next=" + quote(here, safe="/")


def forbidden(request: Request, session: AdminSession) -> Response:
    with language.speaking(request, session):
        return message_page(
            request,
            403,
            _("Your role does not allow this"),
            _(
                "You are signed in as %(email)s with the role “%(role)s”, which may not do "
                "this. Ask an owner of this dashboard if you need it."
            )
            % {"email": session.user.email, "role": role_name(session.user.role)},
            session=session,
        )


def page_for(permission: Permission) -> Callable[[AdminView], Endpoint]:
    """A page for signed-in users whose role has `permission`; strangers are sent to the login
    page and brought back, users without it get a 403 page."""

    def decorate(view: AdminView) -> Endpoint:
        @functools.wraps(view)
        async def endpoint(request: Request) -> Response:
            session = await current_session(request)
            if session is None:
                return redirect(login_url(request))
            if not allows(session.user.role, permission):
                return forbidden(request, session)
            try:
                with language.speaking(request, session):
                    return await view(request, session)
            except PageError as exc:
                return message_page(
                    request, exc.status_code, exc.title, exc.message, session=session
                )

        return endpoint

    return decorate


def admin_page(view: AdminView) -> Endpoint:
    """A page every signed-in user may read (viewers too)."""
    return page_for(Permission.READ)(view)


def guarded_action(action: AdminAction, read: FormReader, permission: Permission) -> Endpoint:
    """A form post by a signed-in user whose role has `permission`, from this site, with the
    session's CSRF token."""

    @functools.wraps(action)
    async def endpoint(request: Request) -> Response:
        session = await current_session(request)
        if session is None:
            return redirect("/admin/login")
        if not allows(session.user.role, permission):
            return forbidden(request, session)
        try:
            with language.speaking(request, session):
                form = await read(request)
        except PageError as exc:
            return message_page(request, exc.status_code, exc.title, exc.message, session=session)
        try:
            if not csrf.comes_from_here(request) or not csrf.tokens_match(
                session.csrf_token, form.get(csrf.FIELD)
            ):
                return forged_form(request, session)
            with language.speaking(request, session):
                return await action(request, session, form)
        except PageError as exc:
            return message_page(request, exc.status_code, exc.title, exc.message, session=session)
        finally:
            await form.close()  # an uploaded file's spooled temporary file

    return endpoint


def action_for(permission: Permission) -> Callable[[AdminAction], Endpoint]:
    """A form post (no files) that needs `permission`."""
    return lambda action: guarded_action(action, csrf.read_form, permission)


def admin_action(action: AdminAction) -> Endpoint:
    """A form post (no files) only owners may send: a form nobody gave a permission stays
    closed to the other roles."""
    return guarded_action(action, csrf.read_form, Permission.MANAGE)


def admin_upload(
    limit: int, too_large: str, permission: Permission = Permission.EDIT_CAMPAIGNS
) -> Callable[[AdminAction], Endpoint]:
    """A multipart form post with one file, at most `limit` bytes in all; else as admin_action."""

    async def read(request: Request) -> FormData:
        return await csrf.read_upload(request, limit, too_large)

    return lambda action: guarded_action(action, read, permission)


def forged_form(request: Request, session: AdminSession | None) -> Response:
    with language.speaking(request, session):
        return message_page(
            request,
            403,
            _("This form could not be accepted"),
            _(
                "It was sent from another site or has expired. Go back, reload the page and "
                "send it again."
            ),
            session=session,
        )
