"""Signing in and out of the dashboard: /admin/login (password, then a TOTP or recovery code for
users who set one up), /admin/logout. Every attempt is counted before anything is checked."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shareback import tokens
from shareback.admin import challenge, csrf, language
from shareback.admin.render import redirect, render
from shareback.admin.sessions import (
    COOKIE,
    LIFETIME,
    action_for,
    clear_session_cookie,
    current_session,
    safe_next,
    secure_cookies,
    set_session_cookie,
)
from shareback.auth import keys, passwords, throttle
from shareback.auth.roles import Permission
from shareback.context import client_ip, context
from shareback.i18n import gettext as _
from shareback.storage.records import AdminSession, AdminUser

# How long the network waits when the server is too busy checking passwords.
BUSY_RETRY_SECONDS = 10


def login_form(
    request: Request,
    *,
    email: str = "",
    error: str | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    next_url: str | None = None,
) -> Response:
    """The form with a fresh double-submit token in its cookie and its hidden field."""
    token = csrf.new_token()
    response = render(
        request,
        "login.html",
        {
            "session": None,
            "csrf_token": token,
            "email": email,
            "error": error,
            "next": safe_next(next_url or request.query_params.get("next")),
        },
        status_code=status_code,
        headers=headers,
    )
    response.set_cookie(
        csrf.LOGIN_COOKIE,
        token,
        max_age=3600,
        path="/admin/login",
        secure=secure_cookies(request),
        httponly=True,
        samesite="strict",
    )
    return response


def too_many_attempts(request: Request, email: str, next_url: str) -> Response:
    minutes = int(throttle.WINDOW.total_seconds() // 60)
    return login_form(
        request,
        email=email,
        next_url=next_url,
        error=_(
            "Too many failed sign-ins for this account or from your network. For your "
            "security, wait %(minutes)s minutes before you try again."
        )
        % {"minutes": minutes},
        status_code=429,
        headers={"Retry-After": str(int(throttle.WINDOW.total_seconds()))},
    )


def too_busy(request: Request, email: str, next_url: str) -> Response:
    return login_form(
        request,
        email=email,
        next_url=next_url,
        error=_("Many sign-ins are being checked right now. Please try again in a few seconds."),
        status_code=429,
        headers={"Retry-After": str(BUSY_RETRY_SECONDS)},
    )


async def admit_attempt(request: Request, email: str) -> bool:
    """Counts this attempt against the account and the network, before any check: False when
    either has had its attempts for now (and then nothing is checked at all)."""
    now = tokens.now_utc()
    return await context(request).store.count_login_attempt(
        throttle.attempt_keys(client_ip(request), email),
        now - throttle.WINDOW,
        now,
        throttle.MAX_ATTEMPTS,
    )


async def show_login(request: Request) -> Response:
    if await current_session(request) is not None:
        return redirect(safe_next(request.query_params.get("next")))
    return login_form(request)


async def password_matches(request: Request, password: str, stored: str | None) -> bool:
    """scrypt takes a while: off the event loop, a bounded number at once, and as long for
    unknown addresses as for known. Raises throttle.Busy when too many are queued."""
    checks = context(request).password_checks
    matches = await checks.verify(password, stored or passwords.DUMMY_HASH)
    return matches and stored is not None


def form_is_ours(request: Request, form: FormData) -> bool:
    return csrf.comes_from_here(request) and csrf.tokens_match(
        request.cookies.get(csrf.LOGIN_COOKIE), form.get(csrf.FIELD)
    )


async def finish_sign_in(request: Request, user: AdminUser, next_url: str) -> Response:
    """Both factors are right: the attempts are forgotten and a new session starts."""
    ctx = context(request)
    for key in throttle.attempt_keys(client_ip(request), user.email):
        await ctx.store.clear_login_failures(key)
    old = request.cookies.get(COOKIE)
    if old:  # a new sign-in never reuses an old token (session fixation)
        await ctx.store.end_session(keys.token_hash(old))
    token = keys.new_session_token()
    now = tokens.now_utc()
    await ctx.store.start_session(
        keys.token_hash(token), user.id, csrf.new_token(), now, now + LIFETIME
    )
    response = redirect(next_url)
    set_session_cookie(request, response, token)
    response.delete_cookie(csrf.LOGIN_COOKIE, path="/admin/login")
    challenge.forget(request, response)
    return response


async def log_in(request: Request) -> Response:
    ctx = context(request)
    form = await csrf.read_form(request)
    email = str(form.get("email") or "").strip()[:254]
    password = str(form.get("password") or "")[:1024]
    next_url = safe_next(str(form.get("next") or ""))
    if not form_is_ours(request, form):
        return login_form(
            request,
            email=email,
            next_url=next_url,
            error=_("The sign-in form had expired. Please sign in again."),
            status_code=403,
        )
    # Control characters (a NUL) are in no address: the same answer as a missing one.
    if not email or not password or any(ord(ch) < 32 for ch in email):
        return login_form(
            request,
            email=email,
            next_url=next_url,
            error=_("Enter your e-mail address and password."),
            status_code=400,
        )
    if not await admit_attempt(request, email):
        return too_many_attempts(request, email, next_url)
    user = await ctx.store.admin_user(email)
    try:
        matches = await password_matches(request, password, user.password_hash if user else None)
    except throttle.Busy:
        return too_busy(request, email, next_url)
    if not matches or user is None:
        return login_form(
            request,
            email=email,
            next_url=next_url,
            error=_("That e-mail address and password do not match an admin account."),
            status_code=401,
        )
    if user.two_factor:
        # The attempt stays counted until the code is right too.
        return challenge.code_form(request, next_url=next_url, token=challenge.issue(request, user))
    return await finish_sign_in(request, user, next_url)


@action_for(Permission.ACCOUNT)
async def log_out(request: Request, session: AdminSession, form: FormData) -> Response:
    token = request.cookies.get(COOKIE, "")
    await context(request).store.end_session(keys.token_hash(token))
    response = redirect("/admin/login?notice=signed-out")
    clear_session_cookie(request, response)
    return response


routes = [
    Route("/admin/login", language.spoken(show_login), methods=["GET"]),
    Route("/admin/login", language.spoken(log_in), methods=["POST"]),
    Route("/admin/logout", log_out, methods=["POST"]),
]
