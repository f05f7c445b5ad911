"""HTTP limits (http/core/guard.py) on a real uvicorn server on 127.0.0.1: slow and oversized heads,
slow bodies and the per-address connection cap close the connection; ordinary requests go on.

The server runs on a thread of the test process with short timeouts, so that the tests are fast
and the RSS check can read the server's memory as its own.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from htx_sandbox.http.core.guard import HttpLimits, guarded_protocol
from htx_sandbox.protocol.signature import signed_params
from htx_sandbox.service.clock import ManualClock

from .conftest import KEYS, Key

FAST = HttpLimits(
    head_timeout_s=0.5, body_timeout_s=0.5, min_body_rate=1000, max_connections_per_ip=8
)
WAIT_S = 10  # far longer than any timeout above: a closed connection is seen well within it
HEAD = b"GET /api/v1/timestamp HTTP/1.1\r\nHost: 127.0.0.1\r\n"


@contextlib.contextmanager
def serving(app: Any, limits: HttpLimits) -> Iterator[int]:
    """The app behind the guarded protocol on a free port; yields the port."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(
        app,
        http=guarded_protocol(limits),
        ws="none",
        loop="uvloop",
        lifespan="off",
        log_level="error",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + WAIT_S
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.01)
    try:
        yield sock.getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(WAIT_S)
        sock.close()


@pytest.fixture
def limits() -> HttpLimits:
    return FAST


@pytest.fixture
def port(app: Any, limits: HttpLimits) -> Iterator[int]:
    with serving(app, limits) as bound:
        yield bound


def connect(port: int, source: str = "127.0.0.1") -> socket.socket:
    conn = socket.create_connection(("127.0.0.1", port), timeout=WAIT_S, source_address=(source, 0))
    return conn


