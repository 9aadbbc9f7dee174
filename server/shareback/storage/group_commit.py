"""Group commit: concurrent writers share one transaction, each still waits for its commit.

A burst of referral clicks would otherwise queue for the single SQLite writer one transaction at
a time (or take one PostgreSQL round trip per statement each). Here each caller adds its item to
the queue and awaits a future; one writer task at a time takes everything queued, writes it in
one transaction and resolves each item's future only after the COMMIT returned. While a batch
commits, the next one fills, so a lone click waits for nothing and a burst is written in a few
transactions instead of hundreds.

A batch that fails is written again item by item, so one bad item cannot take the others down;
an item that fails alone gets the exception: it was not stored, and its caller must not say it
was.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

log = logging.getLogger("shareback.storage")

MAX_BATCH = 256


class GroupCommit(Generic[T, R]):
    def __init__(
        self, write: Callable[[Sequence[T]], Awaitable[Sequence[R]]], max_batch: int = MAX_BATCH
    ) -> None:
        """write(items) stores the items in one transaction and returns one result per item,
        in order, once committed; it raises if nothing of the batch was stored."""
        self._write = write
        self._max_batch = max_batch
        self._queue: list[tuple[T, asyncio.Future[R]]] = []
        self._writer: asyncio.Task[None] | None = None
        # Transactions committed and the items in them, for the tests and the benchmark.
        self.batches = 0
        self.items = 0

    async def submit(self, item: T) -> R:
        """The item's result once its batch is committed; the write's exception if it was not."""
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._queue.append((item, future))
        if self._writer is None:
            self._writer = asyncio.create_task(self._drain())
        # A caller that gives up (its client went away) cancels only its own future: the batch
        # is the writer task's, and goes on for the others.
        return await future

    async def close(self) -> None:
        """Waits for the queued items to be written."""
        if self._writer is not None:
            with contextlib.suppress(Exception):
                await self._writer

    async def _drain(self) -> None:
        try:
            while self._queue:
                batch = self._queue[: self._max_batch]
                del self._queue[: self._max_batch]
                await self._write_batch(batch)
        finally:
            self._writer = None

    async def _write_batch(self, batch: list[tuple[T, asyncio.Future[R]]]) -> None:
        try:
            results = await self._write([item for item, _ in batch])
        except Exception as exc:
            if len(batch) == 1:
                _settle(batch[0][1], exc)
                return
            log.warning(
                "a batch of %d writes failed (%s); writing them one by one", len(batch), exc
            )
            for one in batch:
                await self._write_batch([one])
            return
        except BaseException as exc:  # cancelled: nothing of the batch is known to be stored
            for _, future in batch:
                _settle(future, exc)
            raise
        self.batches += 1
        self.items += len(batch)
        for (_, future), result in zip(batch, results, strict=True):
            if not future.done():
                future.set_result(result)


def _settle(future: asyncio.Future[R], exc: BaseException) -> None:
    if future.done():
        return
    if isinstance(exc, asyncio.CancelledError):
        future.cancel()
    else:
        future.set_exception(exc)
