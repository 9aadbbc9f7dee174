"""An experiment as the API and the events show it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from shareback.times import rfc3339_or_none as _time

if TYPE_CHECKING:
    from shareback.storage.experiment_records import Experiment


def experiment_document(experiment: Experiment) -> dict[str, Any]:
    return {
        "id": experiment.id,
        "campaign": experiment.campaign_slug,
        "name": experiment.name,
        "status": experiment.status,
        "primary_metric": experiment.primary_metric,
        "planned_uplift_percent": experiment.planned_uplift_percent,
        "control": "A",
        "variants": [
            {"key": v.key, "name": v.name, "weight": v.weight, "overrides": dict(v.overrides)}
            for v in experiment.variants
        ],
        "created_at": _time(experiment.created_at),
        "started_at": _time(experiment.started_at),
        "stopped_at": _time(experiment.stopped_at),
        "winner": experiment.winner,
        "rolled_out": experiment.rolled_out,
        "result": experiment.result,
    }