def closed_by_server(conn: socket.socket) -> bool:
    """True once the server closed the connection (EOF or reset), reading what it answered."""
    try:
        while True:
            data = conn.recv(65536)
            if not data:
                return True
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def answer(conn: socket.socket) -> bytes:
    """The reply to one request (Content-Length framed), read off a keep-alive connection."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        assert chunk, f"closed before an answer: {data!r}"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        body += conn.recv(65536)
    return head + b"\r\n\r\n" + body


def timestamp_works(port: int, source: str = "127.0.0.1") -> bool:
    with connect(port, source) as conn:
        conn.sendall(HEAD + b"\r\n")
        return answer(conn).startswith(b"HTTP/1.1 200")


# -- the head ------------------------------------------------------------------------------------


def test_a_connection_that_sends_nothing_is_closed(port: int) -> None:
    with connect(port) as conn:
        assert closed_by_server(conn)


def test_a_partial_head_is_closed_after_the_timeout_even_if_it_keeps_dripping(port: int) -> None:
    with connect(port) as conn:
        conn.sendall(HEAD)
        conn.settimeout(0.1)
        closed = False
        deadline = time.monotonic() + WAIT_S
        while not closed and time.monotonic() < deadline:
            try:
                conn.sendall(b"X-Drip: 1\r\n")  # every 0.1 s: each read is quick, the head never
            except OSError:
                closed = True
                break
            closed = closed_by_server(conn)
        assert closed


def test_a_head_finished_before_the_timeout_is_answered(port: int) -> None:
    with connect(port) as conn:
        conn.sendall(HEAD)
        time.sleep(FAST.head_timeout_s / 5)
        conn.sendall(b"\r\n")
        assert answer(conn).startswith(b"HTTP/1.1 200")
        # keep-alive: the next request's head has a clock of its own
        conn.sendall(HEAD)
        time.sleep(FAST.head_timeout_s / 5)
        conn.sendall(b"\r\n")
        assert answer(conn).startswith(b"HTTP/1.1 200")


def test_a_head_over_the_limit_is_answered_431_and_closed(port: int) -> None:
    with connect(port) as conn:
        conn.sendall(HEAD + b"X-Big: " + b"a" * (64 * 1024) + b"\r\n\r\n")
        data = b""
        with contextlib.suppress(ConnectionResetError):
            while chunk := conn.recv(65536):
                data += chunk
    assert data.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n")


def test_a_head_just_under_the_limit_is_answered(port: int) -> None:
    with connect(port) as conn:
        conn.sendall(HEAD + b"X-Big: " + b"a" * (60 * 1024) + b"\r\n\r\n")
        assert answer(conn).startswith(b"HTTP/1.1 200")


def rss_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS in /proc/self/status")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")
def test_an_endless_header_line_is_not_buffered(port: int) -> None:
    sent, total = 0, 16 * 1024 * 1024
    chunk = b"a" * (64 * 1024)
    before = rss_bytes()
    with connect(port) as conn:
        conn.sendall(HEAD + b"X-Endless: ")
        with contextlib.suppress(OSError):  # the server closes and resets the connection
            while sent < total:
                conn.sendall(chunk)
                sent += len(chunk)
        assert closed_by_server(conn)
    # Unguarded, httptools keeps every byte of the line (4 such lines grew the server by 92 MB).
    assert rss_bytes() - before < total // 2
    assert timestamp_works(port)


# -- the body ------------------------------------------------------------------------------------


def signed_path(port: int, clock: ManualClock, path: str, key: Key = KEYS.trader) -> bytes:
    when = datetime.fromtimestamp(clock.now() / 1000, UTC)
    query = signed_params(key.access, key.secret, "POST", f"127.0.0.1:{port}", path, when)
    return (path + "?" + str(httpx.QueryParams(query))).encode()


def post_head(
    port: int, clock: ManualClock, path: str, length: int, key: Key = KEYS.trader
) -> bytes:
    return (
        b"POST " + signed_path(port, clock, path, key) + b" HTTP/1.1\r\n"
        b"Host: 127.0.0.1:" + str(port).encode() + b"\r\n"
        b"Content-Type: application/json\r\nContent-Length: " + str(length).encode() + b"\r\n\r\n"
    )


ORDER = (
    b'{"contract_code":"BTC-USD","direction":"buy","offset":"open","volume":1,'
    b'"lever_rate":5,"order_price_type":"limit","price":"40000"}'
)


def open_orders(port: int, clock: ManualClock) -> list[Any]:
    path = "/swap-api/v1/swap_openorders"
    with connect(port) as conn:
        body = b'{"contract_code":"BTC-USD"}'
        conn.sendall(post_head(port, clock, path, len(body)) + body)
        reply = answer(conn)
    orders: list[Any] = json.loads(reply.partition(b"\r\n\r\n")[2])["data"]["orders"]
    return orders


def test_a_slow_body_is_closed_and_not_executed(port: int, clock: ManualClock) -> None:
    # A whole order, then padding that trickles at 1 byte per 0.1 s, far under the minimum rate.
    padding = 1000
    path = "/swap-api/v1/swap_order"
    with connect(port) as conn:
        conn.sendall(post_head(port, clock, path, len(ORDER) + padding) + ORDER)
        conn.settimeout(0.1)
        closed = False
        deadline = time.monotonic() + WAIT_S
        while not closed and time.monotonic() < deadline:
            try:
                conn.sendall(b" ")
            except OSError:
                closed = True
                break
            closed = closed_by_server(conn)
        assert closed
    assert open_orders(port, clock) == []  # the body never finished: no order


def test_a_body_at_the_minimum_rate_is_read(port: int, clock: ManualClock) -> None:
    path = "/swap-api/v1/swap_order"
    with connect(port) as conn:
        conn.sendall(post_head(port, clock, path, len(ORDER)) + ORDER[:20])
        time.sleep(FAST.body_timeout_s / 5)
        conn.sendall(ORDER[20:])
        assert b'"status":"ok"' in answer(conn)
    assert len(open_orders(port, clock)) == 1


# -- connections per address ---------------------------------------------------------------------


def test_the_connection_over_the_cap_is_refused_until_one_closes(port: int) -> None:
    with contextlib.ExitStack() as stack:
        held = [stack.enter_context(connect(port)) for _ in range(FAST.max_connections_per_ip)]
        for conn in held:  # each is served, so each was accepted and counted
            conn.sendall(HEAD + b"\r\n")
            assert answer(conn).startswith(b"HTTP/1.1 200")
        with connect(port) as extra:
            extra.settimeout(WAIT_S)
            assert closed_by_server(extra)
        assert timestamp_works(port, source="127.0.0.2")  # the cap is per address
        held.pop().close()
        deadline = time.monotonic() + WAIT_S
        while True:  # the server counts the close when it reads it
            with contextlib.suppress(OSError, AssertionError):
                if timestamp_works(port):
                    break
            assert time.monotonic() < deadline, "no connection accepted after one closed"
            time.sleep(0.05)


@pytest.mark.parametrize(
    "limits",
    [HttpLimits(head_timeout_s=60, body_timeout_s=60, max_connections_per_ip=200)],
)
def test_ordinary_requests_are_served_while_slow_connections_are_open(
    port: int, clock: ManualClock
) -> None:
    with contextlib.ExitStack() as stack:
        # Half send part of a head, half a signed order's head and no body (another UID's, so
        # that the trader's rate limit is untouched).
        unfinished = post_head(port, clock, "/swap-api/v1/swap_order", 99, KEYS.second)
        for n in range(150):
            slow = stack.enter_context(connect(port))
            slow.sendall(HEAD if n % 2 else unfinished)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=WAIT_S) as client:
            assert client.get("/api/v1/timestamp").json()["status"] == "ok"
        path = "/swap-api/v1/swap_order"
        with connect(port) as conn:
            conn.sendall(post_head(port, clock, path, len(ORDER)) + ORDER)
            assert b'"status":"ok"' in answer(conn)
        assert len(open_orders(port, clock)) == 1


def test_limits_must_be_positive() -> None:
    with pytest.raises(ValueError):
        HttpLimits(head_timeout_s=0)
    with pytest.raises(ValueError):
        HttpLimits(max_connections_per_ip=0)
