"""Real parallelism for the storage contract: the same job run by many callers at once, either
on four stores in one event loop (four SQLite connections or PostgreSQL pools on one database)
or in four OS processes, each with its own store, released together.

Run as a script it is one such process: for each job line on stdin (JSON: URL, job, setup,
callers) it opens a store, prints "ready", waits for "go", runs its callers at once and prints
their results as JSON.
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
from shareback.storage.records import Campaign, ClickLimit, Hits
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
        setup["campaign_id"], email, email, "Anna", False, codes.code_prefix("Anna"), T0
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
async def spend_credit(store: Store, caller: int, setup: dict[str, Any]) -> str:
    """A checkout spending €5 of Femke's credit under its own key (or all under one key)."""
    key = setup.get("key") or f"checkout-{caller}"
    spent = await store.redeem_credit(
        "femke@example.com", "EUR", 500, key, f"o{caller}", "checkout", T0
    )
    return spent.status


@job
async def make_batch(store: Store, caller: int, setup: dict[str, Any]) -> list[int]:
    """An owner making a payout batch of every payable reward: the rewards it got."""
    batch, _ = await store.create_payout_batch(setup["reward_ids"], f"owner{caller}", T0)
    return [] if batch is None else [item.reward_id for item in batch.items]


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


@job
async def guess_password(store: Store, caller: int, setup: dict[str, Any]) -> bool:
    """Simultaneous sign-in guesses, each for the same account from the same network."""
    keys = ("email:owner@shop.example", "ip:203.0.113.7")
    return await store.count_login_attempt(keys, T0, T0 + timedelta(seconds=caller), 5)


@job
async def replay_totp_step(store: Store, caller: int, setup: dict[str, Any]) -> bool:
    """One two-factor code sent by many requests at once."""
    return await store.use_totp_step(setup["user_id"], 1000)


@job
async def replay_recovery_code(store: Store, caller: int, setup: dict[str, Any]) -> bool:
    return await store.use_recovery_code(setup["user_id"], "code-hash", T0)


@job
async def count_one_hit(store: Store, caller: int, setup: dict[str, Any]) -> int:
    """One hit of one key from every caller at once: each sees its own place in the count."""
    (counted,) = await store.count_hits([Hits("click", "k", setup["at"], 3600, 1)])
    return counted.hits


@job
async def click_under_one_limit(store: Store, caller: int, setup: dict[str, Any]) -> str:
    """One click from one address by every caller at once, under a limit of 20: the limit is
    counted in the clicks' own batches, on whichever store (process) each lands."""
    return await store.record_click(
        setup["advocate_id"],
        f"tok-{caller}",
        "whatsapp",
        "ip-one",
        "mobile",
        T0,
        visitor=f"visitor-{caller}",
        limit=ClickLimit("click", "keyed-ip-one", 3600, 20),
    )


@job
async def take_one_lease(store: Store, caller: int, setup: dict[str, Any]) -> bool:
    return await store.take_lease(
        "approve-rewards", f"holder-{caller}", moment(setup, "now"), moment(setup, "until")
    )


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


class Workers:
    """Four worker processes, started once and given one job after another (starting a Python
    process with the store imported costs more than most jobs)."""

    def __init__(self) -> None:
        self.processes = [
            subprocess.Popen(
                [sys.executable, str(Path(__file__))],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(STORES)
        ]

    def _send(self, process: subprocess.Popen[str], line: str) -> None:
        assert process.stdin is not None
        process.stdin.write(line + "\n")
        process.stdin.flush()

    def _receive(self, process: subprocess.Popen[str]) -> str:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line:
            raise RuntimeError(f"a worker process died: {process.communicate()[1]}")
        return line.strip()

    def run(self, url: str, name: str, setup: dict[str, Any], callers: int) -> list[Any]:
        shares = [
            list(range(callers))[n :: len(self.processes)] for n in range(len(self.processes))
        ]
        busy = [(p, share) for p, share in zip(self.processes, shares, strict=True) if share]
        for process, share in busy:
            self._send(process, json.dumps([url, name, setup, share]))
        for process, _ in busy:  # every store open before anyone starts
            assert self._receive(process) == "ready"
        for process, _ in busy:
            self._send(process, "go")
        results: dict[int, Any] = {}
        for process, share in busy:
            answer = json.loads(self._receive(process))
            if "error" in answer:
                raise RuntimeError(f"a worker's job failed: {answer['error']}")
            results.update(zip(share, answer["results"], strict=True))
        return [results[caller] for caller in range(callers)]

    def close(self) -> None:
        for process in self.processes:
            # communicate() ends the worker's input: it leaves its loop and exits.
            try:
                process.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()


_workers: Workers | None = None


def close_workers() -> None:
    global _workers
    if _workers is not None:
        _workers.close()
        _workers = None


def parallel(url: str, mode: str, name: str, setup: dict[str, Any], callers: int) -> list[Any]:
    """The job's results in caller order, every caller started at once."""
    if mode == "loop":
        return asyncio.run(_in_loop(url, name, setup, callers))
    if mode == "processes":
        global _workers
        if _workers is None:
            _workers = Workers()
        return _workers.run(url, name, setup, callers)
    raise ValueError(mode)


async def _job(url: str, name: str, setup: dict[str, Any], callers: list[int]) -> list[Any]:
    store = await open_store(url, POOL_SIZE)
    try:
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)  # "go"
        return await _run_callers([store], name, setup, callers)
    finally:
        await store.close()


def _serve() -> None:
    """One worker process: a job per line on stdin until it closes, each answered on stdout."""
    for line in sys.stdin:
        url, name, setup, callers = json.loads(line)
        try:
            answer: dict[str, Any] = {"results": asyncio.run(_job(url, name, setup, callers))}
        except Exception as exc:  # reported to the test, which fails with it
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    _serve()
