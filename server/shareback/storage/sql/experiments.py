"""Experiments in SQL: the experiment and its variants, audited status changes, exposures, and
every metric derived from the existing tables joined on the exposures (no double writing)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from shareback.experiments import variants as rules
from shareback.experiments.documents import experiment_document
from shareback.experiments.mail import invite_template
from shareback.experiments.stats import MetricSums
from shareback.mail import journeys
from shareback.storage.database import Connection, Row, db_day, db_time, from_db_time
from shareback.storage.experiment_records import (
    Experiment,
    ExperimentChange,
    ExperimentConflict,
    ExperimentDay,
    ExperimentNumbers,
    ExperimentTransition,
    NewExperiment,
    Variant,
)
from shareback.storage.records import Campaign, MailTemplate
from shareback.storage.sql.base import SqlBase
from shareback.storage.sql.outbox import enqueue

SELECT = (
    "SELECT x.*, c.slug AS campaign_slug FROM experiments x "
    "JOIN campaigns c ON c.id = x.campaign_id"
)
# The end of a window that is still open.
OPEN_END = datetime(9999, 12, 31, tzinfo=UTC)
# One row per exposed advocate: what they did after they first saw their variant.
PER_ADVOCATE = (
    "SELECT x.variant AS variant, "
    # campaign_id and type <> 'open' as in events_by_sharer, so the index answers it.
    "(SELECT COUNT(*) FROM events e WHERE e.campaign_id = ? AND e.advocate_id = x.advocate_id "
    "AND e.type <> 'open' AND e.created_at >= x.first_seen_at AND e.created_at < ?) AS shares, "
    "(SELECT COUNT(*) FROM clicks k WHERE k.advocate_id = x.advocate_id AND k.device <> 'bot' "
    "AND k.created_at >= x.first_seen_at AND k.created_at < ?) AS clicks, "
    "(SELECT COUNT(*) FROM referrals r WHERE r.advocate_id = x.advocate_id "
    "AND r.created_at >= x.first_seen_at AND r.created_at < ?) AS orders, "
    "(SELECT COALESCE(SUM(o.total_minor), 0) FROM referrals r JOIN orders o ON o.id = r.order_pk "
    "WHERE r.advocate_id = x.advocate_id AND o.status = 'paid' "
    "AND r.created_at >= x.first_seen_at AND r.created_at < ?) AS revenue, "
    "(SELECT COALESCE(SUM(w.amount_minor), 0) FROM referrals r JOIN rewards w "
    "ON w.referral_id = r.id WHERE r.advocate_id = x.advocate_id AND w.status <> 'revoked' "
    "AND r.created_at >= x.first_seen_at AND r.created_at < ?) AS cost "
    "FROM experiment_exposures x WHERE x.experiment_id = ?"
)
F = "DOUBLE PRECISION"
# Materialised: each advocate's row is computed once, not once per aggregate that reads it.
SUMS = (
    f"WITH t AS MATERIALIZED ({PER_ADVOCATE}) "
    "SELECT variant, COUNT(*) AS n, "
    "SUM(CASE WHEN shares > 0 THEN 1 ELSE 0 END) AS sharers, "
    "SUM(CASE WHEN orders > 0 THEN 1 ELSE 0 END) AS buyers, "
    + ", ".join(
        f"SUM(CAST({v} AS {F})) AS {v}_sum, SUM(CAST({v} AS {F}) * {v}) AS {v}_sq"
        for v in ("shares", "clicks", "orders", "revenue", "cost")
    )
    + f", SUM(CAST(revenue - cost AS {F})) AS net_sum, "
    f"SUM(CAST(revenue - cost AS {F}) * (revenue - cost)) AS net_sq "
    "FROM t GROUP BY variant"
)
TEXT_FIELDS = ("headline", "share_message", "channels")  # the invitation goes to mail_templates


def experiment_from_rows(row: Row, variant_rows: Sequence[Row]) -> Experiment:
    return Experiment(
        id=int(row["id"]),
        campaign_id=int(row["campaign_id"]),
        campaign_slug=row["campaign_slug"],
        name=row["name"],
        status=row["status"],
        primary_metric=row["primary_metric"],
        planned_uplift_percent=int(row["planned_uplift_percent"]),
        variants=tuple(
            Variant(v["key"], v["name"], int(v["weight"]), json.loads(v["overrides"]))
            for v in sorted(variant_rows, key=lambda v: str(v["key"]))
        ),
        created_by=row["created_by"],
        created_at=db_time(row["created_at"]),
        started_at=from_db_time(row["started_at"]),
        stopped_at=from_db_time(row["stopped_at"]),
        winner=row["winner"],
        rolled_out=bool(row["rolled_out"]),
        result=json.loads(row["result"]) if row["result"] else None,
    )


async def _load(db: Connection, where: str, params: Sequence[Any]) -> list[Experiment]:
    rows = await db.fetch(f"{SELECT} WHERE {where} ORDER BY x.id DESC", params)
    if not rows:
        return []
    ids = [int(r["id"]) for r in rows]
    variant_rows = await db.fetch(
        f"SELECT * FROM experiment_variants WHERE experiment_id IN ({', '.join('?' * len(ids))})",
        ids,
    )
    return [
        experiment_from_rows(
            r, [v for v in variant_rows if int(v["experiment_id"]) == int(r["id"])]
        )
        for r in rows
    ]


async def exposed_offer(db: Connection, campaign: Campaign, advocate_id: int) -> Campaign:
    """The offer an advocate's friends get: their variant's, when they saw one of an experiment
    not stopped; else the campaign's. The order webhook books rewards with it."""
    row = await db.fetchrow(
        "SELECT v.overrides FROM experiment_exposures e "
        "JOIN experiments x ON x.id = e.experiment_id AND x.status <> 'stopped' "
        "JOIN experiment_variants v ON v.experiment_id = e.experiment_id AND v.key = e.variant "
        "WHERE e.advocate_id = ? AND x.campaign_id = ?",
        (advocate_id, campaign.id),
    )
    return rules.apply(campaign, json.loads(row[0])) if row else campaign


