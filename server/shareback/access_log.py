"""The access log without personal data: no client address and no query string by default.

Query strings carry what shoppers type (the referrer look-up's `?q=Anna de Vries`) and signed
refs; the address is personal data. `SHAREBACK_ACCESS_LOG=full` logs both (for debugging, with
a retention of your own), `off` logs no requests at all."""

from __future__ import annotations

import copy
import logging
from typing import Any

import uvicorn.config


class PrivateAccessLog(logging.Filter):
    """Rewrites uvicorn's access record: (client, method, path?query, version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5:
            _client, method, path, version, status = args
            record.args = ("-", method, str(path).split("?", 1)[0], version, status)
        return True


def log_config(mode: str) -> dict[str, Any]:
    """uvicorn's own logging set-up, with the access log as the mode says."""
    config: dict[str, Any] = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    if mode == "private":
        config["filters"] = {"private": {"()": f"{__name__}.PrivateAccessLog"}}
        config["loggers"]["uvicorn.access"]["filters"] = ["private"]
    elif mode == "off":
        config["loggers"]["uvicorn.access"]["level"] = "WARNING"
    return config
