"""How long personal data stays (the rules behind PRIVACY.md): pure, no storage, no web."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

# Failed sign-ins are only ever counted over the throttle's window (15 minutes in admin/auth);
# an hour covers any window the throttle may use, and then they go.
LOGIN_FAILURES_KEPT = timedelta(hours=1)

# When no campaign is live, the default campaign's window still bounds a click's salt.
DEFAULT_ATTRIBUTION_DAYS = 30


def oldest_salt_day(today: date, attribution_days: Iterable[int]) -> date:
    """The first UTC day whose click-IP salt a rule may still need.

    A click's IP hash is compared with its order's IP for as long as the order can be attributed
    to the click: the longest attribution window of any live campaign. One day more covers a click
    made late on its day and an order made late on the window's last day."""
    longest = max(attribution_days, default=DEFAULT_ATTRIBUTION_DAYS)
    return today - timedelta(days=longest + 1)


def oldest_click_day(today: date, keep_days: int, attribution_days: Iterable[int]) -> date:
    """The first shop day whose raw clicks the retention setting (keep_days) keeps.

    Never fewer days than an order can still be attributed to a click (the longest live window,
    one day more, as the click's salt is kept: oldest_salt_day): inside it, a click is still read
    to credit an order and to compare its IP hash with the order's. Older clicks are only counts,
    and their days are in the daily rollups."""
    return min(today - timedelta(days=keep_days), oldest_salt_day(today, attribution_days))