class ExperimentQueries(SqlBase):
    async def create_experiment(self, new: NewExperiment) -> Experiment:
        async with self._transaction() as db:
            row = await db.fetchrow(
                "INSERT INTO experiments (campaign_id, name, status, primary_metric, "
                "planned_uplift_percent, created_by, created_at) VALUES (?, ?, 'draft', ?, ?, ?, ?) "
                "ON CONFLICT DO NOTHING RETURNING id",
                (
                    new.campaign_id,
                    new.name,
                    new.primary_metric,
                    new.planned_uplift_percent,
                    new.actor,
                    new.at,
                ),
            )
            if row is None:
                raise ExperimentConflict("the campaign already has an experiment")
            await db.executemany(
                "INSERT INTO experiment_variants (experiment_id, key, name, weight, overrides) "
                "VALUES (?, ?, ?, ?, ?)",
                [
                    (row[0], v.key, v.name, v.weight, json.dumps(dict(v.overrides)))
                    for v in new.variants
                ],
            )
            (created,) = await _load(db, "x.id = ?", (row[0],))
            return created

    async def experiment(self, experiment_id: int) -> Experiment | None:
        async with self._db.reading() as db:
            found = await _load(db, "x.id = ?", (experiment_id,))
        return found[0] if found else None

    async def experiments(self, campaign_id: int) -> list[Experiment]:
        async with self._db.reading() as db:
            return await _load(db, "x.campaign_id = ?", (campaign_id,))

    async def current_experiment(self, campaign_id: int) -> Experiment | None:
        """The campaign's experiment that is not stopped (a draft, running or paused), if any."""
        async with self._db.reading() as db:
            found = await _load(db, "x.campaign_id = ? AND x.status <> 'stopped'", (campaign_id,))
        return found[0] if found else None

    async def experiment_changes(self, experiment_id: int) -> list[ExperimentChange]:
        rows = await self._all(
            "SELECT * FROM experiment_changes WHERE experiment_id = ? ORDER BY id", (experiment_id,)
        )
        return [
            ExperimentChange(r["from_status"], r["to_status"], r["actor"], db_time(r["at"]))
            for r in rows
        ]

    async def change_experiment(
        self,
        experiment_id: int,
        to_status: str,
        actor: str,
        at: datetime,
        *,
        result: dict[str, Any] | None = None,
        winner: str | None = None,
        roll_out: bool = False,
    ) -> Experiment:
        """Start, pause, resume or stop, audited, with its event; stopping may roll the winner's
        settings out to the campaign (its offers, and its texts in campaign_copy)."""
        async with self._transaction() as db:
            found = await _load(db, "x.id = ?", (experiment_id,))
            if not found:
                raise ExperimentTransition("there is no such experiment")
            before = found[0]
            if to_status not in rules.TRANSITIONS[before.status]:
                raise ExperimentTransition(
                    f"a {before.status} experiment cannot become {to_status}"
                )
            if roll_out and (winner is None or before.variant(winner) is None):
                raise ExperimentTransition("there is no winner to roll out")
            started = before.started_at or (at if to_status == "running" else None)
            stopped = at if to_status == "stopped" else None
            await db.execute(
                "UPDATE experiments SET status = ?, started_at = ?, stopped_at = ?, winner = ?, "
                "rolled_out = ?, result = ? WHERE id = ? AND status = ?",
                (
                    to_status,
                    started,
                    stopped,
                    winner if to_status == "stopped" else None,
                    roll_out,
                    json.dumps(result) if result is not None else None,
                    experiment_id,
                    before.status,
                ),
            )
            await db.execute(
                "INSERT INTO experiment_changes (experiment_id, from_status, to_status, actor, at) "
                "VALUES (?, ?, ?, ?, ?)",
                (experiment_id, before.status, to_status, actor, at),
            )
            if roll_out and winner is not None:
                await _roll_out(db, before, winner, at)
            (after,) = await _load(db, "x.id = ?", (experiment_id,))
            if before.started_at is None and to_status == "running":
                await enqueue(
                    db, "experiment.started", {"experiment": experiment_document(after)}, at
                )
            if to_status == "stopped":
                await enqueue(
                    db, "experiment.concluded", {"experiment": experiment_document(after)}, at
                )
        if roll_out:
            self.clear_lookups()  # the campaign's offers changed
        return after

    async def expose(
        self, experiment_id: int, advocate_id: int, variant: str, at: datetime
    ) -> None:
        """The advocate saw their variant; only the first time counts."""
        async with self._db.single_write() as db:
            await db.execute(
                "INSERT INTO experiment_exposures (experiment_id, advocate_id, variant, "
                "first_seen_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (experiment_id, advocate_id, variant, at),
            )

    async def exposure(self, experiment_id: int, advocate_id: int) -> str | None:
        row = await self._one(
            "SELECT variant FROM experiment_exposures WHERE experiment_id = ? AND advocate_id = ?",
            (experiment_id, advocate_id),
        )
        return None if row is None else str(row[0])

    async def campaign_copy(self, campaign_id: int) -> dict[str, Any]:
        """The texts a rolled-out winner gave the campaign (headline, share message, …)."""
        row = await self._one(
            "SELECT overrides FROM campaign_copy WHERE campaign_id = ?", (campaign_id,)
        )
        return json.loads(row[0]) if row else {}

    async def experiment_numbers(self, experiment: Experiment) -> ExperimentNumbers:
        end = experiment.stopped_at or OPEN_END
        sums: dict[str, dict[str, MetricSums]] = {v.key: _empty() for v in experiment.variants}
        day = self.dialect.day
        async with self._db.reading() as db:
            params = (experiment.campaign_id, end, end, end, end, end, experiment.id)
            for row in await db.fetch(SUMS, params):
                sums[row["variant"]] = _metric_sums(row)
            exposed = await db.fetch(
                f"SELECT {day('first_seen_at')} AS day, variant, COUNT(*) AS n "
                "FROM experiment_exposures WHERE experiment_id = ? "
                f"GROUP BY {day('first_seen_at')}, variant",
                (experiment.id,),
            )
            ordered = await db.fetch(
                f"SELECT {day('r.created_at')} AS day, x.variant AS variant, COUNT(*) AS n "
                "FROM experiment_exposures x JOIN referrals r ON r.advocate_id = x.advocate_id "
                "AND r.created_at >= x.first_seen_at AND r.created_at < ? "
                f"WHERE x.experiment_id = ? GROUP BY {day('r.created_at')}, x.variant",
                (end, experiment.id),
            )
        counts: dict[tuple[Any, str], list[int]] = {}
        for rows, slot in ((exposed, 0), (ordered, 1)):
            for r in rows:
                counts.setdefault((db_day(r["day"]), r["variant"]), [0, 0])[slot] = int(r["n"])
        days = tuple(ExperimentDay(d, v, n[0], n[1]) for (d, v), n in sorted(counts.items()))
        return ExperimentNumbers(sums, days)


