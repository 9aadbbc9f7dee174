"""A contest as the public sees it: one JSON document for the owner's API, the dashboard and the
widget, with masked names only (contests.shown_name), and the widget's copy cached for a few
seconds so that a busy shop's every widget open does not recount the contest's referrals."""

from __future__ import annotations

import time
from datetime import datetime, tzinfo
from typing import Any

from shareback import contests, formats, times
from shareback.contests import Standing
from shareback.i18n import gettext as _
from shareback.i18n import ngettext, use_locale
from shareback.storage.base import Store
from shareback.storage.contest_records import Contest, ContestEntries

FRESH_SECONDS = 15.0
MAX_CACHED = 256


def standings(entries: ContestEntries) -> list[Standing]:
    return contests.rank(entries.entries)


def contest_document(
    contest: Contest,
    entries: ContestEntries,
    now: datetime,
    *,
    places: int = contests.SHOWN,
    advocate_id: int | None = None,
) -> dict[str, Any]:
    ranked = standings(entries)
    settled = contest.settled_at is not None
    document: dict[str, Any] = {
        "id": contest.id,
        "campaign": contest.campaign_slug,
        "name": contest.name,
        "starts_at": times.rfc3339(contest.starts_at),
        "ends_at": times.rfc3339(contest.ends_at),
        "state": "cancelled"
        if contest.cancelled_at is not None
        else contests.state(now, contest.starts_at, contest.ends_at, settled),
        "settled_at": times.rfc3339_or_none(contest.settled_at),
        "prizes": [p.to_json() for p in contest.prizes],
        "entrants": len(ranked),
        "leaders": [
            {"rank": s.rank, "name": s.shown_name, "friends": s.friends} for s in ranked[:places]
        ],
    }
    if advocate_id is not None:
        mine = next((s for s in ranked if s.advocate_id == advocate_id), None)
        document["you"] = None if mine is None else {"rank": mine.rank, "friends": mine.friends}
    return document


def contest_words(
    document: dict[str, Any] | None, lang: str, zone: tzinfo
) -> dict[str, Any] | None:
    """The board as the advocate's page and the widget's account view show it, worded in `lang`:
    the widget carries no language of its own."""
    if document is None:
        return None
    with use_locale(lang):
        you = document.get("you")
        if you is None:
            you_text = _("Bring a friend to get on the board.")
        else:
            you_text = ngettext(
                "You are number %(rank)s, with %(n)s friend.",
                "You are number %(rank)s, with %(n)s friends.",
                you["friends"],
            ) % {"rank": you["rank"], "n": you["friends"]}
        ends = datetime.fromisoformat(document["ends_at"])
        return {
            "title": document["name"],
            "state": document["state"],
            "ends_text": _("Ends %(moment)s") % {"moment": formats.moment(ends, lang, zone)}
            if document["state"] in ("upcoming", "running")
            else _("Final standings"),
            "you_text": you_text,
            "leaders": [
                {
                    "rank": leader["rank"],
                    "name": leader["name"],
                    "friends_text": ngettext("%(n)s friend", "%(n)s friends", leader["friends"])
                    % {"n": leader["friends"]},
                }
                for leader in document["leaders"]
            ],
        }


class Boards:
    """The widget's contest, per campaign, for FRESH_SECONDS: its standings move with referrals,
    which are minutes apart, while the widget opens many times a second on a busy shop."""

    def __init__(self) -> None:
        self._kept: dict[int, tuple[float, Contest | None, ContestEntries | None]] = {}

    def forget(self, campaign_id: int) -> None:
        """A contest made or cancelled here is in force here at once (elsewhere within
        FRESH_SECONDS)."""
        self._kept.pop(campaign_id, None)

    async def widget_contest(
        self,
        store: Store,
        campaign_id: int,
        advocate_id: int | None,
        now: datetime,
        *,
        fresh: bool = False,
    ) -> dict[str, Any] | None:
        """fresh: counted now (the advocate's own page, opened seldom, must show the friend who
        just ordered); the widget's every open may show a board up to FRESH_SECONDS old."""
        kept = self._kept.get(campaign_id)
        if fresh or kept is None or kept[0] < time.monotonic():
            contest = await store.current_contest(campaign_id, now)
            entries = None if contest is None else await store.contest_entries(contest)
            if len(self._kept) >= MAX_CACHED:
                self._kept.clear()
            kept = (time.monotonic() + FRESH_SECONDS, contest, entries)
            self._kept[campaign_id] = kept
        _, contest, entries = kept
        if (
            contest is None
            or entries is None
            or not contests.shown_to_shoppers(
                contest.starts_at, contest.cancelled_at is not None, contest.settled_at, now
            )
        ):
            return None
        document = contest_document(contest, entries, now, advocate_id=advocate_id)
        document.setdefault("you", None)  # the widget always has the field: null, not on view
        return document
