"""A/B experiments in /openapi.json: a campaign's experiments, their results and status changes."""

from __future__ import annotations

from typing import Any

from shareback.api.owner.schema_kit import (
    BOOLEAN,
    ID,
    NOT_BLANK_NO_NUL,
    STRING,
    TIME,
    Schema,
    array,
    body,
    enum,
    nullable,
    obj,
    operation,
    param,
    ref,
    response,
)
from shareback.api.owner.schemas import SLUG_SCHEMA
from shareback.channels import SHARE_TARGETS
from shareback.experiments.metrics import METRICS, PRIMARY
from shareback.experiments.variants import KEYS, MAX_TEXT, STATUSES
from shareback.rewards import REWARD_TYPES

TAG = "experiments"
NUMBER: Schema = {"type": "number"}
OFFER = obj({"type": enum(REWARD_TYPES), "value": STRING})
OVERRIDES = obj(
    {
        "referrer_reward": OFFER,
        "friend_reward": OFFER,
        "channels": array(enum(SHARE_TARGETS), minItems=1, uniqueItems=True),
        **{
            name: {**STRING, "minLength": 1, "maxLength": limit, "pattern": NOT_BLANK_NO_NUL}
            for name, limit in MAX_TEXT.items()
        },
    },
    optional=["referrer_reward", "friend_reward", "channels", *MAX_TEXT],
    description="What the variant changes; what it leaves out is the campaign's. Texts may "
    "use {shop}, {friend} and {referrer} (the offers); the e-mail's are templates as the "
    "invitation e-mail's own.",
)
NAME: Schema = {**STRING, "maxLength": 100, "pattern": NOT_BLANK_NO_NUL}
WEIGHT: Schema = {"type": "integer", "minimum": 1, "maximum": 1000, "default": 1}
VARIANT = obj(
    {"key": enum(KEYS), "name": STRING, "weight": {"type": "integer"}, "overrides": OVERRIDES}
)
INTERVAL = obj({"low": nullable(NUMBER), "high": nullable(NUMBER)})
VERDICT = obj(
    {
        "status": {
            **enum(["collecting", "sample_ratio_mismatch", "undecided", "decided"]),
            "description": "collecting: below the minimum sample or a week; "
            "sample_ratio_mismatch: the split differs from the weights (p < 0.001); decided: "
            "a variant beats the control (or the control beats all), always-valid test",
        },
        "winner": nullable(enum(KEYS)),
        "variants": array(
            obj({"variant": STRING, "n": {"type": "integer"}, "mean": NUMBER, "interval": INTERVAL})
        ),
        "comparisons": array(
            obj(
                {
                    "variant": STRING,
                    "uplift": {**NUMBER, "description": "relative to the control: 0.18 = 18 %"},
                    "interval": INTERVAL,
                    "p_value": {**NUMBER, "description": "always valid, Bonferroni-corrected"},
                    "better": BOOLEAN,
                    "worse": BOOLEAN,
                }
            )
        ),
        "srm_p_value": NUMBER,
        "days_left": nullable({"type": "integer"}),
        "needed_per_variant": nullable({"type": "integer"}),
    }
)
SCHEMAS: dict[str, Schema] = {
    "Experiment": obj(
        {
            "id": ID,
            "campaign": STRING,
            "name": STRING,
            "status": enum(STATUSES),
            "primary_metric": enum(PRIMARY),
            "planned_uplift_percent": {"type": "integer", "minimum": 1, "maximum": 500},
            "control": {"const": "A"},
            "variants": array(VARIANT),
            "created_at": TIME,
            "started_at": nullable(TIME),
            "stopped_at": nullable(TIME),
            "winner": nullable(enum(KEYS)),
            "rolled_out": BOOLEAN,
            "result": {
                **nullable({"type": "object"}),
                "description": "the ExperimentResults when it stopped",
            },
        }
    ),
    "ExperimentList": obj({"data": array(ref("Experiment"))}),
    "ExperimentInput": obj(
        {
            "name": {**STRING, "maxLength": 100, "pattern": NOT_BLANK_NO_NUL},
            "primary_metric": {
                **enum(PRIMARY),
                "description": "decides the experiment; fixed once it starts",
            },
            "planned_uplift_percent": {
                "type": "integer",
                "minimum": 1,
                "maximum": 500,
                "default": 20,
                "description": "the uplift hoped for: the test is tuned for it and the planner "
                "counts the days to find it",
            },
            "variants": {
                "type": "array",
                "minItems": 2,
                "maxItems": len(KEYS),
                "prefixItems": [
                    obj(
                        {"name": NAME, "weight": WEIGHT},
                        optional=["weight"],
                        description="A, the control: the campaign as it is",
                    )
                ],
                "items": obj(
                    {
                        "name": NAME,
                        "weight": WEIGHT,
                        "overrides": {**OVERRIDES, "minProperties": 1},
                    },
                    optional=["weight"],
                    description="B, C, D: each changes something",
                ),
            },
        },
        optional=["planned_uplift_percent"],
    ),
    "ExperimentResults": obj(
        {
            "primary_metric": enum(PRIMARY),
            "days_running": NUMBER,
            "verdict": VERDICT,
            "metrics": obj({name: VERDICT for name in METRICS}),
        }
    ),
    "ExperimentStatusInput": obj(
        {
            "status": enum(["running", "paused", "stopped"]),
            "roll_out": {
                **BOOLEAN,
                "default": False,
                "description": "with stopped: write the winner's offers and texts into the "
                "campaign (409 when there is no winner)",
            },
        },
        optional=["roll_out"],
    ),
    "ExperimentEventData": obj({"experiment": ref("Experiment")}),
}


