"""Campaign rows: the default campaign, its embedding settings and look-ups."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shareback import design, rewards
from shareback.loyalty import plan
from shareback.rewards import RewardSpec
from shareback.storage.database import Connection, Row, from_db_time
from shareback.storage.records import Campaign, CampaignChanges, CampaignDraft, WidgetSighting
from shareback.storage.sql.base import SqlBase

# The snippet check writes a site's last sighting at most this often (per process, then per row).
SIGHTING_EVERY = timedelta(hours=1)


def campaign_from_row(row: Row) -> Campaign:
    currency = row["currency"]
    return Campaign(
        id=row["id"],
        slug=row["slug"],
        name=row["name"],
        shop_name=row["shop_name"],
        landing_url=row["landing_url"],
        allowed_origins=tuple(row["allowed_origins"].split()),
        referrer_reward=rewards.RewardSpec(
            row["referrer_reward_type"], row["referrer_reward_value"], currency
        ),
        friend_reward=rewards.RewardSpec(
            row["friend_reward_type"], row["friend_reward_value"], currency
        ),
        attribution_days=row["attribution_days"],
        hold_days=row["hold_days"],
        new_customers_only=bool(row["new_customers_only"]),
        starts_at=from_db_time(row["starts_at"]),
        ends_at=from_db_time(row["ends_at"]),
        archived_at=from_db_time(row["archived_at"]),
        created_at=from_db_time(row["created_at"]),
        friend_fulfilment=row["friend_fulfilment"],
        friend_code=row["friend_code"],
        friend_code_prefix=row["friend_code_prefix"],
        validation_url=row["validation_url"],
        validation_secret=row["validation_secret"],
        min_order_minor=row["min_order_minor"],
        design=design.from_json(row["design"]),
        draft=bool(row["draft"]),
        went_live_at=from_db_time(row["went_live_at"]),
        loyalty=plan.from_json(row["loyalty"], currency),
    )


class CampaignQueries(SqlBase):
    async def _insert_campaign(self, db: Connection, draft: CampaignDraft) -> bool:
        changed = await db.execute(
            "INSERT INTO campaigns (slug, name, shop_name, landing_url, allowed_origins, "
            "referrer_reward_type, referrer_reward_value, friend_reward_type, friend_reward_value, "
            "currency, attribution_days, hold_days, new_customers_only, starts_at, ends_at, created_at, "
            "friend_fulfilment, friend_code, friend_code_prefix, validation_url, validation_secret, "
            "min_order_minor, design, draft) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (slug) DO NOTHING",
            (
                draft.slug,
                draft.name,
                draft.shop_name,
                draft.landing_url,
                " ".join(draft.allowed_origins),
                draft.referrer_reward.type,
                draft.referrer_reward.value,
                draft.friend_reward.type,
                draft.friend_reward.value,
                draft.referrer_reward.currency,
                draft.attribution_days,
                draft.hold_days,
                draft.new_customers_only,
                draft.starts_at,
                draft.ends_at,
                datetime.now(UTC),
                draft.friend_fulfilment,
                draft.friend_code,
                draft.friend_code_prefix,
                draft.validation_url,
                draft.validation_secret if draft.validation_url else None,
                draft.min_order_minor,
                design.to_json(draft.design),
                draft.draft,
            ),
        )
        return changed == 1

    async def ensure_campaign(self, draft: CampaignDraft) -> Campaign:
        async with self._transaction() as db:
            await self._insert_campaign(db, draft)
        campaign = await self.campaign(draft.slug)
        assert campaign is not None
        return campaign

    async def create_campaign(self, draft: CampaignDraft) -> Campaign | None:
        async with self._transaction() as db:
            created = await self._insert_campaign(db, draft)
        return await self.campaign(draft.slug) if created else None

    async def update_campaign(self, slug: str, changes: CampaignChanges) -> Campaign | None:
        columns: dict[str, object] = {}
        for name in (
            "name",
            "shop_name",
            "landing_url",
            "attribution_days",
            "hold_days",
            "friend_fulfilment",
            "friend_code",
            "friend_code_prefix",
            "validation_url",
            "min_order_minor",
        ):
            value = getattr(changes, name)
            if value is not None:
                columns[name] = value
        if changes.allowed_origins is not None:
            columns["allowed_origins"] = " ".join(changes.allowed_origins)
        for side in ("referrer", "friend"):
            spec: RewardSpec | None = getattr(changes, f"{side}_reward")
            if spec is not None:
                columns[f"{side}_reward_type"] = spec.type
                columns[f"{side}_reward_value"] = spec.value
                columns["currency"] = spec.currency
        if changes.new_customers_only is not None:
            columns["new_customers_only"] = changes.new_customers_only
        if changes.clear_friend_code:
            columns["friend_code"] = None
        if changes.clear_validation_url:
            columns["validation_url"] = None
        for edge in ("starts_at", "ends_at"):
            moment: datetime | None = getattr(changes, edge)
            if getattr(changes, f"clear_{edge}"):
                columns[edge] = None
            elif moment is not None:
                columns[edge] = moment
        assignments = ", ".join(f"{column} = ?" for column in columns)  # names are ours
        if changes.validation_secret is not None:
            # A campaign keeps its secret: the shop's endpoint already checks with it.
            assignments += (", " if assignments else "") + (
                "validation_secret = COALESCE(validation_secret, ?)"
            )
            columns["validation_secret"] = changes.validation_secret
        if columns:
            async with self._transaction() as db:
                await db.execute(
                    f"UPDATE campaigns SET {assignments} WHERE slug = ?", (*columns.values(), slug)
                )
            self.clear_lookups()
        return await self.campaign(slug)

    async def archive_campaign(self, slug: str, at: datetime) -> Campaign | None:
        async with self._transaction() as db:
            await db.execute(
                "UPDATE campaigns SET archived_at = COALESCE(archived_at, ?) WHERE slug = ?",
                (at, slug),
            )
        self.clear_lookups()
        return await self.campaign(slug)

    async def update_campaign_design(self, slug: str, look: design.Design) -> Campaign | None:
        async with self._transaction() as db:
            await db.execute(
                "UPDATE campaigns SET design = ? WHERE slug = ?", (design.to_json(look), slug)
            )
        self.clear_lookups()
        return await self.campaign(slug)

    async def update_campaign_loyalty(
        self, slug: str, loyalty: plan.LoyaltyPlan
    ) -> Campaign | None:
        """The cap, milestones and tiers; what advocates already earned stays (a new milestone is
        awarded with the next friend, a tier follows the next order or refund)."""
        async with self._transaction() as db:
            currency = await db.fetchrow("SELECT currency FROM campaigns WHERE slug = ?", (slug,))
            if currency is None:
                return None
            await db.execute(
                "UPDATE campaigns SET loyalty = ? WHERE slug = ?",
                (plan.to_json(loyalty, currency[0]), slug),
            )
        self.clear_lookups()
        return await self.campaign(slug)

    async def go_live(self, slug: str, at: datetime) -> Campaign | None:
        """A draft goes live (once: a live campaign keeps its went_live_at)."""
        async with self._transaction() as db:
            await db.execute(
                "UPDATE campaigns SET draft = ?, went_live_at = ? WHERE slug = ? AND draft = ?",
                (False, at, slug, True),
            )
        self.clear_lookups()
        return await self.campaign(slug)

    async def record_widget_seen(self, campaign_id: int, origin: str, at: datetime) -> None:
        """The widget loaded on this site: the first time is kept, the last one moves on at
        most every SIGHTING_EVERY (the process remembers what it wrote, so most loads write
        nothing)."""
        memo = self._sightings
        key = (campaign_id, origin)
        written = memo.get(key)
        if written is not None and at - written < SIGHTING_EVERY:
            return
        if len(memo) > 10_000:
            memo.clear()
        memo[key] = at
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO widget_sightings (campaign_id, origin, first_seen_at, last_seen_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (campaign_id, origin) DO UPDATE "
                "SET last_seen_at = excluded.last_seen_at "
                "WHERE widget_sightings.last_seen_at < ?",
                (campaign_id, origin, at, at, at - SIGHTING_EVERY),
            )

    async def widget_sightings(self, campaign_id: int) -> list[WidgetSighting]:
        rows = await self._all(
            "SELECT origin, first_seen_at, last_seen_at FROM widget_sightings "
            "WHERE campaign_id = ? ORDER BY last_seen_at DESC, origin",
            (campaign_id,),
        )
        return [
            WidgetSighting(
                origin=row["origin"],
                first_seen_at=from_db_time(row["first_seen_at"]) or datetime.now(UTC),
                last_seen_at=from_db_time(row["last_seen_at"]) or datetime.now(UTC),
            )
            for row in rows
        ]

    async def campaigns(self, include_archived: bool = False) -> list[Campaign]:
        where = "" if include_archived else " WHERE archived_at IS NULL"
        rows = await self._all(f"SELECT * FROM campaigns{where} ORDER BY id")
        return [campaign_from_row(row) for row in rows]

    async def configure_campaign(
        self,
        slug: str,
        *,
        landing_url: str | None = None,
        allowed_origins: tuple[str, ...] | None = None,
        shop_name: str | None = None,
    ) -> None:
        changes = {
            "landing_url": landing_url,
            "allowed_origins": None if allowed_origins is None else " ".join(allowed_origins),
            "shop_name": shop_name,
        }
        given = {column: value for column, value in changes.items() if value is not None}
        if not given:
            return
        assignments = ", ".join(f"{column} = ?" for column in given)  # column names are ours
        async with self._transaction() as db:
            await db.execute(
                f"UPDATE campaigns SET {assignments} WHERE slug = ?", (*given.values(), slug)
            )
        self.clear_lookups()

    async def campaign(self, slug: str) -> Campaign | None:
        row = await self._one("SELECT * FROM campaigns WHERE slug = ?", (slug,))
        return campaign_from_row(row) if row else None

    async def campaign_by_id(self, campaign_id: int) -> Campaign | None:
        """Kept for a few seconds (storage/lookups.py): every click and order asks."""
        kept = self._lookups.campaigns.get(campaign_id)
        if isinstance(kept, Campaign):
            return kept
        row = await self._one("SELECT * FROM campaigns WHERE id = ?", (campaign_id,))
        if row is None:
            return None
        campaign = campaign_from_row(row)
        self._lookups.campaigns.put(campaign_id, campaign)
        return campaign

    async def embed_origins(self) -> frozenset[str]:
        rows = await self._all("SELECT allowed_origins FROM campaigns WHERE archived_at IS NULL")
        return frozenset(origin for row in rows for origin in row[0].split())
