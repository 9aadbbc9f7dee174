"""What a click keeps about the visitor: a salted IP hash and a coarse device class, nothing more."""

from __future__ import annotations

import functools
import hashlib
import hmac
import ipaddress
import re

BOT_PATTERN = re.compile(
    r"bot|crawl|spider|preview|facebookexternalhit|whatsapp|telegram|slack|discord|"
    r"embedly|linkedin|pinterest|skype|vkshare|curl|wget|python-|httpx|go-http",
    re.IGNORECASE,
)


TABLET_PATTERN = re.compile(r"ipad|tablet|kindle|silk|(android(?!.*mobile))", re.IGNORECASE)
MOBILE_PATTERN = re.compile(r"mobi|iphone|ipod|android|phone", re.IGNORECASE)


@functools.lru_cache(maxsize=4096)
def device_class(user_agent: str) -> str:
    """Link previews (WhatsApp, Facebook…) fetch every shared link: they are bots, not clicks.
    Kept per user agent: a shop's visitors bring a few hundred browsers, every click asks."""
    if not user_agent or BOT_PATTERN.search(user_agent):
        return "bot"
    if TABLET_PATTERN.search(user_agent):
        return "tablet"
    if MOBILE_PATTERN.search(user_agent):
        return "mobile"
    return "desktop"


def ip_hash(salt: str, ip: str) -> str:
    """The hash of the address's network (network_of): an IPv6 visitor is their /64, so the
    click limit, the visitor-day and the order's IP match see one home however it rotates."""
    return hmac.new(salt.encode(), network_of(ip).encode(), hashlib.sha256).hexdigest()[:32]


def visitor_key(ip_hash: str, user_agent: str) -> str:
    """One visitor: the IP hash (its salt changes daily) and the exact browser. Their repeated
    clicks on one link count once a day."""
    return hashlib.sha256(f"{ip_hash}\n{user_agent}".encode()).hexdigest()[:32]


def network_of(ip: str) -> str:
    """An IPv6 client is its /64: one line or home gets a whole /64, and could otherwise take a
    fresh address for every request. An IPv4 address (or an IPv4-mapped one) is itself."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip[:64]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)
