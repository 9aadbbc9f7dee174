"""Rows of the experiment tables, as the store hands them out (storage/sql/experiments.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from shareback.experiments.stats import MetricSums


class ExperimentConflict(Exception):
    """The campaign already has an experiment that is not stopped."""


class ExperimentTransition(ValueError):
    """The experiment cannot move to that status from the one it is in."""


@dataclass(frozen=True)
class Variant:
    """One arm of an experiment: A is the control; overrides as variants.parse_overrides."""

    key: str
    name: str
    weight: int
    overrides: Mapping[str, Any]


@dataclass(frozen=True)
class NewExperiment:
    campaign_id: int
    name: str
    primary_metric: str
    planned_uplift_percent: int
    variants: tuple[Variant, ...]
    actor: str
    at: datetime


@dataclass(frozen=True)
class Experiment:
    id: int
    campaign_id: int
    campaign_slug: str
    name: str
    status: str
    primary_metric: str
    planned_uplift_percent: int
    variants: tuple[Variant, ...]
    created_by: str
    created_at: datetime
    started_at: datetime | None
    stopped_at: datetime | None
    winner: str | None
    rolled_out: bool
    result: dict[str, Any] | None

    def variant(self, key: str) -> Variant | None:
        return next((v for v in self.variants if v.key == key), None)


@dataclass(frozen=True)
class ExperimentChange:
    from_status: str
    to_status: str
    actor: str
    at: datetime


@dataclass(frozen=True)
class ExperimentDay:
    """One day of one variant: advocates first exposed, and friends' orders they brought."""

    day: date
    variant: str
    exposures: int
    orders: int


@dataclass(frozen=True)
class ExperimentNumbers:
    """Every metric of every variant, over its exposed advocates (experiments/metrics.py)."""

    sums: dict[str, dict[str, MetricSums]] = field(default_factory=dict)  # variant → metric →
    days: tuple[ExperimentDay, ...] = ()
