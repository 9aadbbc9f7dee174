"""Who may use Shareback: API keys (created with a scope, shown once, revoked) and admin users
(added with a role, their role changed, removed). Owners only."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from shareback import numbers, tokens
from shareback.admin.render import PageError, redirect
from shareback.admin.sessions import admin_action
from shareback.admin.settings_page import settings_page
from shareback.auth import keys, passwords
from shareback.auth.roles import parse_role
from shareback.context import context
from shareback.emails import is_valid_email
from shareback.i18n import gettext as _
from shareback.storage.base import AdminSession


def path_id(request: Request) -> int:
    found = numbers.row_id(request.path_params["id"])
    if found is None:
        raise PageError(404, _("Not found"), _("There is nothing with that number here."))
    return found


@admin_action
async def create_api_key(request: Request, session: AdminSession, form: FormData) -> Response:
    name = str(form.get("name") or "").strip()
    scope = str(form.get("scope") or keys.FULL)
    if not name or len(name) > 100:
        error = _("Say what the key is for (at most 100 characters), such as “CRM sync”.")
        return await settings_page(request, session, 400, key_name=name[:100], key_error=error)
    if scope not in keys.SCOPES:
        error = _("Choose what the key may do: read only, or read and change.")
        return await settings_page(request, session, 400, key_name=name, key_error=error)
    key = keys.new_api_key()
    await context(request).store.create_api_key(
        name, keys.display_prefix(key), keys.token_hash(key), tokens.now_utc(), scope
    )
    # Shown on this one response only: the database keeps just its hash.
    return await settings_page(
        request, session, 201, new_key={"name": name, "key": key, "scope": scope}
    )


@admin_action
async def revoke_api_key(request: Request, session: AdminSession, form: FormData) -> Response:
    if not await context(request).store.revoke_api_key(path_id(request), tokens.now_utc()):
        raise PageError(
            404, _("No such API key"), _("That key does not exist or is already revoked.")
        )
    return redirect("/admin/settings?notice=key-revoked#api-keys")


@admin_action
async def create_admin_user(request: Request, session: AdminSession, form: FormData) -> Response:
    email = str(form.get("email") or "").strip()[:254]
    password = str(form.get("password") or "")[:1024]
    role = parse_role(str(form.get("role") or "owner"))
    errors: dict[str, str] = {}
    if role is None:
        errors["role"] = _("Choose a role: owner, finance or viewer.")
    if not is_valid_email(email):
        errors["email"] = _("Enter the person's e-mail address, such as sam@shop.example.")
    try:
        passwords.check_strength(password, email)
    except passwords.WeakPassword as exc:
        errors["password"] = str(exc).capitalize() + "."
    if not errors and role is not None:
        hashed = await run_in_threadpool(passwords.hash_password, password)
        user = await context(request).store.create_admin_user(
            email, hashed, tokens.now_utc(), role.value
        )
        if user is not None:
            return redirect("/admin/settings?notice=user-created#users")
        errors["email"] = _("This e-mail address already has an admin account.")
    return await settings_page(
        request, session, 400, user_email=email, user_role=role or "owner", user_errors=errors
    )


@admin_action
async def set_admin_role(request: Request, session: AdminSession, form: FormData) -> Response:
    user_id = path_id(request)
    role = parse_role(str(form.get("role") or ""))
    if role is None:
        raise PageError(400, _("No such role"), _("Choose a role: owner, finance or viewer."))
    if user_id == session.user.id:
        # So that an owner always remains: the one changing roles.
        raise PageError(
            400,
            _("You cannot change your own role"),
            _("Ask another owner to change it, so that someone can always manage this dashboard."),
        )
    if not await context(request).store.set_admin_role(user_id, role.value):
        raise PageError(404, _("No such admin user"), _("That account does not exist any more."))
    return redirect("/admin/settings?notice=role-saved#users")


@admin_action
async def delete_admin_user(request: Request, session: AdminSession, form: FormData) -> Response:
    user_id = path_id(request)
    if user_id == session.user.id:
        raise PageError(
            400,
            _("You cannot delete yourself"),
            _("Ask another admin to remove your account, so that someone can always sign in."),
        )
    if not await context(request).store.delete_admin_user(user_id):
        raise PageError(404, _("No such admin user"), _("That account does not exist any more."))
    return redirect("/admin/settings?notice=user-deleted#users")


routes = [
    Route("/admin/settings/api-keys", create_api_key, methods=["POST"]),
    Route("/admin/settings/api-keys/{id}/revoke", revoke_api_key, methods=["POST"]),
    Route("/admin/settings/users", create_admin_user, methods=["POST"]),
    Route("/admin/settings/users/{id}/delete", delete_admin_user, methods=["POST"]),
    Route("/admin/settings/users/{id}/role", set_admin_role, methods=["POST"]),
]
