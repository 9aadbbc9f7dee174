"""The advocates and referrals pages' query strings, read once for each page and its CSV download:
only values the pages offer, anything else a 4xx page saying what to change."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from shareback import numbers, tokens
from shareback.admin import ranges
from shareback.admin.render import PageError
from shareback.channels import CHANNELS
from shareback.i18n import gettext as _
from shareback.people_search import MAX_SEARCH, ORDER_STATES, SORTS, has_control_characters
from shareback.storage.base import Campaign, Store

PAGE_SIZE = 50
MAX_PAGE = 200  # 10,000 advocates deep: further than that, a search finds them faster


def href(path: str, query: str) -> str:
    return f"{path}?{query}" if query else path


def bad_query(message: str) -> PageError:
    return PageError(400, _("This list cannot be shown"), message)


def search_text(query: Mapping[str, str]) -> str | None:
    text = (query.get("q") or "").strip()
    if len(text) > MAX_SEARCH:
        raise bad_query(_("Search for at most %(n)s characters.") % {"n": MAX_SEARCH})
    if has_control_characters(text):
        raise bad_query(_("The search holds characters that cannot be typed. Search again."))
    return text or None


async def chosen_campaign(store: Store, query: Mapping[str, str]) -> Campaign | None:
    slug = (query.get("campaign") or "").strip()
    if not slug:
        return None
    campaign = await store.campaign(slug) if len(slug) <= 64 and slug.isprintable() else None
    if campaign is None:
        raise PageError(
            404,
            _("There is no such campaign"),
            _("No campaign has that name in its address. Pick one from the list."),
        )
    return campaign


def choice(query: Mapping[str, str], name: str, allowed: tuple[str, ...] | frozenset[str]) -> str:
    value = query.get(name) or ""
    if value and value not in allowed:
        raise bad_query(_("That filter is not one the list offers. Pick one from the list."))
    return value


@dataclass(frozen=True)
class AdvocateQuery:
    search: str | None
    campaign: Campaign | None
    sort: str  # newest, referred
    page: int  # from 1

    def link(self, **changes: str | int | None) -> str:
        """This list's query string with some values changed; defaults left out."""
        values: dict[str, str | int | None] = {
            "q": self.search,
            "campaign": self.campaign.slug if self.campaign else None,
            "sort": None if self.sort == "newest" else self.sort,
            "page": None if self.page == 1 else self.page,
        }
        values.update(changes)
        if values["page"] == 1:
            values["page"] = None
        if values["sort"] == "newest":
            values["sort"] = None
        return urlencode({k: v for k, v in values.items() if v not in (None, "")})


async def advocate_query(store: Store, query: Mapping[str, str]) -> AdvocateQuery:
    raw_page = query.get("page") or "1"
    page = numbers.whole_number(raw_page, MAX_PAGE)
    if page is None or page < 1:
        raise bad_query(
            _("Pages go from 1 to %(max)s. To find someone further down, search for them.")
            % {"max": MAX_PAGE}
        )
    return AdvocateQuery(
        search=search_text(query),
        campaign=await chosen_campaign(store, query),
        sort=choice(query, "sort", SORTS) or "newest",
        page=page,
    )


# The referrals list's channels: the links' channels and "code" (typed at the checkout).
REFERRAL_CHANNELS = frozenset(CHANNELS)


@dataclass(frozen=True)
class ReferralQuery:
    search: str | None
    campaign: Campaign | None
    status: str | None
    channel: str | None
    first: str | None  # the range as typed (YYYY-MM-DD), for the form and links
    last: str | None
    since: datetime | None
    until: datetime | None
    before: int | None

    def link(self, **changes: str | int | None) -> str:
        values: dict[str, str | int | None] = {
            "q": self.search,
            "campaign": self.campaign.slug if self.campaign else None,
            "status": self.status,
            "channel": self.channel,
            "from": self.first,
            "to": self.last,
            "before": self.before,
        }
        values.update(changes)
        return urlencode({k: v for k, v in values.items() if v not in (None, "")})


def date_range(
    query: Mapping[str, str],
) -> tuple[str | None, str | None, datetime | None, datetime | None]:
    """?from=&to= as shop days (admin/ranges.py); neither: every referral."""
    first = (query.get("from") or "").strip() or None
    last = (query.get("to") or "").strip() or None
    if first is None and last is None:
        return None, None, None, None
    chosen, problem = ranges.parse_range(first, last, tokens.now_utc().date())
    if problem is not None:
        raise bad_query(
            _("Give dates as YYYY-MM-DD, the first on or before the last, at most two years apart.")
        )
    return first, last, chosen.start, chosen.end


async def referral_query(store: Store, query: Mapping[str, str]) -> ReferralQuery:
    raw_before = query.get("before")
    before = numbers.row_id(raw_before) if raw_before else None
    if raw_before and before is None:
        raise bad_query(_("That page of the list does not exist. Start from the newest."))
    first, last, since, until = date_range(query)
    return ReferralQuery(
        search=search_text(query),
        campaign=await chosen_campaign(store, query),
        status=choice(query, "status", ORDER_STATES) or None,
        channel=choice(query, "channel", REFERRAL_CHANNELS) or None,
        first=first,
        last=last,
        since=since,
        until=until,
        before=before,
    )
