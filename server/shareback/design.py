"""A campaign's widget design: its colours, corner radius, launcher and texts, the rules each
setting obeys (with the one wording of each problem) and what the widget is sent of it.
Pure: no Starlette, no storage."""

from __future__ import annotations

import functools
import json
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from shareback.campaigns import InvalidCampaign
from shareback.i18n import PUBLIC_LOCALES

COLOUR = re.compile(r"^#[0-9a-f]{6}$")
COLOURS = ("accent", "accent_text", "bg", "text")
POSITIONS = ("end", "start")
MAX_RADIUS = 32
MAX_LIFT = 240
MAX_DISMISS_DAYS = 365
MAX_PATTERNS = 20
MAX_PATTERN = 100
# A path as browsers show it, and * for "anything here": /checkout*, /products/*/reviews.
PATTERN = re.compile(r"^/[A-Za-z0-9/_.~%*+,;=:@!$'()-]*$")
LANGS = PUBLIC_LOCALES
# The texts an owner may word, each with the placeholders it may use and its longest length.
TEXTS: dict[str, tuple[tuple[str, ...], int]] = {
    "headline": (("friend", "referrer", "shop"), 80),
    "offer": (("friend", "referrer", "shop"), 160),
    "share": (("friend", "shop"), 240),
    "subject": (("friend", "shop"), 120),
}
# What a colour field is called in a problem's message.
COLOUR_NAMES = {
    "accent": "the button colour",
    "accent_text": "the button text colour",
    "bg": "the background",
    "text": "the text colour",
}


@dataclass(frozen=True)
class Design:
    """None (or empty) is "not set": the widget's own default, or the host page's
    --shareback-* custom properties, and the wording of shareback/wording.py."""

    accent: str | None = None
    accent_text: str | None = None
    bg: str | None = None
    text: str | None = None
    radius: int | None = None
    position: str = "end"  # "end": bottom right on left-to-right pages; "start": bottom left
    lift: int = 0  # px above the bottom edge, to clear a shop's own bottom bar
    hidden_paths: tuple[str, ...] = ()
    collapse: bool = True  # an icon only, under 480px wide
    dismiss_days: int | None = 7  # None: no hide button; 0: hidden until the tab closes
    texts: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def text_for(self, lang: str, name: str) -> str | None:
        return self.texts.get(lang, {}).get(name) or None


DEFAULT = Design()
# The demo shop's look (examples/shop/assets/shop.css): Brandpunt Koffie is brown; its floating
# button stays off the cart and the checkout.
DEMO = Design(
    accent="#9a4320",
    accent_text="#fffaf3",
    bg="#fffcf7",
    text="#2b1d16",
    radius=14,
    hidden_paths=("/cart", "/checkout*"),
)


def look_of(shop: Design) -> Design:
    """What a new campaign takes from the shop's default campaign: its look, not its texts
    (they speak of that campaign's offer)."""
    return replace(shop, texts={})


def colour(name: str, value: str) -> str | None:
    found = value.strip().lower()
    if not found:
        return None
    if len(found) == 4 and re.fullmatch(r"#[0-9a-f]{3}", found):
        found = "#" + "".join(c * 2 for c in found[1:])
    if not COLOUR.fullmatch(found):
        raise InvalidCampaign(
            name, f"Give {COLOUR_NAMES[name]} as # and six hex digits, such as #9a4320."
        )
    return found


def whole(name: str, value: int | None, highest: int, what: str) -> int:
    """None is what an adapter passes for input that is no whole number at all."""
    if value is None or not 0 <= value <= highest:
        raise InvalidCampaign(name, f"Enter {what} as a whole number from 0 to {highest}.")
    return value


def radius(value: int | None) -> int:
    return whole("radius", value, MAX_RADIUS, "the corner radius in pixels")


def lift(value: int | None) -> int:
    return whole("lift", value, MAX_LIFT, "the distance from the bottom in pixels")


def dismiss_days(value: int | None) -> int:
    return whole("dismiss_days", value, MAX_DISMISS_DAYS, "the days the button stays hidden")


def position(value: str) -> str:
    if value not in POSITIONS:
        raise InvalidCampaign("position", "Choose bottom right or bottom left.")
    return value


