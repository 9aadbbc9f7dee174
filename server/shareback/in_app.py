"""In-app browsers (Instagram, TikTok, Facebook, LinkedIn, Snapchat web views) by user agent:
where a friend's first-party cookie is lost when they later buy in their own browser, so the
landing shows them a code to type at the checkout. Pure: no storage, no web framework."""

from __future__ import annotations

import functools

# Words in a lowercased user agent that only the apps' own web views send. The link-preview
# fetchers of the same companies (facebookexternalhit, LinkedInBot, "Snap URL Preview Service;
# bot; snapchat;") carry none of them: they are bots, not friends.
APPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("instagram", ("instagram ",)),
    ("facebook", ("[fban/", "fban/", "fbav/", "[fb_iab/")),
    ("tiktok", ("musical_ly", "bytedancewebview", "trill_")),
    ("linkedin", ("[linkedinapp]",)),
    ("snapchat", ("snapchat/",)),
)


@functools.lru_cache(maxsize=1024)
def in_app_browser(user_agent: str) -> str | None:
    """The app whose web view sent this user agent ("instagram", "facebook", "tiktok",
    "linkedin", "snapchat"), or None for a browser of its own (and for bots)."""
    agent = user_agent[:1000].lower()
    for app, words in APPS:
        if any(word in agent for word in words):
            return app
    return None


def attributing_code(
    friend_code: str | None, per_click: bool, coupon_code: str | None, referral_code: str
) -> str:
    """The code that still credits the advocate when the friend orders in another browser,
    without the cookie: the friend's own code when it was issued for this click (a pool or
    generated code names the advocate), else the advocate's coupon code, else their referral
    code. A campaign's shared code names nobody, so it is never the one."""
    if friend_code and per_click:
        return friend_code
    return coupon_code or referral_code