def _empty() -> dict[str, MetricSums]:
    from shareback.experiments.metrics import METRICS

    return {name: MetricSums(0, 0.0, 0.0) for name in METRICS}


def _metric_sums(row: Row) -> dict[str, MetricSums]:
    n = int(row["n"])

    def pair(name: str) -> MetricSums:
        return MetricSums(n, float(row[f"{name}_sum"] or 0), float(row[f"{name}_sq"] or 0))

    sharers, buyers = float(row["sharers"] or 0), float(row["buyers"] or 0)
    return {
        "share_rate": MetricSums(n, sharers, sharers),
        "shares": pair("shares"),
        "clicks": pair("clicks"),
        "order_rate": MetricSums(n, buyers, buyers),
        "orders": pair("orders"),
        "revenue": pair("revenue"),
        "reward_cost": pair("cost"),
        "net_revenue": pair("net"),
    }


async def _roll_out(db: Connection, experiment: Experiment, winner: str, at: datetime) -> None:
    variant = experiment.variant(winner)
    assert variant is not None
    for side in ("referrer", "friend"):
        spec = variant.overrides.get(f"{side}_reward")
        if spec:
            await db.execute(
                f"UPDATE campaigns SET {side}_reward_type = ?, {side}_reward_value = ? WHERE id = ?",
                (spec["type"], spec["value"], experiment.campaign_id),
            )
    await _roll_out_invitation(db, experiment.campaign_id, variant.overrides, at)
    texts = {k: variant.overrides[k] for k in TEXT_FIELDS if k in variant.overrides}
    if not texts:
        return
    row = await db.fetchrow(
        "SELECT overrides FROM campaign_copy WHERE campaign_id = ?", (experiment.campaign_id,)
    )
    merged = {**(json.loads(row[0]) if row else {}), **texts}
    await db.execute(
        "INSERT INTO campaign_copy (campaign_id, overrides, updated_at) VALUES (?, ?, ?) "
        "ON CONFLICT (campaign_id) DO UPDATE SET overrides = excluded.overrides, "
        "updated_at = excluded.updated_at",
        (experiment.campaign_id, json.dumps(merged), at),
    )


