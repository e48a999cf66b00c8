"""Group commit (bot/group_commit.py): what callers hand over at about the same time is written in
one round; a failed round fails each of its callers and the next round starts afresh."""

from __future__ import annotations

import asyncio

import pytest

from bot.group_commit import GroupCommit


async def test_callers_of_one_moment_share_a_write_and_each_returns_once_written() -> None:
    rounds: list[list[int]] = []

    async def write(items: list[int]) -> None:
        await asyncio.sleep(0.01)  # a commit in flight: the next callers wait for the next round
        rounds.append(items)

    group: GroupCommit[int] = GroupCommit(write)
    await asyncio.gather(*(group.write([n]) for n in range(5)))
    assert rounds == [[0, 1, 2, 3, 4]]

    first = asyncio.create_task(group.write([5]))
    await asyncio.sleep(0.001)  # the round with 5 is being written
    await asyncio.gather(group.write([6]), group.write([7, 8]), first)
    assert rounds[1:] == [[5], [6, 7, 8]]


async def test_a_failed_round_fails_its_callers_only() -> None:
    async def write(items: list[str]) -> None:
        if "bad" in items:
            raise RuntimeError("database away")

    group: GroupCommit[str] = GroupCommit(write)
    results = await asyncio.gather(group.write(["a"]), group.write(["bad"]), return_exceptions=True)
    assert [type(result) for result in results] == [RuntimeError, RuntimeError]
    await group.write(["c"])  # the next round is written
