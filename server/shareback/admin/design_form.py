"""The designer's form: its values from a design, and every field checked by the rules of
shareback/design.py, with the problem beside the field (or, for the live preview, the last good
value kept while the owner is still typing)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from shareback import design, numbers
from shareback.campaigns import InvalidCampaign
from shareback.design import Design

T = TypeVar("T")
TEXT_FIELDS = tuple(f"{name}_{lang}" for lang in design.LANGS for name in design.TEXTS)
FIELDS = (
    *design.COLOURS,
    "radius",
    "position",
    "lift",
    "hidden_paths",
    "collapse",
    "dismissible",
    "dismiss_days",
    *TEXT_FIELDS,
)
CHECKBOXES = ("collapse", "dismissible")
# Longest input any field takes before it is cut (the rules then say what is too long).
MAX_INPUT = design.MAX_PATTERNS * (design.MAX_PATTERN + 2) + 100


def design_values(look: Design) -> dict[str, str]:
    values = {name: getattr(look, name) or "" for name in design.COLOURS}
    values.update(
        radius="" if look.radius is None else str(look.radius),
        position=look.position,
        lift=str(look.lift),
        hidden_paths="\n".join(look.hidden_paths),
        collapse="on" if look.collapse else "",
        dismissible="on" if look.dismiss_days is not None else "",
        dismiss_days=str(
            design.DEFAULT.dismiss_days if look.dismiss_days is None else look.dismiss_days
        ),
    )
    for lang in design.LANGS:
        for name in design.TEXTS:
            values[f"{name}_{lang}"] = look.text_for(lang, name) or ""
    return values


def submitted_values(form: Mapping[str, Any]) -> dict[str, str]:
    """What the form (or the preview's query) holds; unchecked boxes are simply missing."""
    values = {name: str(form.get(name, ""))[:MAX_INPUT] for name in FIELDS}
    for box in CHECKBOXES:
        values[box] = "on" if values[box] else ""
    return values


def parse(
    values: Mapping[str, str], fallback: Design | None = None
) -> tuple[Design, dict[str, str]]:
    """The design the values describe and each field's problem. With a fallback (the preview),
    a field that does not check out takes the fallback's value and no problem is reported."""
    errors: dict[str, str] = {}
    keep = fallback or design.DEFAULT

    def check(kept: T, rule: Callable[..., T], *args: Any) -> T:
        try:
            return rule(*args)
        except InvalidCampaign as problem:
            if fallback is None:
                errors[problem.field] = problem.message
            return kept

    def number(name: str) -> int | None:
        return numbers.whole_number(values[name].strip())

    colours = {
        name: check(getattr(keep, name), design.colour, name, values[name])
        for name in design.COLOURS
    }
    radius = None
    if values["radius"].strip():
        radius = check(keep.radius, design.radius, number("radius"))
    position = check(keep.position, design.position, values["position"])
    lift = check(keep.lift, design.lift, number("lift")) if values["lift"].strip() else 0
    paths = check(keep.hidden_paths, design.hidden_paths, values["hidden_paths"])
    days: int | None = None
    if values["dismissible"]:
        days = check(keep.dismiss_days or 0, design.dismiss_days, number("dismiss_days"))
    texts: dict[str, dict[str, str]] = {}
    for lang in design.LANGS:
        for name in design.TEXTS:
            kept = keep.text_for(lang, name)
            found = check(kept, design.wording, name, lang, values[f"{name}_{lang}"])
            if found:
                texts.setdefault(lang, {})[name] = found
    look = Design(
        **colours,
        radius=radius,
        position=position,
        lift=lift,
        hidden_paths=paths,
        collapse=bool(values["collapse"]),
        dismiss_days=days,
        texts=texts,
    )
    return look, errors
