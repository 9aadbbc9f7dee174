"""An experiment's numbers turned into its verdict: the primary metric decides, every metric gets
its intervals (stats.py). Pure; the dashboard and the API word and show it."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from shareback.experiments.metrics import METRICS
from shareback.experiments.stats import Rules, Verdict, decide
from shareback.storage.experiment_records import Experiment, ExperimentNumbers


@dataclass(frozen=True)
class Analysis:
    primary: Verdict
    metrics: dict[str, Verdict]  # every metric, the primary one included
    days_running: float


def days_running(experiment: Experiment, now: datetime) -> float:
    if experiment.started_at is None:
        return 0.0
    end = experiment.stopped_at or now
    return max(0.0, (end - experiment.started_at).total_seconds() / 86400)


def analyse(experiment: Experiment, numbers: ExperimentNumbers, now: datetime) -> Analysis:
    # The mixture is tuned to the uplift the owner planned for (Johari et al. 2022, section 5).
    rules = Rules(tau=experiment.planned_uplift_percent / 100)
    weights = {v.key: float(v.weight) for v in experiment.variants}
    running = days_running(experiment, now)
    verdicts = {
        name: decide(
            {v.key: numbers.sums[v.key][name] for v in experiment.variants},
            weights,
            control="A",
            days_running=running,
            rules=rules,
            binary=metric.binary,
            planned_uplift=experiment.planned_uplift_percent / 100,
        )
        for name, metric in METRICS.items()
    }
    return Analysis(verdicts[experiment.primary_metric], verdicts, running)


def _finite(value: Any) -> Any:
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def verdict_document(verdict: Verdict) -> dict[str, Any]:
    """The verdict as JSON (infinite interval ends, before any data, as null)."""
    document: dict[str, Any] = _finite(asdict(verdict))
    return document


def analysis_document(analysis: Analysis, primary_metric: str) -> dict[str, Any]:
    return {
        "primary_metric": primary_metric,
        "days_running": round(analysis.days_running, 2),
        "verdict": verdict_document(analysis.primary),
        "metrics": {name: verdict_document(v) for name, v in analysis.metrics.items()},
    }