def hidden_paths(lines: str) -> tuple[str, ...]:
    """One page address per line, such as /checkout* or /cart; * stands for anything."""
    found = tuple(dict.fromkeys(line.strip() for line in lines.splitlines() if line.strip()))
    if len(found) > MAX_PATTERNS:
        raise InvalidCampaign("hidden_paths", f"At most {MAX_PATTERNS} pages, one per line.")
    for path in found:
        if len(path) > MAX_PATTERN or not PATTERN.fullmatch(path):
            shown = path[:40] + "..." if len(path) > 43 else path
            raise InvalidCampaign(
                "hidden_paths",
                f"“{shown}” is not a page address: start with /, without the domain, spaces, "
                "? or #, such as /checkout* (* stands for anything).",
            )
    return found


def paths_pattern(paths: tuple[str, ...]) -> str | None:
    """The one regular expression the widget tests location.pathname with: a whole match, a
    trailing slash allowed, * as anything (slashes too)."""
    if not paths:
        return None
    parts = ("".join(".*" if c == "*" else re.escape(c) for c in path) for path in paths)
    return "^(?:" + "|".join(parts) + ")/?$"


def wording(name: str, lang: str, value: str) -> str | None:
    """An owner's text: one line, within its length, with only its own placeholders."""
    found = " ".join(value.split())
    if not found:
        return None
    allowed, longest = TEXTS[name]
    key = f"{name}_{lang}"
    if len(found) > longest:
        raise InvalidCampaign(key, f"Keep it to {longest} characters.")
    if not found.isprintable():
        raise InvalidCampaign(key, "Leave out control characters.")
    named = ", ".join("{" + p + "}" for p in allowed)
    try:
        fields = [(p, spec or conv) for _, p, spec, conv in string.Formatter().parse(found)]
    except ValueError:
        raise InvalidCampaign(
            key, f"A {{ or }} is not closed; the placeholders you can use are {named}."
        ) from None
    for placeholder, extra in fields:
        if placeholder is not None and (placeholder not in allowed or extra):
            raise InvalidCampaign(
                key, f"{{{placeholder}}} is not a placeholder here; you can use {named}."
            )
    return found


def fill(template: str, values: Mapping[str, str]) -> str:
    """A text checked by wording() (or one of ours) with its placeholders filled in."""
    return template.format_map({k: values.get(k, "") for k in ("friend", "referrer", "shop")})


def widget_design(design: Design) -> dict[str, Any]:
    """What the widget's config call carries: theme values as CSS custom properties
    (--sb-accent…, set in its shadow root), the launcher's place and the pages without it."""
    theme: dict[str, str] = {
        name.replace("_", "-"): value
        for name in COLOURS
        if (value := getattr(design, name)) is not None
    }
    if design.radius is not None:
        theme["radius"] = f"{design.radius}px"
    if design.lift:
        theme["lift"] = f"{design.lift}px"
    return {
        "theme": theme,
        "position": design.position,
        "hide": paths_pattern(design.hidden_paths),
        "collapse": design.collapse,
        "dismiss": design.dismiss_days,
    }


# Stored as one JSON document per campaign (campaigns.design).
def to_json(design: Design) -> str:
    document: dict[str, Any] = {
        name: getattr(design, name)
        for name in (*COLOURS, "radius", "position", "lift", "collapse", "dismiss_days")
    }
    document["hidden_paths"] = list(design.hidden_paths)
    document["texts"] = {lang: dict(texts) for lang, texts in design.texts.items() if texts}
    return json.dumps(document, sort_keys=True, ensure_ascii=False)


@functools.lru_cache(maxsize=256)
def from_json(raw: str | None) -> Design:
    """A stored document back; anything missing is the default (older rows hold '{}'). Kept
    per document: every widget call reads its campaign's row."""
    try:
        document = json.loads(raw or "{}")
    except ValueError:
        return DEFAULT
    if not isinstance(document, dict):
        return DEFAULT
    known = {k: v for k, v in document.items() if k in Design.__dataclass_fields__}
    if "hidden_paths" in known:
        known["hidden_paths"] = tuple(known["hidden_paths"])
    if "texts" in known:
        known["texts"] = {
            lang: {k: str(v) for k, v in texts.items() if k in TEXTS}
            for lang, texts in known["texts"].items()
            if lang in LANGS and isinstance(texts, dict)
        }
    return replace(DEFAULT, **known)
