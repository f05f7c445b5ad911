"""The access log of `serve`: lines formatted off the event loop exactly as the `logging` path
formats them, all written by the time the server stops, none with --no-access-log, and lines
beyond the queue's bound dropped and counted."""

from __future__ import annotations

import asyncio
import io
import logging
import threading
import time
from pathlib import Path

import httpx
import pytest
from starlette.types import Message, Receive, Scope, Send

from htx_sandbox.http.core.access_log import (
    ACCESS_LOGGER,
    AccessLog,
    AccessLogWriter,
    Entry,
    JsonFormatter,
    LineFormat,
    TextFormatter,
    _fields,
    _text_line,
)

from .conftest import Server

CREATED = 1_767_225_599.9996  # the last moment of a second: msecs 999
ENTRIES: list[Entry] = [
    (CREATED, "GET", "/api/v1/timestamp", None, None, 200, 0.0001234, None),
    (CREATED + 0.5, "POST", "/swap-api/v1/swap_order", 4242, 1014, 200, 0.0125, None),
    (time.time(), "GET", "/swap-ex/market/dépth\"x", 10000002, None, 404, 2.5, None),
    (1_700_000_000.0, "DELETE", "/", None, 1000, 500, 0.0, None),
    # What a test control injected ends the line (docs/test-controls.md).
    (CREATED, "POST", "/swap-api/v1/swap_order", 4242, 1032, 200, 0.001, "err_code=1032"),
    (CREATED, "GET", "/swap-api/v1/swap_index", None, None, 500, 0.001, "drop"),
]


def logged(entry: Entry, formatter: logging.Formatter) -> str:
    """The line the `logging` path (AccessLog without a writer) prints for the entry."""
    fields = _fields(entry)
    record = logging.getLogger(ACCESS_LOGGER).makeRecord(
        ACCESS_LOGGER, logging.INFO, __file__, 1, _text_line(fields), (), None,
        extra={"access": fields},
    )  # fmt: skip
    record.created = entry[0]
    record.msecs = int((entry[0] - int(entry[0])) * 1000) + 0.0
    return formatter.format(record) + "\n"


@pytest.mark.parametrize("entry", ENTRIES)
def test_lines_are_those_the_logging_formatters_print(entry: Entry) -> None:
    assert LineFormat("text")(entry) == logged(entry, TextFormatter())
    assert LineFormat("json")(entry) == logged(entry, JsonFormatter())


def writer_into(stream: io.TextIOBase, bound: int = 20_000) -> AccessLogWriter:
    writer = AccessLogWriter(logging.StreamHandler(stream), "text", bound=bound)
    writer.start()
    return writer


def test_close_writes_every_queued_line() -> None:
    stream = io.StringIO()
    writer = writer_into(stream)
    for number in range(5000):
        writer.submit((CREATED, "GET", f"/{number}", None, None, 200, 0.001, None))
    writer.close()
    lines = stream.getvalue().splitlines()
    assert [line.split()[5] for line in lines] == [f"/{number}" for number in range(5000)]
    assert writer.dropped == 0


class StuckStream(io.StringIO):
    """A stream whose writes wait until `release` is set, as a stdout nobody reads."""

    def __init__(self) -> None:
        super().__init__()
        self.entered = threading.Event()
        self.release = threading.Event()

    def write(self, text: str) -> int:
        self.entered.set()
        assert self.release.wait(30)
        return super().write(text)


def test_lines_beyond_the_bound_are_dropped_counted_and_reported(
    caplog: pytest.LogCaptureFixture,
) -> None:
    stream = StuckStream()
    writer = writer_into(stream, bound=5)
    writer.submit(ENTRIES[0])
    assert stream.entered.wait(30)  # the writer holds that line, stuck in write()
    for _ in range(5 + 3):
        writer.submit(ENTRIES[1])
    assert writer.dropped == 3
    stream.release.set()
    with caplog.at_level(logging.WARNING, logger=ACCESS_LOGGER):
        writer.close()
    assert len(stream.getvalue().splitlines()) == 1 + 5
    assert "dropped 3 access log lines" in caplog.text


class BrokenStream(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_broken_stream_counts_its_lines_as_dropped(caplog: pytest.LogCaptureFixture) -> None:
    writer = writer_into(BrokenStream())
    for entry in ENTRIES:
        writer.submit(entry)
    with caplog.at_level(logging.WARNING, logger=ACCESS_LOGGER):
        writer.close()
    assert writer.dropped == len(ENTRIES)
    assert f"dropped {len(ENTRIES)} access log lines" in caplog.text


async def answering(scope: Scope, receive: Receive, send: Send) -> None:
    scope["htx.uid"], scope["htx.err_code"] = 7, 1014
    await send({"type": "http.response.start", "status": 201, "headers": []})
    await send({"type": "http.response.body", "body": b"{}"})


async def failing(scope: Scope, receive: Receive, send: Send) -> None:
    raise RuntimeError("boom")


def test_the_wrapper_queues_uid_err_code_and_status() -> None:
    stream = io.StringIO()
    writer = writer_into(stream)
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    async def requests() -> None:
        await AccessLog(answering, writer)({"type": "http", "method": "POST", "path": "/a"},
                                           receive, send)  # fmt: skip
        with pytest.raises(RuntimeError):
            await AccessLog(failing, writer)({"type": "http", "method": "GET", "path": "/b"},
                                             receive, send)  # fmt: skip

    asyncio.run(requests())
    writer.close()
    first, second = stream.getvalue().splitlines()
    assert " POST /a uid=7 err_code=1014 status=201 latency_ms=" in first
    assert " GET /b uid=- err_code=- status=500 latency_ms=" in second
    assert len(sent) == 2


def access_lines(running: Server) -> list[str]:
    return [line for line in running.stderr.splitlines() if " INFO htx_sandbox.access " in line]


def test_serve_writes_a_line_per_request_by_the_time_it_stops(tmp_path: Path) -> None:
    with Server(tmp_path / "data") as running, httpx.Client(base_url=running.url) as client:
        for _ in range(200):
            assert client.get("/api/v1/timestamp").status_code == 200
    assert running.process is not None and running.process.returncode == 0, running.stderr
    assert len(access_lines(running)) == 200


def test_no_access_log_writes_none(tmp_path: Path) -> None:
    with Server(tmp_path / "data", args=("--no-access-log",)) as running:
        assert httpx.get(f"{running.url}/api/v1/timestamp").status_code == 200
    assert running.process is not None and running.process.returncode == 0, running.stderr
    assert access_lines(running) == []
    assert "/api/v1/timestamp" not in running.stderr
