"""How many password (and second-factor) checks anyone gets: per account and per network, counted
before the check (storage's count_login_attempt), and how many scrypt runs a process does at once."""

from __future__ import annotations

import asyncio
import os
from datetime import timedelta

from starlette.concurrency import run_in_threadpool

from shareback.auth import passwords
from shareback.visitors import network_of

MAX_ATTEMPTS = 5
WINDOW = timedelta(minutes=15)


def attempt_keys(ip: str, email: str) -> tuple[str, str]:
    """The account's key and the network's: either one reaching MAX_ATTEMPTS stops the attempt."""
    return f"email:{email.strip().lower()}", f"ip:{network_of(ip)}"


class Busy(Exception):
    """Too many password checks are already waiting: this one is refused without running."""


class PasswordChecks:
    """scrypt spends 16 MiB and tens of milliseconds of a CPU: at most `concurrent` checks run at
    once in this process and at most `waiting` more queue; beyond that a sign-in is refused (429)
    rather than let a flood of guesses from many addresses take every CPU."""

    def __init__(self, concurrent: int | None = None, waiting: int = 16) -> None:
        self.concurrent = concurrent or max(1, (os.cpu_count() or 2) // 2)
        self.waiting = waiting
        self._slots = asyncio.Semaphore(self.concurrent)
        self._queued = 0
        self.running = 0
        self.most_running = 0  # for the tests and for curiosity: the highest concurrency seen

    async def verify(self, password: str, stored: str) -> bool:
        if self._queued >= self.concurrent + self.waiting:
            raise Busy
        self._queued += 1
        try:
            async with self._slots:
                self.running += 1
                self.most_running = max(self.most_running, self.running)
                try:
                    return await run_in_threadpool(passwords.verify_password, password, stored)
                finally:
                    self.running -= 1
        finally:
            self._queued -= 1
