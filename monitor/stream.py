"""The cycle's plumbing, so that one slow feed delays no other feed's alerts:

    stream       run a producer per source concurrently; hand what they produce to one consumer
                 through a bounded queue, in small batches of what has arrived
    Deliveries   post the outbox off the event loop, one run at a time, whenever a batch queued alerts

`monitor.pipeline` says what is produced (a feed's read and its new items) and consumed (linked,
stored, delivered); this module only says how the two sides meet.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from types import TracebackType
from typing import TypeVar

from monitor.outbox import DeliveryReport

S = TypeVar("S")
A = TypeVar("A")
R = TypeVar("R")


class _End:
    """Put on the queue once every producer is done."""


async def stream(sources: Iterable[S], produce: Callable[[S], Awaitable[A]],
                 consume: Callable[[list[A]], Awaitable[R]], *, weight: Callable[[A], int], batch: int,
                 maxsize: int) -> list[R]:
    """`produce(source)` for every source at once; `consume` is handed what has arrived meanwhile (in
    arrival order, at most `batch` by weight unless one alone weighs more), one batch at a time.

    Returns consume's results in order. When either side raises, the other is cancelled and the
    error goes up: nothing waits forever on a queue nobody reads.
    """
    queue: asyncio.Queue[A | _End] = asyncio.Queue(maxsize)

    async def one(source: S) -> None:
        await queue.put(await produce(source))

    async def feed() -> None:
        await asyncio.gather(*(one(source) for source in sources))
        await queue.put(_End())

    async def drain() -> list[R]:
        results: list[R] = []
        while True:
            arrived, ended = await _take(queue, weight, batch)
            if arrived:
                results.append(await consume(arrived))
            if ended:
                return results

    return await _together(feed(), drain())


async def _take(queue: asyncio.Queue[A | _End], weight: Callable[[A], int], batch: int) -> tuple[list[A], bool]:
    """Wait for the first arrival, then take what else is already there, up to `batch` by weight."""
    taken: list[A] = []
    total = 0
    head = await queue.get()
    while not isinstance(head, _End):
        taken.append(head)
        total += weight(head)
        if total >= batch or queue.empty():
            return taken, False
        head = queue.get_nowait()
    return taken, True


async def _together(feeding: Awaitable[None], draining: Awaitable[list[R]]) -> list[R]:
    producers, consumer = asyncio.ensure_future(feeding), asyncio.ensure_future(draining)
    try:
        done, _ = await asyncio.wait({producers, consumer}, return_when=asyncio.FIRST_EXCEPTION)
        for task in done:
            task.result()  # the first failure, if any, goes up from here
        return await consumer
    finally:
        for task in (producers, consumer):
            task.cancel()  # a no-op for a task that is done
        await asyncio.gather(producers, consumer, return_exceptions=True)


class Deliveries:
    """Runs `deliver` in a worker thread (the Slack client blocks) each time `wanted()` is called,
    never two runs at once: a wish made during a run gives one more run afterwards, so two runs
    never claim the same outbox row. An error no retry can fix (`fatal`) ends the runs for the cycle;
    so does an exception (the database failing), which goes up on leaving.

    `async with Deliveries(deliver) as deliveries:` runs once on leaving if nothing asked for a run
    (rows earlier cycles left pending are still posted), and waits for the run in progress.
    """

    def __init__(self, deliver: Callable[[], DeliveryReport]) -> None:
        self._deliver = deliver
        self.report = DeliveryReport()
        self._again = False
        self._ran = False
        self._task: asyncio.Task[None] | None = None

    def wanted(self) -> None:
        self._again = True
        if self._task is None or (self._task.done() and not _failed(self._task)):
            self._task = asyncio.create_task(self._run())  # a failed run is kept: its error goes up at exit

    async def _run(self) -> None:
        while self._again and not self.report.fatal:
            self._again, self._ran = False, True
            self.report += await asyncio.to_thread(self._deliver)

    async def __aenter__(self) -> Deliveries:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        if exc_type is None and not self._ran:
            self.wanted()
        if self._task is not None:
            await self._task


def _failed(task: asyncio.Task[None]) -> bool:
    return task.cancelled() or task.exception() is not None
