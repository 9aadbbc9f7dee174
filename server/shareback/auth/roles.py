"""Who may do what in the dashboard: three roles, each a set of permissions, checked by every
page and form (admin/sessions.py) and by the templates that show only the actions allowed."""

from __future__ import annotations

from enum import StrEnum

from shareback.i18n import N_


class Permission(StrEnum):
    READ = "read"  # the numbers, campaigns, rewards and the preview
    ACCOUNT = "account"  # one's own sign-in: sign out, two-factor set-up
    DECIDE_REWARDS = "decide_rewards"  # approve, revoke, mark paid
    EXPORT = "export"  # CSV downloads (payouts: names and e-mail addresses)
    EDIT_CAMPAIGNS = "edit_campaigns"  # create, change, archive, fill code pools
    MANAGE = "manage"  # settings, secrets, API keys, users, outgoing webhooks


class Role(StrEnum):
    OWNER = "owner"
    FINANCE = "finance"
    VIEWER = "viewer"


PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OWNER: frozenset(Permission),
    Role.FINANCE: frozenset(
        {Permission.READ, Permission.ACCOUNT, Permission.DECIDE_REWARDS, Permission.EXPORT}
    ),
    Role.VIEWER: frozenset({Permission.READ, Permission.ACCOUNT}),
}

# Marked for the dashboard's catalogue (N_), translated where they are shown.
NAMES = {Role.OWNER: N_("Owner"), Role.FINANCE: N_("Finance"), Role.VIEWER: N_("Viewer")}
DESCRIPTIONS = {
    Role.OWNER: N_("everything: campaigns, rewards, settings, API keys and users"),
    Role.FINANCE: N_("reads everything, decides rewards and payouts, downloads the spreadsheets"),
    Role.VIEWER: N_("reads the numbers, campaigns and rewards; changes nothing"),
}
ROLES = tuple(role.value for role in Role)


def parse_role(value: str) -> Role | None:
    try:
        return Role(value.strip().lower())
    except ValueError:
        return None


def allows(role: str, permission: Permission) -> bool:
    """An unknown role (a row written by a newer version) may do nothing."""
    found = parse_role(role)
    return found is not None and permission in PERMISSIONS[found]
