"""Signing in and out of the dashboard: /admin/login, /admin/logout, throttled failures."""

from __future__ import annotations

from datetime import timedelta

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shareback import tokens
from shareback.admin import csrf
from shareback.admin.render import redirect, render
from shareback.admin.sessions import (
    COOKIE,
    LIFETIME,
    admin_action,
    clear_session_cookie,
    current_session,
    safe_next,
    secure_cookies,
    set_session_cookie,
)
from shareback.auth import keys, passwords
from shareback.context import client_ip, context
from shareback.storage.base import AdminSession

MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)


def failure_keys(request: Request, email: str) -> tuple[str, str]:
    return f"email:{email.strip().lower()}", f"ip:{client_ip(request)}"


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


async def show_login(request: Request) -> Response:
    if await current_session(request) is not None:
        return redirect(safe_next(request.query_params.get("next")))
    return login_form(request)


async def password_matches(password: str, stored: str | None) -> bool:
    """scrypt takes a while: off the event loop, and as long for unknown addresses as for known."""
    matches = await run_in_threadpool(
        passwords.verify_password, password, stored or passwords.DUMMY_HASH
    )
    return matches and stored is not None


async def log_in(request: Request) -> Response:
    ctx = context(request)
    form = await csrf.read_form(request)
    email = str(form.get("email") or "").strip()[:254]
    password = str(form.get("password") or "")[:1024]
    next_url = safe_next(str(form.get("next") or ""))
    if not csrf.comes_from_here(request) or not csrf.tokens_match(
        request.cookies.get(csrf.LOGIN_COOKIE), form.get(csrf.FIELD)
    ):
        return login_form(
            request,
            email=email,
            next_url=next_url,
            error="The sign-in form had expired. Please sign in again.",
            status_code=403,
        )
    if not email or not password:
        return login_form(
            request,
            email=email,
            next_url=next_url,
            error="Enter your e-mail address and password.",
            status_code=400,
        )
    now = tokens.now_utc()
    by_email, by_ip = failure_keys(request, email)
    since = now - FAILURE_WINDOW
    for key in (by_email, by_ip):
        if await ctx.store.login_failures_since(key, since) >= MAX_FAILURES:
            minutes = int(FAILURE_WINDOW.total_seconds() // 60)
            return login_form(
                request,
                email=email,
                next_url=next_url,
                error=f"Too many failed sign-ins for this account or from your network. "
                f"For your security, wait {minutes} minutes before you try again.",
                status_code=429,
                headers={"Retry-After": str(int(FAILURE_WINDOW.total_seconds()))},
            )
    user = await ctx.store.admin_user(email)
    if not await password_matches(password, user.password_hash if user else None):
        for key in (by_email, by_ip):
            await ctx.store.record_login_failure(key, now)
        return login_form(
            request,
            email=email,
            next_url=next_url,
            error="That e-mail address and password do not match an admin account.",
            status_code=401,
        )
    assert user is not None
    for key in (by_email, by_ip):
        await ctx.store.clear_login_failures(key)
    old = request.cookies.get(COOKIE)
    if old:  # a new sign-in never reuses an old token (session fixation)
        await ctx.store.end_session(keys.token_hash(old))
    token = keys.new_session_token()
    await ctx.store.start_session(
        keys.token_hash(token), user.id, csrf.new_token(), now, now + LIFETIME
    )
    response = redirect(next_url)
    set_session_cookie(request, response, token)
    response.delete_cookie(csrf.LOGIN_COOKIE, path="/admin/login")
    return response


@admin_action
async def log_out(request: Request, session: AdminSession, form: FormData) -> Response:
    token = request.cookies.get(COOKIE, "")
    await context(request).store.end_session(keys.token_hash(token))
    response = redirect("/admin/login?notice=signed-out")
    clear_session_cookie(request, response)
    return response


routes = [
    Route("/admin/login", show_login, methods=["GET"]),
    Route("/admin/login", log_in, methods=["POST"]),
    Route("/admin/logout", log_out, methods=["POST"]),
]