def paths() -> dict[str, dict[str, Any]]:
    slug = param("slug", "path", SLUG_SCHEMA, "The campaign's slug.")
    experiment = param("experiment_id", "path", ID, "The experiment's id.")
    return {
        "/api/v1/campaigns/{slug}/experiments": {
            "get": operation(
                "listExperiments",
                "A campaign's experiments, newest first (finished ones with their results)",
                TAG,
                {200: response("The experiments.", ref("ExperimentList"))},
                errors=[404],
                parameters=[slug],
            ),
            "post": operation(
                "createExperiment",
                "Plan an A/B experiment (a draft: start it with its status)",
                TAG,
                {201: response("The draft.", ref("Experiment"))},
                errors=[400, 404, 409, 413, 415, 422],
                parameters=[slug],
                request_body=body(ref("ExperimentInput")),
                description="409 experiment_exists while the campaign has one that is not stopped.",
            ),
        },
        "/api/v1/campaigns/{slug}/experiments/{experiment_id}": {
            "get": operation(
                "getExperiment",
                "One experiment",
                TAG,
                {200: response("The experiment.", ref("Experiment"))},
                errors=[404],
                parameters=[slug, experiment],
            )
        },
        "/api/v1/campaigns/{slug}/experiments/{experiment_id}/results": {
            "get": operation(
                "getExperimentResults",
                "Every variant's numbers, intervals and the verdict",
                TAG,
                {200: response("The results so far.", ref("ExperimentResults"))},
                errors=[404],
                parameters=[slug, experiment],
                description="Always-valid (mSPRT) intervals and verdict: looking every day "
                "does not make a false winner likelier (docs/experiments.md).",
            )
        },
        "/api/v1/campaigns/{slug}/experiments/{experiment_id}/status": {
            "post": operation(
                "changeExperimentStatus",
                "Start, pause, resume or stop an experiment (audited)",
                TAG,
                {200: response("The experiment.", ref("Experiment"))},
                errors=[400, 404, 409, 413, 415, 422],
                parameters=[slug, experiment],
                request_body=body(ref("ExperimentStatusInput")),
                description="409 invalid_transition for a move its status does not allow; "
                "409 no_winner for roll_out without a decided winner.",
            )
        },
    }