async def _roll_out_invitation(
    db: Connection, campaign_id: int, overrides: Mapping[str, Any], at: datetime
) -> None:
    """The winner's invitation e-mail becomes the campaign's own template, in every language
    (the dashboard's e-mail templates can change it from there)."""
    if not overrides.get("email_subject") and not overrides.get("email_body"):
        return
    own = {
        str(r["lang"]): MailTemplate(
            journeys.INVITE, r["lang"], r["subject"], r["text_body"], r["html_body"]
        )
        for r in await db.fetch(
            "SELECT * FROM mail_templates WHERE campaign_id = ? AND journey = ?",
            (campaign_id, journeys.INVITE),
        )
    }
    for lang in journeys.LANGS:
        base = own.get(lang) or journeys.DEFAULT_TEMPLATES[(journeys.INVITE, lang)]
        template = invite_template(base, overrides)
        await db.execute(
            "INSERT INTO mail_templates (campaign_id, journey, lang, subject, text_body, "
            "html_body, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (campaign_id, journey, lang) DO UPDATE SET subject = excluded.subject, "
            "text_body = excluded.text_body, html_body = excluded.html_body, "
            "updated_at = excluded.updated_at",
            (
                campaign_id,
                journeys.INVITE,
                lang,
                template.subject,
                template.text_body,
                template.html_body,
                at,
            ),
        )
