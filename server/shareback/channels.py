"""The share channels a click or a share can be attributed to."""

from __future__ import annotations

SHARE_TARGETS = ("whatsapp", "facebook", "x", "linkedin", "telegram", "email", "sms")
CHANNELS = frozenset((*SHARE_TARGETS, "messenger", "copy", "native", "qr", "link", "code"))
EVENT_TYPES = frozenset(("open", "share", "copy", "qr", "native"))


def channel_or_link(raw: str | None) -> str:
    """Unknown or missing ?ch= values count as a plain link click, never as a new channel."""
    value = (raw or "").strip().lower()
    return value if value in CHANNELS else "link"
