"""What a click keeps about the visitor: a salted IP hash and a coarse device class, nothing more."""

from __future__ import annotations

import functools
import hashlib
import ipaddress

from shareback.in_app import in_app_browser
from shareback.keyed_hash import hmac_sha256_hex

# Words in a lowercased user agent. Plain substring tests: a case-insensitive regular expression
# of twenty alternatives took ~100 µs a user agent, a fifth of a click's CPU (bench/README.md).
BOT_WORDS = (
    "bot", "crawl", "spider", "preview", "facebookexternalhit", "whatsapp", "telegram", "slack",
    "discord", "embedly", "linkedin", "pinterest", "skype", "vkshare", "curl", "wget", "python-",
    "httpx", "go-http",
)  # fmt: skip
TABLET_WORDS = ("ipad", "tablet", "kindle", "silk")
MOBILE_WORDS = ("mobi", "iphone", "ipod", "android", "phone")

# The fetchers that draw a link's preview card in a chat or a feed. Other bots (curl, scripts)
# are sent on like people, and counted apart as bots all the same.
PREVIEW_WORDS = (
    "whatsapp", "facebookexternalhit", "facebot", "twitterbot", "linkedinbot", "telegrambot",
    "slackbot", "discordbot", "pinterest", "skypeuripreview", "vkshare", "embedly", "redditbot",
    "mastodon", "iframely", "bingpreview", "applebot", "snapchat", "viber",
)  # fmt: skip


def _has_any(text: str, words: tuple[str, ...]) -> bool:
    return any(word in text for word in words)


def is_link_preview(user_agent: str) -> bool:
    return _has_any(user_agent.lower(), PREVIEW_WORDS)


@functools.lru_cache(maxsize=4096)
def device_class(user_agent: str) -> str:
    """Link previews (WhatsApp, Facebook…) fetch every shared link: they are bots, not clicks.
    Kept per user agent: a shop's visitors bring a few hundred browsers, every click asks."""
    agent = user_agent.lower()
    # LinkedIn's in-app browser says "[LinkedInApp]": a person in the app, not its preview bot.
    if not agent or (_has_any(agent, BOT_WORDS) and in_app_browser(agent) is None):
        return "bot"
    if _has_any(agent, TABLET_WORDS) or _android_tablet(agent):
        return "tablet"
    if _has_any(agent, MOBILE_WORDS):
        return "mobile"
    return "desktop"


def _android_tablet(agent: str) -> bool:
    """Android without "mobile" after it: Android tablets leave the word out."""
    at = agent.rfind("android")
    return at >= 0 and "mobile" not in agent[at:]


def ip_hash(salt: str, ip: str) -> str:
    """The hash of the address's network (network_of): an IPv6 visitor is their /64, so the
    click limit, the visitor-day and the order's IP match see one home however it rotates."""
    return hmac_sha256_hex(salt.encode(), network_of(ip).encode())[:32]


def visitor_key(ip_hash: str, user_agent: str) -> str:
    """One visitor: the IP hash (its salt changes daily) and the exact browser. Their repeated
    clicks on one link count once a day."""
    return hashlib.sha256(f"{ip_hash}\n{user_agent}".encode()).hexdigest()[:32]


def network_of(ip: str) -> str:
    """An IPv6 client is its /64: one line or home gets a whole /64, and could otherwise take a
    fresh address for every request. An IPv4 address (or an IPv4-mapped one) is itself."""
    if _plain_ipv4(ip):
        return ip
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip[:64]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _plain_ipv4(ip: str) -> bool:
    """A dotted quad written as ipaddress writes it (no leading zeros): itself, without parsing
    it into an address object (a few µs on every request that counts a client)."""
    parts = ip.split(".")
    return len(parts) == 4 and all(
        0 < len(p) <= 3
        and p.isascii()
        and p.isdigit()
        and (p == "0" or p[0] != "0")
        and int(p) < 256
        for p in parts
    )
