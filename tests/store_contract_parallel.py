"""Real parallelism for the storage contract: the same job run by many callers at once, either
on four stores in one event loop (four SQLite connections or PostgreSQL pools on one database)
or in four OS processes, each with its own store, released together.

Run as a script it is one such process: `python store_contract_parallel.py URL JOB SETUP CALLERS`
(SETUP and CALLERS as JSON); it opens its store, prints "ready", waits for a line on stdin, runs
its callers at once and prints their results as JSON.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from shareback import codes
from shareback.attribution import Candidate
from shareback.storage import open_store
from shareback.storage.base import Store
from shareback.storage.records import Campaign
from store_contract import T0, paid_order

Job = Callable[[Store, int, dict[str, Any]], Awaitable[Any]]
JOBS: dict[str, Job] = {}
STORES = 4
POOL_SIZE = 5
LEASE = timedelta(minutes=5)


def job(function: Job) -> Job:
    JOBS[function.__name__] = function
    return function


def moment(setup: dict[str, Any], key: str) -> datetime:
    return datetime.fromisoformat(setup[key]).astimezone(UTC)


async def campaign_of(store: Store, setup: dict[str, Any]) -> Campaign:
    campaign = await store.campaign_by_id(setup["campaign_id"])
    assert campaign is not None
    return campaign


@job
async def join_same(store: Store, caller: int, setup: dict[str, Any]) -> list[Any]:
    """The same person joining from many devices at once."""
    advocate, created = await store.advocate_for(
        setup["campaign_id"], "anna@example.nl", "anna@example.nl", "Anna", False, "ANNA", T0
    )
    return [advocate.id, advocate.code, advocate.coupon_code, created]


@job
async def join_many(store: Store, caller: int, setup: dict[str, Any]) -> list[Any]:
    """Different people with the same first name joining at once."""
    email = f"anna.{caller}@example.nl"
    advocate, created = await store.advocate_for(
        setup["campaign_id"], email, email, "Anna", False, codes.code_prefix("Anna", email), T0
    )
    return [advocate.id, advocate.code, advocate.coupon_code, created]


@job
async def deliver_order(store: Store, caller: int, setup: dict[str, Any]) -> list[Any]:
    """One order delivered by the platform under many message ids at once."""
    candidate = Candidate(
        setup["advocate_id"], "anna@example.nl", setup["campaign_id"], "link", None
    )
    outcome = await store.record_paid_order(
        f"msg-{caller}", paid_order("1001"), candidate, "no_referral"
    )
    return [outcome.status, outcome.reason, outcome.referral_id]


@job
async def drain_deliveries(store: Store, caller: int, setup: dict[str, Any]) -> list[Any]:
    """A webhook worker: claims a few due deliveries at a time and delivers them."""
    now = moment(setup, "now")
    done: list[Any] = []
    while batch := await store.claim_deliveries(f"worker-{caller}", now, LEASE, 3):
        for delivery in batch:
            finished = await store.finish_delivery(
                delivery.id,
                f"worker-{caller}",
                delivered=True,
                status_code=200,
                error=None,
                duration_ms=1,
                retry_at=None,
                now=now,
            )
            done.append([delivery.id, finished])
    return done


@job
async def approve(store: Store, caller: int, setup: dict[str, Any]) -> int:
    return await store.approve_due_rewards(moment(setup, "now"))


@job
async def drain_validations(store: Store, caller: int, setup: dict[str, Any]) -> list[Any]:
    """A validation worker: claims due rewards two at a time and applies the shop's yes."""
    now = moment(setup, "now")
    done: list[Any] = []
    while batch := await store.claim_validations(f"worker-{caller}", now, LEASE, 2):
        for due in batch:
            finished = await store.finish_validation(
                due.reward_id,
                f"worker-{caller}",
                verdict="approved",
                reason=None,
                retry_at=None,
                now=now,
            )
            done.append([due.reward_id, finished])
    return done


@job
async def code_for_one_click(store: Store, caller: int, setup: dict[str, Any]) -> str | None:
    """Two tabs (or ten) of one friend asking for their code at once."""
    campaign = await campaign_of(store, setup)
    return await store.issue_friend_code(campaign, setup["advocate_id"], "click-1", T0)


@job
async def code_per_click(store: Store, caller: int, setup: dict[str, Any]) -> str | None:
    campaign = await campaign_of(store, setup)
    return await store.issue_friend_code(campaign, setup["advocate_id"], f"click-{caller}", T0)


@job
async def upload_or_join(store: Store, caller: int, setup: dict[str, Any]) -> list[Any]:
    """Caller 0 uploads a pool of codes while the others join, drawing coupon codes."""
    if caller == 0:
        upload = await store.add_pool_codes(setup["campaign_id"], setup["codes"], T0)
        return [upload.added, upload.duplicates, upload.conflicts, upload.remaining]
    joined: list[Any] = await join_many(store, caller, setup)
    return joined


async def _run_callers(
    stores: list[Store], name: str, setup: dict[str, Any], callers: list[int]
) -> list[Any]:
    work = JOBS[name]
    return list(
        await asyncio.gather(
            *(work(stores[n % len(stores)], caller, setup) for n, caller in enumerate(callers))
        )
    )


async def _in_loop(url: str, name: str, setup: dict[str, Any], callers: int) -> list[Any]:
    stores = [await open_store(url, POOL_SIZE) for _ in range(STORES)]
    try:
        return await _run_callers(stores, name, setup, list(range(callers)))
    finally:
        for store in stores:
            await store.close()


def _in_processes(url: str, name: str, setup: dict[str, Any], callers: int) -> list[Any]:
    shares = [list(range(callers))[n::STORES] for n in range(STORES)]
    shares = [share for share in shares if share]
    processes = [
        subprocess.Popen(
            [sys.executable, str(Path(__file__)), url, name, json.dumps(setup), json.dumps(share)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for share in shares
    ]
    try:
        for process in processes:  # every store open before anyone starts
            assert process.stdout is not None
            if process.stdout.readline().strip() != "ready":
                raise RuntimeError(f"a worker failed to start: {process.communicate()[1]}")
        for process in processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        results: dict[int, Any] = {}
        for process, share in zip(processes, shares, strict=True):
            out, err = process.communicate(timeout=120)
            if process.returncode != 0:
                raise RuntimeError(f"a worker failed: {err}")
            results.update(zip(share, json.loads(out), strict=True))
        return [results[caller] for caller in range(callers)]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()


def parallel(url: str, mode: str, name: str, setup: dict[str, Any], callers: int) -> list[Any]:
    """The job's results in caller order, every caller started at once."""
    if mode == "loop":
        return asyncio.run(_in_loop(url, name, setup, callers))
    if mode == "processes":
        return _in_processes(url, name, setup, callers)
    raise ValueError(mode)


async def _worker(url: str, name: str, setup: dict[str, Any], callers: list[int]) -> list[Any]:
    store = await open_store(url, POOL_SIZE)
    try:
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)
        return await _run_callers([store], name, setup, callers)
    finally:
        await store.close()


if __name__ == "__main__":
    url, name, setup, callers = sys.argv[1:5]
    print(json.dumps(asyncio.run(_worker(url, name, json.loads(setup), json.loads(callers)))))
