"""Changing an experiment's status, one rule for the API and the dashboard: stopping keeps its
results and the winner if one is decided; rolling out needs that winner."""

from __future__ import annotations

from typing import Any

from shareback import tokens
from shareback.experiments.report import analyse, analysis_document
from shareback.storage.base import Store
from shareback.storage.experiment_records import Experiment


class NoWinner(Exception):
    """Rolling out was asked for, and no winner is decided."""


async def stop_result(store: Store, experiment: Experiment) -> tuple[dict[str, Any], str | None]:
    analysis = analyse(experiment, await store.experiment_numbers(experiment), tokens.now_utc())
    winner = analysis.primary.winner if analysis.primary.status == "decided" else None
    return analysis_document(analysis, experiment.primary_metric), winner


async def change_status(
    store: Store, experiment: Experiment, to_status: str, who: str, *, roll_out: bool = False
) -> Experiment:
    """ExperimentTransition (storage) when the move is not allowed; NoWinner for a roll-out
    without a decided winner. Nothing is written either way."""
    result, winner = None, None
    if to_status == "stopped":
        result, winner = await stop_result(store, experiment)
    if roll_out and (to_status != "stopped" or winner is None):
        raise NoWinner
    return await store.change_experiment(
        experiment.id,
        to_status,
        who,
        tokens.now_utc(),
        result=result,
        winner=winner,
        roll_out=roll_out,
    )
