"""What an experiment measures per exposed advocate, and which of it can be the primary metric."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    name: str
    binary: bool  # yes/no per advocate (a rate), else an amount per advocate
    money: bool
    primary: bool  # may be the metric the experiment is decided on


METRICS = {
    m.name: m
    for m in (
        Metric("share_rate", binary=True, money=False, primary=True),
        Metric("shares", binary=False, money=False, primary=False),
        Metric("clicks", binary=False, money=False, primary=True),
        Metric("order_rate", binary=True, money=False, primary=True),
        Metric("orders", binary=False, money=False, primary=True),
        Metric("revenue", binary=False, money=True, primary=True),
        Metric("reward_cost", binary=False, money=True, primary=False),
        Metric("net_revenue", binary=False, money=True, primary=True),
    )
}
PRIMARY = tuple(name for name, m in METRICS.items() if m.primary)
