"""The dashboard's people: advocates found by name, e-mail or code, listed newest first or by
referred orders, and one advocate's profile. The search (people_search.py) is a UNION of bounded
reads, each on an index (migration 0022) or stopped by a LIMIT, so no search walks every row."""

from __future__ import annotations

from typing import Any

from shareback.people_search import (
    MAX_MATCHES,
    NAME_SCAN,
    SORTS,
    SearchTerms,
    like_anywhere,
    prefix_range,
)
from shareback.storage.database import Dialect, Row, db_int, db_time
from shareback.storage.records import Advocate, AdvocatePage, AdvocateProfile, AdvocateRow
from shareback.storage.sql.advocate_rows import advocate_from_row
from shareback.storage.sql.base import SqlBase
from shareback.storage.sql.mail import _mail_row

MAX_PROFILE_ROWS = 100


def found_advocates(
    dialect: Dialect, terms: SearchTerms, campaign_id: int | None
) -> tuple[str, list[Any]]:
    """SQL giving the ids of the advocates the search finds (some of other campaigns too: the
    caller keeps the campaign's), and its parameters. Each branch reads at most MAX_MATCHES rows:
    a range on an index (e-mail key, codes, the name's start), or the newest advocates (of the
    campaign) whose name holds the text anywhere, stopped at MAX_MATCHES."""
    branches: list[str] = []
    params: list[Any] = []
    scope = "" if campaign_id is None else " AND a.campaign_id = ?"
    scoped = [] if campaign_id is None else [campaign_id]

    def by_range(select: str, column: str, prefix: str) -> None:
        """A range on the column's own index, whatever the campaign: a campaign filter here would
        have the planner walk the whole campaign instead (the caller keeps the campaign's)."""
        bytewise = dialect.bytewise(column)
        branches.append(
            f"SELECT id FROM ({select} AND {bytewise} >= ? AND {bytewise} < ? LIMIT ?) AS m"
        )
        params.extend([*prefix_range(prefix), MAX_MATCHES])

    advocates = "SELECT a.id FROM advocates a WHERE 1 = 1"
    by_range(advocates, "a.email_key", terms.email)
    by_range(advocates, "a.code", terms.code)
    by_range(advocates, "a.coupon_code", terms.code)
    linked = "SELECT l.advocate_id AS id FROM advocate_links l WHERE 1 = 1"
    by_range(linked, "l.code", terms.code)
    friends = "SELECT f.advocate_id AS id FROM friend_codes f WHERE f.advocate_id IS NOT NULL"
    by_range(friends, "f.code_key", terms.code)
    if terms.name:
        by_range(advocates, "a.search_name", terms.name)
        branches.append(
            "SELECT id FROM (SELECT a.id FROM advocates a WHERE a.search_name LIKE ? ESCAPE '\\'"
            f"{scope} AND a.id > (SELECT MAX(n.id) FROM advocates n) - ? "
            "ORDER BY a.id DESC LIMIT ?) AS m"
        )
        params.extend([like_anywhere(terms.name), *scoped, NAME_SCAN, MAX_MATCHES])
    return " UNION ".join(branches), params


def found_orders(dialect: Dialect, terms: SearchTerms) -> tuple[str, list[Any]]:
    """The ids of the orders a referrals search finds: by the friend's e-mail or the order number."""
    bytewise = dialect.bytewise("o.email_key")
    sql = (
        f"SELECT id FROM (SELECT o.id FROM orders o WHERE {bytewise} >= ? AND {bytewise} < ? "
        "LIMIT ?) AS m UNION SELECT id FROM (SELECT o.id FROM orders o WHERE o.order_id = ? "
        "LIMIT ?) AS n"
    )
    return sql, [*prefix_range(terms.email), MAX_MATCHES, terms.order_id, MAX_MATCHES]


# What each listed advocate did; counted for the rows of one page only, each on an index.
ROW_STATS = (
    "(SELECT COUNT(*) FROM events e WHERE e.campaign_id = a.campaign_id AND e.advocate_id = a.id "
    " AND e.type <> 'open') AS shares, "
    "(SELECT COUNT(*) FROM clicks k WHERE k.advocate_id = a.id AND k.device <> 'bot') AS clicks, "
    "(SELECT COUNT(*) FROM referrals r WHERE r.advocate_id = a.id) AS referrals, "
    "(SELECT COUNT(*) FROM referrals r JOIN rewards w ON w.referral_id = r.id "
    " WHERE r.advocate_id = a.id AND w.side = 'referrer' AND w.status <> 'revoked') AS rewards, "
    "(SELECT COALESCE(SUM(w.amount_minor), 0) FROM referrals r JOIN rewards w "
    " ON w.referral_id = r.id WHERE r.advocate_id = a.id AND w.side = 'referrer' "
    " AND w.status <> 'revoked' AND w.currency = c.currency) AS rewards_minor"
)


