"""The overview's activity feed: what just happened, by person name, one line per run of alike
events ("4 rewards approved"), the newest few runs only. The dashboard is the shop's own staff's,
so an advocate shows by name (else the first part of their e-mail address), never by code."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from babel.lists import format_list

from shareback import i18n
from shareback.admin.formatting import channel
from shareback.i18n import gettext as _
from shareback.i18n import ngettext
from shareback.storage.base import Store
from shareback.storage.records import ActivityItem

READ = 60  # events read from the store to make up to GROUPS lines
GROUPS = 10
NAMES_SHOWN = 2


@dataclass
class Group:
    kind: str
    detail: str  # the order of a lone referral, the channel of a lone click, who decided a reward
    at: datetime  # the newest event's time
    first_at: datetime
    codes: list[str] = field(default_factory=list)
    count: int = 0

    def key(self) -> tuple[str, str]:
        return (self.kind, self.detail if self.kind.startswith("reward_") else "")


def group(items: list[ActivityItem], limit: int = GROUPS) -> list[Group]:
    """Consecutive events of one kind (a reward also by who decided it) become one line; newest
    first, at most `limit` lines."""
    groups: list[Group] = []
    for item in items:
        detail = item.detail
        kind_key = (item.kind, detail if item.kind.startswith("reward_") else "")
        if groups and groups[-1].key() == kind_key:
            last = groups[-1]
            last.count += 1
            last.first_at = item.at
            if item.advocate_code and item.advocate_code not in last.codes:
                last.codes.append(item.advocate_code)
            continue
        if len(groups) == limit:
            break
        groups.append(
            Group(item.kind, detail, item.at, item.at, [c for c in [item.advocate_code] if c], 1)
        )
    return groups


def person(name: str | None, email: str | None) -> str:
    """Anna de Vries; without a name, the part of the address before the @."""
    if name and name.strip():
        return name.strip()
    if email:
        return email.split("@")[0]
    return _("someone")


def names_text(names: list[str]) -> str:
    """Anna; Anna en Bram; Anna, Bram en 3 anderen."""
    if not names:
        return _("someone")
    shown = names[:NAMES_SHOWN]
    rest = len(names) - len(shown)
    if rest:
        shown.append(ngettext("%(num)s other", "%(num)s others", rest) % {"num": rest})
    return format_list(shown, locale=i18n.current_locale())


@dataclass(frozen=True)
class Line:
    kind: str
    text: str
    at: datetime
    first_at: datetime
    count: int


def line(item: Group, names: dict[str, str]) -> Line:
    people = [names.get(code, code) for code in item.codes]
    who = names_text(people)
    n = item.count
    values = {"num": n, "who": who, "detail": item.detail}
    kind = item.kind
    if kind == "joined":
        text = ngettext("%(who)s became an ambassador", "%(num)s new ambassadors: %(who)s", n)
    elif kind == "click":
        if n == 1:
            values["detail"] = channel(item.detail)
            text = _("A friend of %(who)s followed their link via %(detail)s")
        else:
            text = _("%(num)s friends followed a link of %(who)s")
    elif kind == "referral":
        text = ngettext(
            "Order %(detail)s came in via a friend of %(who)s",
            "%(num)s orders came in via friends of %(who)s",
            n,
        )
    elif kind == "referral_currency_mismatch":
        text = ngettext(
            "Order %(detail)s came in via a friend of %(who)s; no reward: it is not in the "
            "campaign's currency",
            "%(num)s orders came in via friends of %(who)s; no reward: not in the campaign's "
            "currency",
            n,
        )
    elif kind == "referral_below_minimum_order":
        text = ngettext(
            "Order %(detail)s came in via a friend of %(who)s; no reward: below the minimum order",
            "%(num)s orders came in via friends of %(who)s; no reward: below the minimum order",
            n,
        )
    elif kind == "reward_approved" and item.detail == "scheduler":
        text = ngettext(
            "Reward for %(who)s approved: the waiting period is over",
            "%(num)s rewards approved (%(who)s): the waiting period is over",
            n,
        )
    elif kind == "reward_approved":
        text = ngettext(
            "Reward for %(who)s approved by %(detail)s",
            "%(num)s rewards approved by %(detail)s (%(who)s)",
            n,
        )
    elif kind == "reward_revoked":
        text = ngettext(
            "Reward for %(who)s revoked by %(detail)s",
            "%(num)s rewards revoked by %(detail)s (%(who)s)",
            n,
        )
    elif kind == "reward_fulfilled":
        text = ngettext("Reward for %(who)s given", "%(num)s rewards given (%(who)s)", n)
    else:
        text = "%(detail)s (%(who)s)"
    return Line(kind, text % values, item.at, item.first_at, n)


async def feed(store: Store, campaign_id: int | None) -> list[Line]:
    groups = group(await store.activity(campaign_id, READ))
    names: dict[str, str] = {}
    # Only the names a line shows are looked up: at most NAMES_SHOWN per line.
    for code in {code for g in groups for code in g.codes[:NAMES_SHOWN]}:
        advocate = await store.advocate_by_code(code)
        names[code] = person(advocate.name, advocate.email) if advocate else code
    return [line(g, names) for g in groups]
