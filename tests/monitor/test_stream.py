"""The cycle's plumbing on its own: batches of what has arrived, failures that cancel the other side,
and deliveries that never overlap. Producers are gated by events, not by sleeping."""

from __future__ import annotations

import asyncio
import threading

import pytest

from monitor.outbox import DeliveryReport
from monitor.stream import Deliveries, stream


def test_the_consumer_is_handed_what_has_arrived_in_arrival_order_and_bounded_batches() -> None:
    async def main() -> list[list[str]]:
        gates = {name: asyncio.Event() for name in "abcde"}

        async def produce(name: str) -> str:
            await gates[name].wait()
            return name

        async def consume(batch: list[str]) -> list[str]:
            if batch == ["c"]:  # while "c" is consumed, three more arrive: b and a come as one batch
                for name in "bae":
                    gates[name].set()
                for _ in range(3):
                    await asyncio.sleep(0)  # the producers run; no wall time passes
            if batch == ["e"]:
                gates["d"].set()  # the last one arrives only now
            return batch

        gates["c"].set()
        return await asyncio.wait_for(stream("abcde", produce, consume, weight=lambda _n: 1, batch=2,
                                             maxsize=10), timeout=5)

    assert asyncio.run(main()) == [["c"], ["b", "a"], ["e"], ["d"]]


def test_a_failing_consumer_cancels_the_producers_and_its_error_goes_up() -> None:
    cancelled: list[str] = []

    async def main() -> None:
        async def produce(name: str) -> str:
            if name == "stuck":
                try:
                    await asyncio.Event().wait()  # never answers
                except asyncio.CancelledError:
                    cancelled.append(name)
                    raise
            return name

        async def consume(batch: list[str]) -> None:
            raise OSError("disk full")

        await stream(["ok", "stuck"], produce, consume, weight=lambda _n: 1, batch=10, maxsize=1)

    with pytest.raises(OSError, match="disk full"):
        asyncio.run(asyncio.wait_for(main(), timeout=5))
    assert cancelled == ["stuck"]


def test_deliveries_never_overlap_and_a_wish_during_a_run_gives_one_more_run() -> None:
    running = threading.Lock()
    first_started, let_first_finish = threading.Event(), threading.Event()
    runs: list[int] = []

    def deliver() -> DeliveryReport:
        assert running.acquire(blocking=False), "two delivery runs at once"
        try:
            runs.append(len(runs))
            if len(runs) == 1:
                first_started.set()
                assert let_first_finish.wait(5)
            return DeliveryReport(sent=1)
        finally:
            running.release()

    async def main() -> DeliveryReport:
        async with Deliveries(deliver) as deliveries:
            deliveries.wanted()
            await asyncio.to_thread(first_started.wait, 5)
            deliveries.wanted()  # three wishes during the first run: one more run, not three
            deliveries.wanted()
            deliveries.wanted()
            let_first_finish.set()
        return deliveries.report

    assert asyncio.run(main()) == DeliveryReport(sent=2) and runs == [0, 1]


def test_deliveries_run_once_at_the_end_when_nothing_asked_and_stop_after_a_fatal_error() -> None:
    calls: list[str] = []

    def deliver() -> DeliveryReport:
        calls.append("run")
        return DeliveryReport(failed=1, fatal="channel_not_found")

    async def idle() -> DeliveryReport:
        async with Deliveries(deliver) as deliveries:
            pass
        return deliveries.report

    assert asyncio.run(idle()).fatal == "channel_not_found" and calls == ["run"]

    async def fatal_first() -> DeliveryReport:
        async with Deliveries(deliver) as deliveries:
            deliveries.wanted()

            async def fatal() -> None:
                while not deliveries.report.fatal:
                    await asyncio.sleep(0.001)

            await asyncio.wait_for(fatal(), timeout=5)
            deliveries.wanted()  # after the fatal error: no more runs this cycle
        return deliveries.report

    calls.clear()
    assert asyncio.run(fatal_first()).failed == 1 and calls == ["run"]