def _row(row: Row) -> AdvocateRow:
    return AdvocateRow(
        id=row["id"],
        campaign_id=row["campaign_id"],
        campaign_slug=row["campaign_slug"],
        email=row["email"],
        name=row["name"],
        code=row["code"],
        coupon_code=row["coupon_code"],
        created_at=db_time(row["created_at"]),
        shares=db_int(row["shares"]),
        clicks=db_int(row["clicks"]),
        referrals=db_int(row["referrals"]),
        rewards=db_int(row["rewards"]),
        rewards_minor=db_int(row["rewards_minor"]),
        currency=row["currency"],
        tier=row["tier"],
    )


class PeopleQueries(SqlBase):
    async def find_advocates(
        self,
        *,
        campaign_id: int | None = None,
        search: SearchTerms | None = None,
        sort: str = "newest",
        offset: int = 0,
        limit: int = 50,
    ) -> AdvocatePage:
        if sort not in SORTS:
            raise ValueError(f"sort must be one of {SORTS}")
        clauses: list[str] = []
        params: list[Any] = []
        column = "a.id" if sort == "newest" else "r.advocate_id"
        if campaign_id is not None:
            clauses.append(f"{column[0]}.campaign_id = ?")
            params.append(campaign_id)
        capped = names_in_part = False
        if search is not None:
            # The search's few thousand ids at most, read once for the page and its counts.
            sql, found_params = found_advocates(self.dialect, search, campaign_id)
            found = [db_int(row[0]) for row in await self._all(sql, found_params)]
            capped = len(found) >= MAX_MATCHES
            if search.name is not None:
                newest = await self._one("SELECT MAX(id) FROM advocates")
                names_in_part = newest is not None and db_int(newest[0] or 0) > NAME_SCAN
            if not found:
                return AdvocatePage([], capped, names_in_part)
            clauses.append(f"{column} IN ({', '.join('?' * len(found))})")
            params += found
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        select = f"SELECT a.*, c.slug AS campaign_slug, c.currency, {ROW_STATS} "
        if sort == "newest":
            sql = (
                f"{select}FROM advocates a JOIN campaigns c ON c.id = a.campaign_id{where} "
                "ORDER BY a.id DESC LIMIT ? OFFSET ?"
            )
        else:
            # Only advocates with referred orders, read from the referrals (not every advocate).
            sql = (
                f"{select}FROM (SELECT r.advocate_id, COUNT(*) AS n FROM referrals r{where} "
                "GROUP BY r.advocate_id ORDER BY n DESC, r.advocate_id DESC LIMIT ? OFFSET ?) "
                "AS top JOIN advocates a ON a.id = top.advocate_id "
                "JOIN campaigns c ON c.id = a.campaign_id ORDER BY top.n DESC, a.id DESC"
            )
        rows = await self._all(sql, [*params, limit, offset])
        return AdvocatePage([_row(row) for row in rows], capped, names_in_part)

    async def advocate_by_email(self, campaign_id: int, email_key: str) -> Advocate | None:
        row = await self._one(
            "SELECT * FROM advocates WHERE campaign_id = ? AND email_key = ?",
            (campaign_id, email_key),
        )
        return None if row is None else advocate_from_row(row)

    async def advocate_profile(self, advocate_id: int) -> AdvocateProfile | None:
        row = await self._one(
            "SELECT a.*, c.slug AS campaign_slug FROM advocates a "
            "JOIN campaigns c ON c.id = a.campaign_id WHERE a.id = ?",
            (advocate_id,),
        )
        if row is None:
            return None
        advocate = advocate_from_row(row)
        async with self._db.reading() as db:
            links = await db.fetch(
                "SELECT code FROM advocate_links WHERE advocate_id = ? ORDER BY id LIMIT ?",
                (advocate_id, MAX_PROFILE_ROWS),
            )
            friends = await db.fetch(
                "SELECT code FROM friend_codes WHERE advocate_id = ? ORDER BY id LIMIT ?",
                (advocate_id, MAX_PROFILE_ROWS),
            )
            clicks = await db.fetch(
                "SELECT channel, COUNT(*) AS n FROM clicks WHERE advocate_id = ? "
                "AND device <> 'bot' GROUP BY channel ORDER BY n DESC, channel",
                (advocate_id,),
            )
            shares = await db.fetch(
                "SELECT COALESCE(channel, type) AS channel, COUNT(*) AS n FROM events "
                "WHERE campaign_id = ? AND advocate_id = ? AND type <> 'open' "
                "GROUP BY COALESCE(channel, type) ORDER BY n DESC, channel",
                (advocate.campaign_id, advocate_id),
            )
            mails = await db.fetch(
                "SELECT * FROM mail_messages WHERE email_key = ? ORDER BY id DESC LIMIT ?",
                (advocate.email_key, MAX_PROFILE_ROWS),
            )
        return AdvocateProfile(
            advocate=advocate,
            campaign_slug=row["campaign_slug"],
            link_codes=tuple(r["code"] for r in links),
            friend_codes=tuple(r["code"] for r in friends),
            clicks_by_channel=tuple((r["channel"], db_int(r["n"])) for r in clicks),
            shares_by_channel=tuple((r["channel"], db_int(r["n"])) for r in shares),
            mails=tuple(_mail_row(r) for r in mails),
        )
