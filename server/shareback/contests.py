"""Contests: a campaign's time-boxed leaderboard, the names it may show, its prizes and when they
are settled. Pure: the store counts each advocate's successful friends inside the contest's
window, these rules rank them, mask their names and say who wins what."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from shareback import wording
from shareback.rewards import InvalidReward, RewardSpec

MAX_NAME = 80
MAX_PRIZES = 10  # ranks with a prize; a leaderboard shows more
MAX_DAYS = 366
SHOWN = 10  # places a leaderboard shows
# A nickname: letters (any script), digits, spaces and a few marks; never an address or a link.
NICKNAME = re.compile(r"^[\w .'\-]{2,24}$")
LOOKS_LIKE_CONTACT = re.compile(r"@|https?:|www\.|\.(com|nl|de|fr|net|org|be)\b", re.IGNORECASE)


class InvalidContest(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Prize:
    """The reward for one place on the final leaderboard (1 is the first)."""

    rank: int
    reward: RewardSpec

    def to_json(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "type": self.reward.type,
            "value": self.reward.value,
            "currency": self.reward.currency,
        }


@dataclass(frozen=True)
class ContestPlan:
    """What the owner asks for; checked before it is stored."""

    name: str
    starts_at: datetime
    ends_at: datetime
    prizes: tuple[Prize, ...]


@dataclass(frozen=True)
class Entry:
    """One advocate's standing facts: successful friends referred inside the window, and when
    the last of them came (who got there first wins a tie)."""

    advocate_id: int
    friends: int
    reached_at: datetime
    name: str | None
    nickname: str | None


@dataclass(frozen=True)
class Standing:
    rank: int
    advocate_id: int
    friends: int
    shown_name: str


def parse_plan(
    name: object, starts_at: object, ends_at: object, prizes: object, currency: str
) -> ContestPlan:
    """A contest from the form's or the API's fields, or InvalidContest naming the field."""
    if not isinstance(name, str) or not name.strip():
        raise InvalidContest("name", "A contest needs a name.")
    if len(name.strip()) > MAX_NAME:
        raise InvalidContest("name", f"A contest's name has at most {MAX_NAME} characters.")
    start = _moment("starts_at", starts_at)
    end = _moment("ends_at", ends_at)
    if end <= start:
        raise InvalidContest("ends_at", "A contest ends after it starts.")
    if end - start > timedelta(days=MAX_DAYS):
        raise InvalidContest("ends_at", f"A contest lasts at most {MAX_DAYS} days.")
    if not isinstance(prizes, list) or not prizes:
        raise InvalidContest("prizes", "A contest needs at least one prize.")
    if len(prizes) > MAX_PRIZES:
        raise InvalidContest("prizes", f"A contest has at most {MAX_PRIZES} prizes.")
    parsed: list[Prize] = []
    for place, item in enumerate(prizes, start=1):
        if not isinstance(item, dict):
            raise InvalidContest("prizes", "Each prize is an object with a type and a value.")
        kind, value = item.get("type"), item.get("value")
        if not isinstance(kind, str) or not isinstance(value, str):
            raise InvalidContest("prizes", f"Prize {place} needs a type and a value (text).")
        if kind in ("percent_discount", "fixed_discount"):
            raise InvalidContest("prizes", "A prize is something given: not a friend's discount.")
        try:
            spec = RewardSpec(kind, value.strip(), currency)
        except InvalidReward as exc:
            raise InvalidContest("prizes", f"Prize {place}: {exc}.") from None
        parsed.append(Prize(place, spec))
    return ContestPlan(name.strip(), start, end, tuple(parsed))


def _moment(field: str, value: object) -> datetime:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise InvalidContest(field, f"{field} must be a date and time (ISO 8601).") from None
    else:
        raise InvalidContest(field, f"{field} must be a date and time (ISO 8601).")
    if moment.tzinfo is None:
        raise InvalidContest(field, f"{field} needs a time zone (…Z or +01:00).")
    return moment


def prizes_to_json(prizes: Sequence[Prize]) -> str:
    return json.dumps([p.to_json() for p in prizes], separators=(",", ":"))


def prizes_from_json(text: str) -> tuple[Prize, ...]:
    return tuple(
        Prize(int(item["rank"]), RewardSpec(item["type"], item["value"], item["currency"]))
        for item in json.loads(text)
    )


def check_nickname(nickname: str) -> str:
    """A nickname the advocate picks for leaderboards, or InvalidContest: shown to strangers, so
    never an e-mail address, a link or control characters."""
    cleaned = unicodedata.normalize("NFC", " ".join(nickname.split()))
    if not NICKNAME.match(cleaned) or LOOKS_LIKE_CONTACT.search(cleaned):
        raise InvalidContest(
            "nickname",
            "A nickname has 2 to 24 letters, digits, spaces or . ' - and is not an address.",
        )
    return cleaned


def shown_name(name: str | None, nickname: str | None) -> str:
    """What a leaderboard shows of a person: their nickname, else the checkout look-up's masked
    name ("Anna d. V.", wording.display_name), else "—"; never the e-mail address."""
    if nickname:
        return nickname
    words = [w for w in (name or "").split() if not LOOKS_LIKE_CONTACT.search(w)]
    return wording.display_name(" ".join(words)) or "—"


def rank(entries: Sequence[Entry]) -> list[Standing]:
    """Most friends first; a tie goes to whoever reached that count first, then the older
    advocate. Places are unique (1, 2, 3…), so every prize has exactly one winner."""
    ordered = sorted(
        (e for e in entries if e.friends > 0),
        key=lambda e: (-e.friends, e.reached_at, e.advocate_id),
    )
    return [
        Standing(place, e.advocate_id, e.friends, shown_name(e.name, e.nickname))
        for place, e in enumerate(ordered, start=1)
    ]


def winners(standings: Sequence[Standing], prizes: Sequence[Prize]) -> list[tuple[Prize, Standing]]:
    by_rank = {s.rank: s for s in standings}
    return [(p, by_rank[p.rank]) for p in prizes if p.rank in by_rank]


def settles_at(ends_at: datetime, hold_days: int) -> datetime:
    """Prizes are given once the contest's last referrals are past the campaign's hold period:
    a friend's refund inside it still moves the leaderboard, and no prize is clawed back for it."""
    return ends_at + timedelta(days=hold_days)


def state(now: datetime, starts_at: datetime, ends_at: datetime, settled: bool) -> str:
    if settled:
        return "settled"
    if now < starts_at:
        return "upcoming"
    if now < ends_at:
        return "running"
    return "counting"  # ended, waiting for the hold period before the prizes


AFTER_SETTLED = timedelta(days=7)  # the final standings stay on view this long


def shown_to_shoppers(
    starts_at: datetime, cancelled: bool, settled_at: datetime | None, now: datetime
) -> bool:
    """Shoppers see a contest from its start until a week after its prizes are given."""
    if cancelled or now < starts_at:
        return False
    return settled_at is None or now < settled_at + AFTER_SETTLED
