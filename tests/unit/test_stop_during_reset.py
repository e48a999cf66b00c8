"""A stop that lands while SQLAlchemy's pool resets a connection a task just gave back: the pool
logs the CancelledError as an error with its traceback, then drops the connection (seen once in
CI, on `python -m bot web`'s standard error at SIGINT). The CLI's log handler turns it into one
INFO line, shown only with --verbose; any other error keeps its traceback.

The record is made the way the pool makes it (`pool.logger.error(..., exc_info=True)` inside
`except BaseException`): reproducing the race itself needs the cancellation to land inside the
pool's reset, which a test cannot time."""

from __future__ import annotations

import asyncio
import io
import logging

import pytest

from bot.logs import log_handler

POOL_LOGGER = "sqlalchemy.pool.impl.AsyncAdaptedQueuePool"


def log_as_the_pool(error: BaseException) -> None:
    try:
        raise error
    except BaseException:
        logging.getLogger(POOL_LOGGER).error("Exception during reset or similar", exc_info=True)


@pytest.mark.parametrize("log_format", ["text", "json"])
@pytest.mark.parametrize("verbose", [False, True], ids=["quiet", "verbose"])
def test_a_stop_during_a_connection_reset_is_one_quiet_line(verbose, log_format) -> None:
    stream = io.StringIO()
    handler = log_handler(log_format)
    handler.setStream(stream)
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.INFO if verbose else logging.WARNING)  # as --verbose does, or not
    root.addHandler(handler)
    try:
        log_as_the_pool(asyncio.CancelledError())
        log_as_the_pool(ValueError("the database file is broken"))
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    output = stream.getvalue()
    assert "CancelledError" not in output and output.count("Traceback") == 1
    dropped = [line for line in output.splitlines() if "the process stopped while it was being reset" in line]
    assert len(dropped) == (1 if verbose else 0)
    assert all("INFO" in line for line in dropped)
    assert "ValueError: the database file is broken" in output, "other errors keep their traceback"
