"""The batch queue (bot/inbox.py): what arrives while a batch is processed becomes the next batch;
during a crowd a smaller batch waits a moment for the rest, and a lone update never waits."""

from __future__ import annotations

import asyncio
import time

from bot.inbox import BatchQueue
from handlers.types import Incoming, Kind


def update(n: int) -> Incoming:
    return Incoming(channel="telegram", chat_id=str(n), sender_id=str(n), update_key=str(n), kind=Kind.TEXT, text="hi")


def keys(batches: list[list[Incoming]]) -> list[list[int]]:
    return [[int(i.update_key) for i in batch] for batch in batches]


async def test_a_lone_update_is_processed_without_waiting() -> None:
    batches: list[list[Incoming]] = []

    async def process(batch: list[Incoming]) -> None:
        batches.append(batch)

    queue = BatchQueue(process, linger=5.0)
    started = time.perf_counter()
    queue.submit(update(1))
    await asyncio.wait_for(queue.join(), 1.0)
    queue.submit(update(2))  # the next person, later: still alone, still at once
    await asyncio.wait_for(queue.join(), 1.0)
    assert keys(batches) == [[1], [2]]
    assert time.perf_counter() - started < 1.0


async def test_after_a_crowd_the_first_to_write_back_waits_for_the_others() -> None:
    batches: list[list[Incoming]] = []
    crowd_answered = asyncio.Event()

    async def process(batch: list[Incoming]) -> None:
        batches.append(batch)
        if len(batches) == 1:
            queue.submit(update(4))  # the first person answered writes back at once
            crowd_answered.set()

    queue = BatchQueue(process, linger=5.0)
    for n in (1, 2, 3):
        queue.submit(update(n))
    await crowd_answered.wait()
    await asyncio.sleep(0.05)  # the others' updates come with the next getUpdates
    queue.submit(update(5))
    queue.submit(update(6))
    await asyncio.wait_for(queue.join(), 1.0)
    assert keys(batches) == [[1, 2, 3], [4, 5, 6]]


async def test_the_wait_is_bounded_when_no_one_else_writes() -> None:
    batches: list[list[Incoming]] = []

    async def process(batch: list[Incoming]) -> None:
        batches.append(batch)
        if len(batches) == 1:
            queue.submit(update(4))

    queue = BatchQueue(process, linger=0.05)
    for n in (1, 2, 3):
        queue.submit(update(n))
    started = time.perf_counter()
    await asyncio.wait_for(queue.join(), 1.0)
    assert keys(batches) == [[1, 2, 3], [4]]
    assert 0.04 < time.perf_counter() - started < 0.5
